"""The same patient details typed into any form give the same stored value or the same message.

One table of odd inputs, posted through every page that asks for a patient's details: the
booking details page, joining the waitlist, the shop's checkout, a product enquiry and
reception's new booking in the admin. Each page is tried only with the fields it has.
"""

import html
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Booking, WaitlistEntry
from clinic.models import Location
from shop.models import Enquiry, Order, Product, TreatmentPackage
from tests.booking.conftest import make_slot, patient_data
from tests.conftest import staff_in
from tests.shop.conftest import HEEL_CUPS, USED_LASER, add, check_out, delivery

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

NAME_PHONE = {"name", "phone"}
ALL_FIELDS = NAME_PHONE | {"personnummer", "date_of_birth"}


def stockholm():
    return Location.objects.get(slug="stockholm")


def post_booking(client, details, *, hour=10):
    data = patient_data(make_slot(stockholm(), hour=hour), **details)
    return client.post("/boka/stockholm/nybesok/uppgifter/", data)


def post_waitlist(client, details):
    today = timezone.localdate()
    data = {
        "earliest_date": str(today),
        "latest_date": str(today + timedelta(days=30)),
        "time_of_day": "any",
        "name": "Väntande Patient",
        "email": "vantar@example.com",
        "phone": "0701234567",
        "personnummer": "19850709-9805",
        "date_of_birth": "",
        "consent": "on",
        **details,
    }
    return client.post("/boka/stockholm/nybesok/vantelista/", data)


def post_checkout(client, details):
    Product.objects.filter(slug=HEEL_CUPS).update(price=299)
    add(client, HEEL_CUPS, quantity=1)
    return check_out(client, delivery(**details))


def post_enquiry(client, details):
    data = {
        "form": "enquiry",
        "name": "Bo Ek",
        "email": "bo@example.com",
        "phone": "",
        "message": "Vad kostar en begagnad hemlaser?",
        **details,
    }
    return client.post(f"/shop/{USED_LASER}/", data)


def post_staff_booking(client, details):
    client.force_login(staff_in("Reception", "reception"))
    data = {
        "slot": make_slot(stockholm()).pk,
        "package": TreatmentPackage.objects.get(slug="nybesok").pk,
        "name": "Bo Ek",
        "email": "",
        "phone": "070-123 45 67",
        "personnummer": "",
        "date_of_birth": "1985-07-09",
        "message": "",
        **details,
    }
    return client.post("/admin/booking/booking/add/", data)


@dataclass(frozen=True)
class Page:
    name: str
    fields: frozenset
    post: object
    model: type

    def __str__(self):
        return self.name


PAGES = [
    Page("booking", frozenset(ALL_FIELDS), post_booking, Booking),
    Page("waitlist", frozenset(ALL_FIELDS), post_waitlist, WaitlistEntry),
    Page("checkout", frozenset(NAME_PHONE), post_checkout, Order),
    Page("enquiry", frozenset(NAME_PHONE), post_enquiry, Enquiry),
    Page("staff booking", frozenset(ALL_FIELDS), post_staff_booking, Booking),
]

# (field, as typed, as stored)
ACCEPTED = [
    ("phone", "070-123 45 67", "+46701234567"),
    ("phone", "0701234567", "+46701234567"),
    ("phone", "+46 70 123 45 67", "+46701234567"),
    ("phone", " 070 123 45 67 ", "+46701234567"),
    ("phone", "0046701234567", "+46701234567"),
    ("phone", "+47 412 34 567", "+4741234567"),
    ("name", "  Åsa   Öberg-Ängström ", "Åsa Öberg-Ängström"),
    ("name", "Zoë 🌸 Ångström", "Zoë 🌸 Ångström"),
    ("personnummer", "19850709-9805", "198507099805"),
    ("personnummer", "850709-9805", "198507099805"),
    ("personnummer", "8507099805", "198507099805"),
    ("personnummer", "19850709 9805", "198507099805"),
    ("personnummer", " 198507099805 ", "198507099805"),
]

# (field, as typed, the message shown)
REFUSED = [
    ("phone", "12", "Telefonnumret stämmer inte. Skriv till exempel 070-123 45 67"),
    ("phone", "☎️☎️", "Telefonnumret stämmer inte. Skriv till exempel 070-123 45 67"),
    ("phone", "070-123", "Telefonnumret stämmer inte. Skriv till exempel 070-123 45 67"),
    ("name", "🦶🦶", "Skriv ditt namn med bokstäver."),
    ("name", "123 456", "Skriv ditt namn med bokstäver."),
    ("personnummer", "19850709-9806", "Personnumret stämmer inte. Skriv det som ÅÅÅÅMMDD-XXXX"),
    ("personnummer", "hej", "Personnumret stämmer inte. Skriv det som ÅÅÅÅMMDD-XXXX"),
    ("date_of_birth", "1700-01-01", "Kontrollera födelsedatumet."),
]


def cases(table):
    return [
        pytest.param(page, field, typed, expected, id=f"{page}-{field}-{typed.strip()}")
        for page in PAGES
        for field, typed, expected in table
        if field in page.fields
    ]


@pytest.mark.parametrize(("page", "field", "typed", "stored"), cases(ACCEPTED))
def test_details_written_any_usual_way_are_stored_the_same_on_every_page(
    client, content, page, field, typed, stored
):
    response = page.post(client, {field: typed})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert getattr(page.model.objects.get(), field) == stored


@pytest.mark.parametrize(("page", "field", "typed", "message"), cases(REFUSED))
def test_odd_details_get_the_same_message_on_every_page_and_keep_what_was_typed(
    client, content, page, field, typed, message
):
    details = {field: typed}
    if field == "date_of_birth":
        details["personnummer"] = ""
    response = page.post(client, details)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert message in text
    assert f'value="{typed}"' in text
    assert not page.model.objects.exists()


@pytest.mark.parametrize("page", [page for page in PAGES if "personnummer" in page.fields], ids=str)
def test_every_page_asks_for_a_personnummer_or_a_date_of_birth(client, content, page):
    response = page.post(client, {"personnummer": "", "date_of_birth": ""})
    assert response.status_code == 200
    assert "Fyll i personnummer, eller födelsedatum om du saknar personnummer." in (
        html.unescape(response.content.decode())
    )
    assert not page.model.objects.exists()


@pytest.mark.parametrize("page", [page for page in PAGES if "personnummer" in page.fields], ids=str)
def test_a_birth_date_is_enough_on_every_page(client, content, page):
    response = page.post(client, {"personnummer": "", "date_of_birth": "1960-02-29"})
    assert response.status_code == 302
    patient = page.model.objects.get()
    assert (patient.personnummer, str(patient.date_of_birth)) == ("", "1960-02-29")


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        (field, typed)
        for field, typed, stored in ACCEPTED
        if stored in {"+46701234567", "198507099805"}
    ],
)
def test_reception_finds_a_booking_by_phone_or_personnummer_as_the_forms_read_them(
    client, content, field, typed
):
    post_booking(client, {"phone": "+46 70 123 45 67", "personnummer": "198507099805"})
    other = {"name": "Annan Patient", "phone": "0739876543", "personnummer": "197001011233"}
    post_booking(client, other, hour=11)
    client.force_login(staff_in("Reception", "reception"))
    listing = client.get("/admin/booking/booking/", {"q": typed, "status": "alla"})
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list.values_list("name", flat=True)) == [
        "Åsa Öberg-Ängström"
    ]
