"""A chosen time is held for the patient's session while they type their details."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import Booking, Reservation, SlotHold
from tests.concurrency import post_together

from .conftest import make_slot, patient_data

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

SLOTS = "/boka/stockholm/nybesok/"
CHOOSE = "/boka/stockholm/nybesok/valj/"
DETAILS = "/boka/stockholm/nybesok/uppgifter/"


def test_a_held_time_is_hidden_from_others_and_booked_by_its_holder(client, stockholm):
    slot = make_slot(stockholm)
    response = client.post(CHOOSE, {"slot": slot.pk})
    assert response["Location"] == f"{DETAILS}?tid={slot.pk}"
    page = client.get(response["Location"]).content.decode()
    hold = SlotHold.objects.get(slot=slot)
    local_end = timezone.localtime(hold.expires_at).strftime("%H:%M")
    assert f"Tiden är reserverad för dig till kl. <strong>{local_end}</strong>" in page

    other = Client()
    assert f'value="{slot.pk}"' not in other.get(SLOTS, {"vecka": ""}).content.decode()
    refused = other.post(CHOOSE, {"slot": slot.pk})
    assert refused["Location"].startswith(SLOTS)
    assert (
        "Tiden är reserverad för någon annan just nu"
        in other.get(refused["Location"]).content.decode()
    )
    taken = other.post(DETAILS, patient_data(slot, request_token="other", email="o@example.com"))
    assert "Tiden är reserverad för någon annan just nu" in taken.content.decode()
    assert not Booking.objects.exists()

    assert client.post(DETAILS, patient_data(slot)).status_code == 302
    assert Booking.objects.get().slot == slot
    assert not SlotHold.objects.exists()


def test_an_expired_hold_still_books_when_the_time_is_free(client, stockholm):
    slot = make_slot(stockholm)
    client.post(CHOOSE, {"slot": slot.pk})
    Reservation.objects.filter(hold__isnull=False).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.post(DETAILS, patient_data(slot)).status_code == 302
    assert Booking.objects.filter(slot=slot).exists()


def test_an_expired_hold_taken_by_someone_else_shows_the_week_and_keeps_the_details(
    client, stockholm
):
    slot, other_time = make_slot(stockholm, hour=9), make_slot(stockholm, hour=15)
    client.post(CHOOSE, {"slot": slot.pk})
    Reservation.objects.filter(hold__isnull=False).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    rival = Client()
    assert rival.post(CHOOSE, {"slot": slot.pk})["Location"].startswith(DETAILS)

    response = client.post(DETAILS, patient_data(slot))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tiden är reserverad för någon annan just nu" in html  # the rival's hold
    assert 'value="Åsa Öberg-Ängström"' in html
    assert f'value="{other_time.pk}"' in html
    assert not Booking.objects.exists()


def test_a_session_holds_one_time_and_the_back_link_releases_it(client, stockholm):
    first, second = make_slot(stockholm, hour=9), make_slot(stockholm, hour=10)
    client.post(CHOOSE, {"slot": first.pk})
    client.post(CHOOSE, {"slot": second.pk})
    assert list(SlotHold.objects.values_list("slot", flat=True)) == [second.pk]
    page = client.get(f"{DETAILS}?tid={second.pk}").content.decode()
    assert (
        "Tillbaka till lediga tider" in page and 'action="/boka/stockholm/nybesok/slapp/"' in page
    )
    back = client.post("/boka/stockholm/nybesok/slapp/", {"vecka": "2026-W50"})
    assert back["Location"].startswith(SLOTS)
    assert not SlotHold.objects.exists()


def test_one_address_cannot_hold_the_whole_calendar(stockholm, settings):
    settings.HOLDS_PER_ADDRESS = 2
    slots = [make_slot(stockholm, hour=h) for h in (9, 10, 11)]
    results = [Client().post(CHOOSE, {"slot": slot.pk}) for slot in slots]
    assert [r["Location"].startswith(DETAILS) for r in results] == [True, True, False]
    assert SlotHold.objects.count() == 2


@pytest.mark.parametrize("slot", ["", "x", "99999", "\x00"])
def test_choosing_nonsense_is_a_404(client, content, slot):
    assert client.post(CHOOSE, {"slot": slot}).status_code == 404


def test_choosing_needs_post(client, stockholm):
    assert client.get(CHOOSE, {"slot": make_slot(stockholm).pk}).status_code == 405


def test_slot_page_queries_stay_bounded_with_holds_and_offers(client, stockholm):
    for hour in range(8, 16):
        make_slot(stockholm, hour=hour)
    with CaptureQueriesContext(connection) as plain:
        client.get(SLOTS)
    slots = [make_slot(stockholm, days=4, hour=h) for h in range(8, 12)]
    for slot in slots:
        Client().post(CHOOSE, {"slot": slot.pk})
    with CaptureQueriesContext(connection) as held:
        client.get(SLOTS)
    assert len(held.captured_queries) == len(plain.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_twenty_sessions_choosing_one_time_at_once_give_one_hold(stockholm):
    slot = make_slot(stockholm)
    responses = post_together(CHOOSE, [{"slot": slot.pk}] * 20)
    assert [r.status_code for r in responses].count(302) == 20
    winners = [r for r in responses if r["Location"].startswith(DETAILS)]
    assert len(winners) == 1
    assert SlotHold.objects.filter(slot=slot).count() == 1
