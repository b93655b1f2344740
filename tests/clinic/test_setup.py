"""Set-up a newcomer relies on: fixtures load twice, migrations are complete, groups exist."""

import pytest
from django.core.management import call_command

from clinic.models import Location, Practitioner
from conditions.models import Condition, Reference, Symptom
from shop.models import Product, TreatmentPackage

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count()
        for m in [Location, Practitioner, Condition, Symptom, Reference, TreatmentPackage, Product]
    ]


def test_loading_the_content_twice_duplicates_nothing():
    call_command("load_clinic_content", verbosity=0)
    first = counts()
    call_command("load_clinic_content", verbosity=0)
    call_command("load_clinic_content", "--force", verbosity=0)
    assert counts() == first
    assert first == [2, 3, 1, 6, 5, 7, 4]  # practitioners: the author and one per location


def test_loading_again_keeps_staff_edits(content):
    TreatmentPackage.objects.filter(slug="nybesok").update(price=900)
    call_command("load_clinic_content", verbosity=0)
    assert TreatmentPackage.objects.get(slug="nybesok").price == 900


def test_locations_have_the_sources_addresses(content):
    stockholm = Location.objects.get(slug="stockholm")
    goteborg = Location.objects.get(slug="goteborg")
    assert (stockholm.street_address, stockholm.landmark) == (
        "Hälsingegatan 2",
        "vid Vasaparken och Odenplan",
    )
    assert (goteborg.street_address, goteborg.landmark) == ("Norra Allégatan 8", "vid Järntorget")


def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
