import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Slot
from booking.schedule import generate_slots
from clinic.models import Location, Practitioner
from shop.models import TreatmentPackage


@pytest.fixture
def slots(content):
    """The fixtures' weekly schedules turned into three weeks of slots."""
    generate_slots(weeks=3)


@pytest.fixture
def stockholm(content):
    return Location.objects.get(slug="stockholm")


@pytest.fixture
def goteborg(content):
    return Location.objects.get(slug="goteborg")


@pytest.fixture
def nybesok(content):
    return TreatmentPackage.objects.get(slug="nybesok")


def specialist(location):
    """The location's practitioner in the fixtures (unnamed: "Fotspecialist")."""
    return Practitioner.objects.get(slug=f"{location.slug}-fotspecialist")


def make_slot(location, *, days=3, hour=10, minutes=60):
    """A slot `days` from now at `hour` local time."""
    day = timezone.localdate() + timedelta(days=days)
    start = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour))
    return Slot.objects.create(
        location=location,
        practitioner=specialist(location),
        start=start,
        end=start + timedelta(minutes=minutes),
    )


def slot_in(location, *, hours, minutes=60):
    """A slot starting `hours` from now (on the minute), whatever the time of day."""
    start = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return Slot.objects.create(
        location=location,
        practitioner=specialist(location),
        start=start,
        end=start + timedelta(minutes=minutes),
    )


def form_token(label):
    """A well-formed one-time form token (32 hex digits) derived from a readable label."""
    return hashlib.md5(label.encode()).hexdigest()


def patient_data(slot, **overrides):
    data = {
        "slot": str(slot.pk),
        "name": "Åsa Öberg-Ängström",
        "email": "asa@example.com",
        "phone": "070-123 45 67",
        "personnummer": "19850709-9805",
        "date_of_birth": "",
        "message": "Ont i vänster häl 🦶",
        "consent": "on",
        "request_token": form_token(overrides.pop("request_token", f"slot-{slot.pk}")),
    }
    data.update(overrides)
    return data
