"""Reminders and retention: cron commands that are safe to run again."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from booking.models import Booking, Reservation, Slot
from clinic.models import OutboxEmail

from .conftest import make_slot, patient_data

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

DETAILS = "/boka/stockholm/nybesok/uppgifter/"


def test_reminders_go_out_once_however_often_the_command_runs(
    client, stockholm, settings, run_command
):
    settings.BOOKING_LEAD_MINUTES = 0
    tomorrow = make_slot(stockholm, days=1, hour=10)
    later = make_slot(stockholm, days=5, hour=10)
    client.post(DETAILS, patient_data(tomorrow, request_token="a"))
    client.post(DETAILS, patient_data(later, request_token="b", email="later@example.com"))
    mail.outbox.clear()
    settings.BOOKING_REMINDER_HOURS = 48

    run_command("send_booking_reminders", verbosity=0)
    run_command("send_booking_reminders", verbosity=0)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["asa@example.com"]
    assert mail.outbox[0].subject.startswith("Påminnelse")
    assert Booking.objects.get(slot=tomorrow).reminder_sent_at is not None
    assert Booking.objects.get(slot=later).reminder_sent_at is None


def test_cancelled_bookings_get_no_reminder(client, stockholm, settings, run_command):
    slot = make_slot(stockholm, days=1, hour=10)
    client.post(DETAILS, patient_data(slot))
    Booking.objects.update(status="cancelled", cancelled_at=timezone.now())
    mail.outbox.clear()
    settings.BOOKING_REMINDER_HOURS = 48
    run_command("send_booking_reminders", verbosity=0)
    assert mail.outbox == []


def test_retention_anonymises_old_bookings_and_keeps_the_counts(client, stockholm, run_command):
    slot = make_slot(stockholm)
    client.post(DETAILS, patient_data(slot))
    booking = Booking.objects.get()
    long_ago = timezone.now() - timedelta(days=2000)
    Slot.objects.filter(pk=slot.pk).update(start=long_ago, end=long_ago + timedelta(hours=1))
    Reservation.objects.filter(booking=booking).update(
        start=long_ago,
        end=long_ago + timedelta(hours=1),
        blocked_until=long_ago + timedelta(hours=1),
    )
    OutboxEmail.objects.update(sent_at=long_ago)

    run_command("anonymise_old_records", "--dry-run", verbosity=0)
    assert Booking.objects.get().name == "Åsa Öberg-Ängström"

    run_command("anonymise_old_records", "--days", "365", verbosity=0)
    booking.refresh_from_db()
    assert (booking.name, booking.email, booking.phone, booking.personnummer) == ("", "", "", "")
    assert booking.token is None and booking.anonymised_at is not None
    assert Booking.objects.filter(package__slug="nybesok").count() == 1
    assert not OutboxEmail.objects.exists()
    run_command("anonymise_old_records", "--days", "365", verbosity=0)
    assert Booking.objects.count() == 1
