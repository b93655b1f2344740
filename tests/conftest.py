"""Shared fixtures: the clinic's real content, staff users and an admin form helper."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from clinic.groups import sync_groups


@pytest.fixture
def content(db):
    """The clinic's own content, loaded from fixtures/ exactly as `make run` loads it."""
    call_command("load_clinic_content", verbosity=0)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("chef", "chef@example.com", "lösenord-123")


def staff_in(group_name, username):
    # Transactional tests flush the tables the migrations filled; make the groups again.
    sync_groups(apps)
    user = User.objects.create_user(username, f"{username}@example.com", "lösenord-123")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return staff_in("Redaktör", "redaktor")


@pytest.fixture
def receptionist(db):
    return staff_in("Reception", "reception")


def _bound_field_data(data, bound_field):
    value = bound_field.value()
    widget = bound_field.field.widget
    if getattr(widget, "input_type", None) == "checkbox" or isinstance(value, bool):
        if value:
            data[bound_field.html_name] = "on"
        return
    if value is None:
        data[bound_field.html_name] = ""
    elif isinstance(value, list | tuple):
        data[bound_field.html_name] = [str(item) for item in value]
    else:
        data[bound_field.html_name] = str(value)


def admin_form_data(response):
    """The POST data an admin change form would send unchanged, inlines included."""
    data = {}
    for bound_field in response.context["adminform"].form:
        _bound_field_data(data, bound_field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            data[bound_field.html_name] = str(bound_field.value())
        for form in formset.forms:
            for bound_field in form:
                _bound_field_data(data, bound_field)
    return data


@pytest.fixture
def admin_form():
    return admin_form_data


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, with each request's on-commit work (e-mail) run as a real commit would."""
    send = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return send(**kwargs)

    client.request = request
    return client


@pytest.fixture
def run_command(django_capture_on_commit_callbacks):
    """call_command, with its on-commit work run as a real commit would."""

    def run(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call_command(*args, **kwargs)

    return run
