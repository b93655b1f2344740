"""Every public POST is rate limited per address, and every public form has a honeypot;
checked through the real pages."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from booking import waitlist
from booking.models import Booking, SlotHold, WaitlistEntry, WaitlistOffer
from clinic.forms import HONEYPOT_FIELD
from clinic.models import Location
from shop.models import Enquiry, Order, Product, TreatmentPackage
from tests.booking.conftest import make_slot, patient_data
from tests.shop.conftest import HEEL_CUPS, USED_LASER, checkout_form, delivery

pytestmark = pytest.mark.django_db

DETAILS = "/boka/stockholm/nybesok/uppgifter/"
JOIN = "/boka/stockholm/nybesok/vantelista/"
CART = "/shop/varukorg/"
CHECKOUT = "/shop/varukorg/kassa/"


@pytest.fixture
def slot(content):
    return make_slot(Location.objects.get(slug="stockholm"))


@pytest.fixture
def priced(content):
    Product.objects.filter(slug=HEEL_CUPS).update(price=299)


def join_data(**overrides):
    today = timezone.localdate()
    return {
        "earliest_date": str(today),
        "latest_date": str(today + timedelta(days=30)),
        "time_of_day": "any",
        "name": "Väntande Patient",
        "email": "vantar@example.com",
        "phone": "0701234567",
        "personnummer": "19850709-9805",
        "consent": "on",
        **overrides,
    }


def enquiry_data(**overrides):
    return {
        "form": "enquiry",
        "name": "Bo Ek",
        "email": "bo@example.com",
        "message": "Vad kostar den?",
        **overrides,
    }


def booked(slot):
    Client(REMOTE_ADDR="192.0.2.200").post(DETAILS, patient_data(slot))
    return Booking.objects.get()


def on_the_waitlist(slot, **fields):
    return WaitlistEntry.objects.create(
        location=slot.location,
        package=TreatmentPackage.objects.get(slug="nybesok"),
        earliest_date=timezone.localdate(),
        latest_date=timezone.localdate() + timedelta(days=30),
        name="Väntande Patient",
        email="vantar@example.com",
        phone="+46701234567",
        personnummer="198507099805",
        **{"confirmed_at": timezone.now(), **fields},
    )


def open_offer(slot):
    return waitlist.make_offer(entry=on_the_waitlist(slot), slot=slot)


def change_waiting(slot):
    entry = on_the_waitlist(slot, pending_change={"time_of_day": "morning"}, change_token="c" * 32)
    return f"/boka/vantelista/andra/{entry.change_token}/"


def moving(slot):
    later = make_slot(slot.location, hour=15)
    return (
        f"/boka/hantera/{booked(slot).token}/flytta/",
        {"slot": later.pk},
        Booking.objects.filter(slot=later).count,
    )


def with_cart(client):
    client.post(f"/shop/{HEEL_CUPS}/", {"form": "add", "quantity": "1"})


# Each case: the kind of limit, then a function of (client, slot) that prepares and returns
# (url, data that would store something, what it would store: a function returning a count).
CASES = {
    "booking details": (
        "booking",
        lambda client, slot: (DETAILS, patient_data(slot), Booking.objects.count),
    ),
    "choosing a time": (
        "hold",
        lambda client, slot: (
            "/boka/stockholm/nybesok/valj/",
            {"slot": slot.pk},
            SlotHold.objects.count,
        ),
    ),
    "letting go of a time": (
        "hold",
        lambda client, slot: (
            client.post("/boka/stockholm/nybesok/valj/", {"slot": slot.pk}, REMOTE_ADDR="192.0.2.9")
            and "/boka/stockholm/nybesok/slapp/",
            {"vecka": ""},
            lambda: -SlotHold.objects.count(),
        ),
    ),
    "cancelling": (
        "manage",
        lambda client, slot: (
            f"/boka/hantera/{booked(slot).token}/avboka/",
            {},
            lambda: Booking.objects.filter(status="cancelled").count(),
        ),
    ),
    "moving": ("manage", lambda client, slot: moving(slot)),
    "joining the waitlist": (
        "waitlist",
        lambda client, slot: (JOIN, join_data(), WaitlistEntry.objects.count),
    ),
    "confirming a waitlist place": (
        "manage",
        lambda client, slot: (
            f"/boka/vantelista/bekrafta/{on_the_waitlist(slot, confirmed_at=None).token}/",
            {},
            WaitlistEntry.objects.filter(confirmed_at__isnull=False).count,
        ),
    ),
    "confirming a waitlist change": (
        "manage",
        lambda client, slot: (
            change_waiting(slot),
            {},
            WaitlistEntry.objects.filter(time_of_day="morning").count,
        ),
    ),
    "accepting an offer": (
        "offer",
        lambda client, slot: (
            f"/boka/vantelista/erbjudande/{open_offer(slot).token}/",
            {},
            Booking.objects.count,
        ),
    ),
    "declining an offer": (
        "offer",
        lambda client, slot: (
            f"/boka/vantelista/erbjudande/{open_offer(slot).token}/avboj/",
            {},
            lambda: WaitlistOffer.objects.filter(status="declined").count(),
        ),
    ),
    "adding to the cart": (
        "cart",
        lambda client, slot: (
            f"/shop/{HEEL_CUPS}/",
            {"form": "add", "quantity": "1"},
            lambda: (
                client.session.get("cart", {})
                .get(str(Product.objects.get(slug=HEEL_CUPS).pk), {})
                .get("quantity", 0)
            ),
        ),
    ),
    "checking out": (
        "checkout",
        lambda client, slot: (
            with_cart(client) or CHECKOUT,
            {**checkout_form(client), **delivery()},
            Order.objects.count,
        ),
    ),
    "asking about a product": (
        "enquiry",
        lambda client, slot: (f"/shop/{USED_LASER}/", enquiry_data(), Enquiry.objects.count),
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.usefixtures("still_clock")
def test_beyond_its_limit_a_public_post_gets_the_429_page_and_stores_nothing(
    case, slot, priced, settings
):
    kind, prepare = CASES[case]
    settings.PUBLIC_POST_RATES = {**settings.PUBLIC_POST_RATES, kind: ("2/m",)}
    client = Client()
    url, data, stored = prepare(client, slot)
    filler = {"form": data["form"]} if "form" in data else {}  # the same kind of form
    for _ in range(2):  # within the limit: answered, whatever the data
        assert client.post(url, filler).status_code != 429
    before = stored()
    response = client.post(url, data)
    assert response.status_code == 429, case
    html = response.content.decode()
    assert "<h1>För många försök på kort tid</h1>" in html and "har inte sparats" in html
    assert '<a class="skip-link" href="#main">' in html
    assert 1 <= int(response["Retry-After"]) <= 65
    assert stored() == before
    assert client.get(url).status_code != 429  # reading is never limited
    assert Client(REMOTE_ADDR="192.0.2.77").post(url, data).status_code != 429  # another address


@pytest.mark.usefixtures("still_clock")
def test_each_kind_of_form_has_its_own_limit_and_every_rate_of_a_kind_holds(slot, settings):
    settings.PUBLIC_POST_RATES = {
        **settings.PUBLIC_POST_RATES,
        "hold": ("100/m", "2/h"),
        "booking": ("1/m",),
    }
    client = Client()
    choose = "/boka/stockholm/nybesok/valj/"
    assert [client.post(choose, {"slot": "x"}).status_code for _ in range(3)] == [404, 404, 429]
    assert client.post(DETAILS, patient_data(slot)).status_code == 302  # another kind


# --- honeypots -----------------------------------------------------------------------------

FORMS = {
    "booking details": (
        lambda client, slot: (f"{DETAILS}?tid={slot.pk}", DETAILS, patient_data(slot)),
        Booking.objects.count,
    ),
    "waitlist": (lambda client, slot: (JOIN, JOIN, join_data()), WaitlistEntry.objects.count),
    "checkout": (
        lambda client, slot: (
            with_cart(client) or CHECKOUT,
            CHECKOUT,
            {**checkout_form(client), **delivery()},
        ),
        Order.objects.count,
    ),
    "enquiry": (
        lambda client, slot: (f"/shop/{USED_LASER}/", f"/shop/{USED_LASER}/", enquiry_data()),
        Enquiry.objects.count,
    ),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_filled_honeypot_stores_nothing_and_gives_no_hint(form, slot, priced):
    prepare, stored = FORMS[form]
    client = Client()
    page_url, url, data = prepare(client, slot)
    page = client.get(page_url).content.decode()
    field = re.search(r'<div[^>]*class="[^"]*hp-field[^"]*"[^>]*>.*?</div>', page, re.S)
    assert field, "the honeypot is on the page"
    assert f'name="{HONEYPOT_FIELD}"' in field.group(0) and 'tabindex="-1"' in field.group(0)
    assert "Lämna detta fält tomt" in field.group(0)  # what a screen reader says

    response = client.post(url, {**data, HONEYPOT_FIELD: "http://spam.example/"})
    html = response.content.decode()
    assert response.status_code == 200
    assert stored() == 0
    assert "Formuläret kunde inte skickas" in html
    assert "spam.example" not in html  # nothing a robot wrote comes back
    assert "honeypot" not in html.lower() and "skräppost" not in html.lower()
    if "name" in data:
        assert f'value="{data["name"]}"' in html  # what a person typed is kept

    # A person whose browser filled it by mistake sends again: it comes back empty.
    again = client.post(url, {**data, HONEYPOT_FIELD: ""})
    assert again.status_code == 302
    assert stored() == 1
