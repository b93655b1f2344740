"""What the patient reads about changing a visit is true: short-notice visits cannot be changed
online, and a visit the clinic cancels or moves says that the clinic did it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from booking.models import Booking, Slot
from clinic.models import OutboxEmail
from tests.booking.conftest import specialist

from .conftest import patient_data

pytestmark = pytest.mark.django_db

STOCKHOLM_TZ = ZoneInfo("Europe/Stockholm")
DETAILS = "/boka/stockholm/nybesok/uppgifter/"


@pytest.fixture
def clock():
    """A Wednesday morning; every date in these tests is derived from it."""
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=STOCKHOLM_TZ), tick=True) as t:
        yield t


def slot_at(location, *, hours_from_now):
    start = (datetime.now(STOCKHOLM_TZ) + timedelta(hours=hours_from_now)).replace(
        minute=0, second=0, microsecond=0
    )
    return Slot.objects.create(
        location=location,
        practitioner=specialist(location),
        start=start,
        end=start + timedelta(hours=1),
    )


def book(client, slot, **overrides):
    response = client.post(DETAILS, patient_data(slot, **overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Booking.objects.get(slot=slot), client.get(response.url)


def test_a_visit_booked_at_short_notice_has_no_change_button_and_says_how_to_reach_us(
    client, stockholm, clock
):
    booking, page = book(client, slot_at(stockholm, hours_from_now=6))
    html = page.content.decode()
    assert "Ändra eller avboka din tid" not in html
    assert "kan inte ändras eller avbokas här på webben" in html
    assert "Hälsingegatan 2" in html  # the contact include: the address at least
    body = mail.outbox[-1].body
    assert "kan inte ändras eller avbokas på webben" in body
    assert booking.get_absolute_url() not in body
    assert "Du kan avboka eller flytta" not in body
    assert "Hälsingegatan 2" in body


def test_a_visit_booked_well_ahead_keeps_the_change_button_and_deadline(client, stockholm, clock):
    booking, page = book(client, slot_at(stockholm, hours_from_now=72))
    html = page.content.decode()
    assert "Ändra eller avboka din tid" in html
    assert "fredag 4 december kl. 09:00" in html  # the deadline, 24 hours before the visit
    assert booking.get_absolute_url() in mail.outbox[-1].body


def test_the_reminder_of_a_visit_within_the_deadline_gives_the_contact_not_the_link(
    client, stockholm, clock, run_command
):
    booking, _ = book(client, slot_at(stockholm, hours_from_now=20))
    run_command("send_booking_reminders")
    reminder = mail.outbox[-1]
    assert reminder.subject.startswith("Påminnelse")
    assert "kan inte ändras eller avbokas på webben" in reminder.body
    assert booking.get_absolute_url() not in reminder.body


def test_the_clinic_cancelling_sends_its_own_email_with_the_reason_once(
    client, receptionist, stockholm, clock
):
    booking, _ = book(client, slot_at(stockholm, hours_from_now=72))
    client.force_login(receptionist)
    action = {
        "action": "cancel",
        "_selected_action": [booking.pk],
        "reason": "Fotspecialisten är sjuk.",
    }
    client.post("/admin/booking/booking/", action)
    client.post("/admin/booking/booking/", action)
    clinic_mails = OutboxEmail.objects.filter(key__startswith="booking-cancelled_by_clinic")
    assert clinic_mails.count() == 1
    assert not OutboxEmail.objects.filter(key__startswith="booking-cancelled:").exists()
    message = mail.outbox[-1]
    assert message.subject.startswith("Mottagningen har avbokat din tid")
    assert "Orsak: Fotspecialisten är sjuk." in message.body
    assert "/boka/stockholm/nybesok/" in message.body
    booking.refresh_from_db()
    assert booking.cancelled_by_clinic and booking.cancel_reason == "Fotspecialisten är sjuk."


def test_the_patient_cancelling_gets_the_patients_email_not_the_clinics(client, stockholm, clock):
    booking, _ = book(client, slot_at(stockholm, hours_from_now=72))
    client.post(f"/boka/hantera/{booking.token}/avboka/")
    message = mail.outbox[-1]
    assert "Du har avbokat din tid" in message.body
    assert "Mottagningen" not in message.subject
    booking.refresh_from_db()
    assert booking.status == "cancelled" and not booking.cancelled_by_clinic


def test_the_clinic_moving_a_visit_says_so_with_the_reason(
    client, receptionist, stockholm, clock, admin_form
):
    booking, _ = book(client, slot_at(stockholm, hours_from_now=72))
    later = slot_at(stockholm, hours_from_now=96)
    client.force_login(receptionist)
    url = f"/admin/booking/booking/{booking.pk}/change/"
    data = admin_form(client.get(url))
    data.update(slot=str(later.pk), cancel_reason="Vi har stängt den dagen.")
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # saved again unchanged: no second e-mail
    assert OutboxEmail.objects.filter(key__startswith="booking-moved_by_clinic").count() == 1
    message = mail.outbox[-1]
    assert message.subject.startswith("Mottagningen har flyttat din tid")
    assert "Orsak: Vi har stängt den dagen." in message.body


def test_the_clinic_cancelling_on_the_bookings_page_sends_its_email_once(
    client, receptionist, stockholm, clock, admin_form
):
    booking, _ = book(client, slot_at(stockholm, hours_from_now=72))
    client.force_login(receptionist)
    url = f"/admin/booking/booking/{booking.pk}/change/"
    data = admin_form(client.get(url))
    data.update(cancel_visit="on", cancel_reason="Mottagningen är stängd.")
    assert client.post(url, data).status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.cancelled_by_clinic
    page = client.get(url).content.decode()
    assert 'name="cancel_visit"' not in page  # a cancelled visit cannot be cancelled again
    assert OutboxEmail.objects.filter(key__startswith="booking-cancelled_by_clinic").count() == 1
    assert "Orsak: Mottagningen är stängd." in mail.outbox[-1].body
