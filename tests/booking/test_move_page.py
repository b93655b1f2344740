"""The move page offers the same grid of time buttons as the booking page, dates in its
heading, and one press of a time moves the visit."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from booking.models import Booking, Slot
from tests.booking.conftest import specialist

from .conftest import patient_data

pytestmark = pytest.mark.django_db

STOCKHOLM_TZ = ZoneInfo("Europe/Stockholm")


def slot_on(location, day, hour):
    start = datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM_TZ)
    return Slot.objects.create(
        location=location,
        practitioner=specialist(location),
        start=start,
        end=start + timedelta(hours=1),
    )


def test_the_move_page_shows_the_week_as_time_buttons_and_a_press_moves(client, stockholm):
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=STOCKHOLM_TZ), tick=True):
        today = datetime.now(STOCKHOLM_TZ).date()  # Tuesday 1 December
        first = slot_on(stockholm, today + timedelta(days=2), 9)
        second = slot_on(stockholm, today + timedelta(days=3), 14)
        client.post("/boka/stockholm/nybesok/uppgifter/", patient_data(first))
        booking = Booking.objects.get()
        url = f"/boka/hantera/{booking.token}/flytta/"

        html = client.get(url).content.decode()
        assert "Lediga tider vecka 49, 30 november–6 december 2026" in html
        assert f'<form method="post" id="valj-tid" action="{url}">' in html
        assert (
            f'<button type="submit" class="button slot" name="slot" value="{second.pk}">'
            '<span class="visually-hidden">Flytta till fredag 4 december kl. </span>14:00'
        ) in html
        assert "Fredag 4 december" in html  # the day's heading, as on the booking page

        response = client.post(url, {"slot": second.pk, "vecka": "2026-W49"})
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.slot == second
