"""Odd or tampered input: a 404 or a clear Swedish message, never a 500 or half a booking."""

from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Booking, Slot
from tests.booking.conftest import specialist

from .conftest import make_slot, patient_data

pytestmark = pytest.mark.django_db

DETAILS = "/boka/stockholm/nybesok/uppgifter/"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("personnummer", "19850709-9806", "Personnumret stämmer inte"),
        ("personnummer", "hej", "Personnumret stämmer inte"),
        ("personnummer", "1" * 500, "Personnumret stämmer inte"),
        ("phone", "12", "Telefonnumret stämmer inte"),
        ("phone", "☎️☎️", "Telefonnumret stämmer inte"),
        ("email", "inte-en-adress", "Fyll i en giltig e-postadress"),
        ("name", "x" * 500, "Namnet får vara högst 120 tecken"),
        ("name", "🦶🦶", "Skriv ditt namn med bokstäver"),
        ("name", "", "Detta fält måste fyllas i"),
        ("consent", "", "Du behöver godkänna integritetsinformationen"),
        ("date_of_birth", "1700-01-01", "Kontrollera födelsedatumet"),
        ("date_of_birth", "31/31/31", "Fyll i ett giltigt datum"),
        ("message", "å" * 1001, "Meddelandet får vara högst 1000 tecken"),
    ],
)
def test_bad_details_get_a_message_and_keep_the_rest(client, stockholm, field, value, message):
    slot = make_slot(stockholm)
    data = patient_data(slot, **{field: value})
    if field == "date_of_birth":
        data["personnummer"] = ""
    response = client.post(DETAILS, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Rätta det här och skicka igen" in html  # the error summary
    assert 'value="asa@example.com"' in html or field == "email"
    assert not Booking.objects.exists()


def test_neither_personnummer_nor_birth_date_is_asked_for(client, stockholm):
    response = client.post(DETAILS, patient_data(make_slot(stockholm), personnummer=""))
    assert "Fyll i personnummer, eller födelsedatum" in response.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "written", ["19850709-9805", "850709-9805", "8507099805", "19850709 9805", "198507099805"]
)
def test_personnummer_is_accepted_as_people_write_it(client, stockholm, written):
    client.post(DETAILS, patient_data(make_slot(stockholm), personnummer=written))
    assert Booking.objects.get().personnummer == "198507099805"


def test_a_birth_date_replaces_the_personnummer(client, stockholm):
    client.post(
        DETAILS,
        patient_data(make_slot(stockholm), personnummer="", date_of_birth="1960-02-29"),
    )
    assert str(Booking.objects.get().date_of_birth) == "1960-02-29"


def test_international_phone_numbers_are_accepted(client, stockholm):
    client.post(DETAILS, patient_data(make_slot(stockholm), phone="+47 412 34 567"))
    assert Booking.objects.get().phone == "+4741234567"


@pytest.mark.parametrize("tid", ["", "abc", "999999", "-1", "1e9", "🦶"])
def test_unknown_slot_ids_in_the_link_are_a_404(client, content, tid):
    assert client.get(DETAILS, {"tid": tid}).status_code == 404


def test_a_slot_of_another_location_is_a_404_and_cannot_be_booked(client, goteborg, stockholm):
    elsewhere = make_slot(goteborg)
    assert client.get(DETAILS, {"tid": elsewhere.pk}).status_code == 404
    response = client.post(DETAILS, patient_data(elsewhere))
    assert response.status_code == 200
    assert "Välj en annan tid" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_past_slot_is_refused_with_a_message(client, stockholm):
    now = timezone.now()
    past = Slot.objects.create(
        location=stockholm,
        practitioner=specialist(stockholm),
        start=now - timedelta(days=1),
        end=now,
    )
    page = client.get(DETAILS, {"tid": past.pk}).content.decode()
    assert "Den tiden går inte att boka längre" in page
    response = client.post(DETAILS, patient_data(past))
    assert response.status_code == 200
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"slot": "1'; DROP TABLE booking_booking; --"},
        {"slot": ["1", "2"], "request_token": "x" * 1000},
        {"request_token": "\x00"},
    ],
)
def test_garbage_posts_never_break_the_page(client, content, payload):
    response = client.post(DETAILS, payload)
    assert response.status_code in (200, 400)
    assert not Booking.objects.exists()


def test_unknown_and_anonymised_tokens_are_a_404(client, content):
    assert client.get("/boka/hantera/finns-inte/").status_code == 404
    assert client.get("/boka/bekraftelse/finns-inte/").status_code == 404
    assert client.post("/boka/hantera/finns-inte/avboka/").status_code == 404
    assert client.get("/boka/hantera/" + "x" * 300 + "/").status_code == 404
    assert client.get("/boka/hantera/%00aaaaaaaaaaaaaaaaaaaa/").status_code == 404


def test_a_cancelled_booking_cannot_be_moved_or_cancelled_again(client, stockholm):
    slot, other = make_slot(stockholm, hour=9), make_slot(stockholm, hour=12)
    client.post(DETAILS, patient_data(slot))
    booking = Booking.objects.get()
    client.post(f"/boka/hantera/{booking.token}/avboka/")
    response = client.post(f"/boka/hantera/{booking.token}/flytta/", {"slot": other.pk})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot == slot and booking.status == "cancelled"
    assert "Bokningen är avbokad" in client.get(f"/boka/hantera/{booking.token}/").content.decode()


def test_moving_to_a_taken_or_foreign_slot_is_refused(client, stockholm, goteborg):
    mine, taken = make_slot(stockholm, hour=9), make_slot(stockholm, hour=12)
    foreign = make_slot(goteborg, hour=12)
    client.post(DETAILS, patient_data(mine))
    client.post(DETAILS, patient_data(taken, request_token="other", email="o@example.com"))
    booking = Booking.objects.get(slot=mine)
    for target in (taken.pk, foreign.pk, "nonsense"):
        response = client.post(f"/boka/hantera/{booking.token}/flytta/", {"slot": target})
        assert response.status_code == 409
        assert "Den tiden går inte att välja längre" in response.content.decode()
    booking.refresh_from_db()
    assert booking.slot == mine
