"""Reception's booking admin: phone bookings, the list, "Kom"/"Uteblev" and the time field."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from booking.models import Booking

from .conftest import make_slot

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ADD = "/admin/booking/booking/add/"
LIST = "/admin/booking/booking/"


@pytest.fixture(autouse=True)
def wednesday_morning():
    """A Wednesday 10:00 in Stockholm; the tests derive every date from it."""
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=STOCKHOLM), tick=True):
        yield


def phone_booking(slot, package, **overrides):
    data = {
        "slot": slot.pk,
        "package": package.pk,
        "name": "Bo Ek",
        "email": "",
        "phone": "070-123 45 67",
        "personnummer": "",
        "date_of_birth": "1985-07-09",
        "message": "",
    }
    data.update(overrides)
    return data


def form_errors(response):
    return response.context["adminform"].form.errors


def test_phone_booking_with_a_birth_date_and_no_email_is_made_and_mails_nothing(
    client, receptionist, stockholm, nybesok
):
    client.force_login(receptionist)
    response = client.post(ADD, phone_booking(make_slot(stockholm), nybesok), follow=True)
    booking = Booking.objects.get()
    assert (booking.email, str(booking.date_of_birth)) == ("", "1985-07-09")
    assert booking.booked_by_staff and booking.phone == "+46701234567"
    assert mail.outbox == []
    shown = [str(m) for m in response.context["messages"]]
    assert "Patienten har ingen e-post: ingen bekräftelse skickades." in shown


def test_phone_booking_without_personnummer_or_birth_date_names_the_field_and_keeps_the_input(
    client, receptionist, stockholm, nybesok
):
    client.force_login(receptionist)
    response = client.post(
        ADD, phone_booking(make_slot(stockholm), nybesok, date_of_birth="", name="Åsa Ö")
    )
    assert response.status_code == 200
    assert form_errors(response)["personnummer"] == [
        "Fyll i personnummer, eller födelsedatum om du saknar personnummer."
    ]
    html = response.content.decode()
    assert "hann tyvärr bokas" not in html
    assert 'value="Åsa Ö"' in html and 'value="070-123 45 67"' in html
    assert Booking.objects.count() == 0


def test_phone_booking_with_a_wrong_personnummer_errs_on_that_field(
    client, receptionist, stockholm, nybesok
):
    client.force_login(receptionist)
    response = client.post(
        ADD, phone_booking(make_slot(stockholm), nybesok, personnummer="19850709-9806")
    )
    assert list(form_errors(response)) == ["personnummer"]
    assert 'value="19850709-9806"' in response.content.decode()


def test_a_time_taken_meanwhile_says_so_on_the_time_field_and_keeps_the_input(
    client, receptionist, stockholm, nybesok, monkeypatch
):
    from booking import services
    from booking.errors import SlotTaken

    def taken(**kwargs):
        raise SlotTaken

    slot = make_slot(stockholm)
    client.force_login(receptionist)
    monkeypatch.setattr(services, "book_slot", taken)  # lost the race after validation
    response = client.post(ADD, phone_booking(slot, nybesok, name="Åsa Ö"))
    assert response.status_code == 200
    assert "Tiden hann tyvärr bokas av någon annan" in str(form_errors(response)["slot"])
    assert 'value="Åsa Ö"' in response.content.decode()
