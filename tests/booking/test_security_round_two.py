"""Security round two (issue 12), booking side: each test failed on the old code."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from booking import services
from booking.models import Booking

from .conftest import make_slot

pytestmark = pytest.mark.django_db

DETAILS = "/boka/stockholm/nybesok/uppgifter/"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=STOCKHOLM), tick=True):
        yield


def staff_booking(location, package, *, days=3, hour=10):
    """A booking made by reception in the admin: it has no request token."""
    return services.book_slot(
        slot=make_slot(location, days=days, hour=hour),
        package=package,
        patient=services.Patient(
            name="Bo Ek", email="bo.ek@example.com", phone="0701234567", personnummer="198507099805"
        ),
        by_staff=True,
    )


def test_an_empty_booking_post_never_opens_a_booking_without_request_token(
    client, stockholm, nybesok
):
    booking = staff_booking(stockholm, nybesok)
    assert booking.request_token is None

    response = client.post(DETAILS, {})

    assert response.status_code != 302
    assert booking.token not in response.content.decode()
    assert "bo.ek@example.com" not in response.content.decode()


@pytest.mark.parametrize("token", ["", "not-hex", "g" * 32, "A" * 32])
def test_a_malformed_request_token_never_matches_two_tokenless_bookings(
    client, stockholm, nybesok, token
):
    staff_booking(stockholm, nybesok, hour=10)
    staff_booking(stockholm, nybesok, hour=11)

    response = client.post(DETAILS, {"request_token": token})

    assert response.status_code in (200, 404)
    assert Booking.objects.count() == 2
