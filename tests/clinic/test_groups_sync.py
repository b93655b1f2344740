"""sync_groups leaves the app registry as it found it."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from clinic.groups import sync_groups

pytestmark = pytest.mark.django_db


def test_sync_groups_with_the_real_registry_keeps_every_models_module():
    before = {config.label: config.models_module for config in apps.get_app_configs()}
    sync_groups(apps)
    after = {config.label: config.models_module for config in apps.get_app_configs()}
    assert after == before
    assert Group.objects.filter(name="Redaktör").exists()
