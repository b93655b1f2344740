"""Random and hostile data posted into every public form and the admin's booking actions.

Valid data with any field swapped for hostile text (huge strings, NUL bytes, emoji, odd
Unicode, markup), wrong types, fields missing or sent twice, tampered ids and unexpected
keys. However it is mixed, the site never answers with a 500 (the test client raises it),
and the database never holds a half-written row: nothing new unless the request succeeded,
and every row there passes full_clean(). Each example runs in a savepoint that is rolled
back, so all start from the same rows.
"""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking import waitlist
from booking.models import Booking, Slot, SlotHold, WaitlistEntry, WaitlistOffer
from clinic.forms import HONEYPOT_FIELD
from clinic.models import Location, OutboxEmail
from shop.models import Enquiry, Order, OrderLine, Product, Rental, TreatmentPackage
from tests.booking.conftest import make_slot, patient_data
from tests.shop.conftest import HEEL_CUPS, LASER, USED_LASER, checkout_form, delivery

from .test_hostile_input import HOSTILE, TEXT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_rate_limits")]

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MODELS = [
    Booking,
    Slot,
    SlotHold,
    WaitlistEntry,
    WaitlistOffer,
    Order,
    OrderLine,
    Rental,
    Enquiry,
    OutboxEmail,
]
# Ids as clients tamper with them: huge, negative, text, several at once.
ID = (
    st.integers(min_value=-(2**70), max_value=2**70).map(str)
    | st.sampled_from(["0", "1", "-1", "1e3", "0x10", "١٢", " 1", "1\x00"])
    | TEXT
)
VALUE = TEXT | st.lists(TEXT, min_size=2, max_size=3)  # a list: the key sent twice


@pytest.fixture
def no_rate_limits(settings):
    settings.RATELIMIT_ENABLE = False  # every example would count; the limits have own tests


def tampered(draw, valid, *, ids=(), extra=()):
    """`valid` form data with up to three fields swapped for hostile values or left out (ids,
    the fields named in `ids`, tampered with as ids are), and unexpected keys added. Mostly
    valid data reaches the deeper checks, and the successful path, too."""
    broken = draw(st.sets(st.sampled_from(sorted(valid) or [""]), max_size=3))
    data = {}
    for key, value in valid.items():
        if key not in broken:
            data[key] = value
        elif draw(st.booleans()):
            data[key] = draw(ID if key in ids else VALUE)
    for key in extra:
        if draw(st.booleans()):
            data[key] = draw(VALUE)
    return data


def rows():
    return {model: set(model.objects.values_list("pk", flat=True)) for model in MODELS}


def post_checked(client, url, data, *, succeeded):
    """POST inside a rolled-back savepoint; new rows only if `succeeded(response)`, and every
    new or changed row whole. Returns the response."""
    before = rows()
    with transaction.atomic():
        response = client.post(url, data)
        assert response.status_code < 500
        after = rows()
        for model in MODELS:
            new = after[model] - before[model]
            if new and not succeeded(response):
                raise AssertionError(f"{model.__name__} written by a refused request: {data!r}")
            for row in model.objects.all():
                row.full_clean(validate_unique=False, validate_constraints=False)
        transaction.set_rollback(True)
    return response


def redirected(response):
    return response.status_code == 302


# --- booking -------------------------------------------------------------------------------

DETAILS = "/boka/stockholm/nybesok/uppgifter/"
CHOOSE = "/boka/stockholm/nybesok/valj/"


@pytest.fixture
def times(content):
    stockholm = Location.objects.get(slug="stockholm")
    return [make_slot(stockholm, hour=h) for h in (9, 10)]


@EXAMPLES
@given(data=st.data())
def test_the_booking_form(client, times, data):
    valid = {**patient_data(times[0]), HONEYPOT_FIELD: ""}
    form = tampered(data.draw, valid, ids={"slot", "request_token"}, extra=["id", "package"])
    response = post_checked(client, DETAILS, form, succeeded=redirected)
    if response.status_code == 200:
        assert "<h1>Boka Nybesök</h1>" in response.content.decode()


@EXAMPLES
@given(data=st.data())
def test_choosing_and_letting_go_of_a_time(client, times, data):
    form = tampered(data.draw, {"slot": str(times[0].pk)}, ids={"slot"}, extra=["vecka"])
    post_checked(client, CHOOSE, form, succeeded=redirected)
    back = tampered(data.draw, {"vecka": "2026-W50"}, extra=["slot"])
    post_checked(client, "/boka/stockholm/nybesok/slapp/", back, succeeded=redirected)


@pytest.fixture
def booked(client, times):
    client.post(DETAILS, patient_data(times[0]))
    return Booking.objects.get()


@EXAMPLES
@given(data=st.data())
def test_moving_and_cancelling_a_booking(client, booked, times, data):
    move = tampered(data.draw, {"slot": str(times[1].pk), "vecka": ""}, ids={"slot"})
    post_checked(
        client,
        f"/boka/hantera/{booked.token}/flytta/",
        move,
        succeeded=lambda response: response.status_code in (200, 302, 409),
    )
    cancel = tampered(data.draw, {}, extra=["confirm", "token", "status"])
    post_checked(client, f"/boka/hantera/{booked.token}/avboka/", cancel, succeeded=redirected)


@EXAMPLES
@given(data=st.data())
def test_joining_the_waitlist(client, content, data):
    today = timezone.localdate()
    valid = {
        "earliest_date": str(today),
        "latest_date": str(today + timedelta(days=30)),
        "weekdays": ["0", "2"],
        "time_of_day": "any",
        "name": "Väntande Patient",
        "email": "vantar@example.com",
        "phone": "0701234567",
        "personnummer": "19850709-9805",
        "date_of_birth": "",
        "consent": "on",
        HONEYPOT_FIELD: "",
    }
    form = tampered(data.draw, valid, extra=["status", "confirmed_at", "location"])
    post_checked(client, "/boka/stockholm/nybesok/vantelista/", form, succeeded=redirected)


@pytest.fixture
def offer(times):
    entry = WaitlistEntry.objects.create(
        location=times[0].location,
        package=TreatmentPackage.objects.get(slug="nybesok"),
        earliest_date=timezone.localdate(),
        latest_date=timezone.localdate() + timedelta(days=30),
        name="Väntande Patient",
        email="vantar@example.com",
        phone="+46701234567",
        personnummer="198507099805",
        confirmed_at=timezone.now(),
    )
    return waitlist.make_offer(entry=entry, slot=times[1])


@EXAMPLES
@given(data=st.data())
def test_accepting_and_declining_an_offer(client, offer, data):
    junk = tampered(data.draw, {}, extra=["slot", "entry", "status", "booking"])
    url = f"/boka/vantelista/erbjudande/{offer.token}/"
    post_checked(client, url, junk, succeeded=redirected)
    post_checked(client, url + "avboj/", junk, succeeded=redirected)


# --- shop ----------------------------------------------------------------------------------


@pytest.fixture
def shop_items(content):
    Product.objects.filter(slug=HEEL_CUPS).update(price=299)
    Product.objects.filter(slug=LASER).update(price=350)
    return {p.slug: p for p in Product.objects.all()}


@EXAMPLES
@given(data=st.data())
def test_adding_to_the_cart(client, shop_items, data):
    slug = data.draw(st.sampled_from([HEEL_CUPS, LASER]))
    valid = {"form": "add", "quantity": "2", "weeks": "3", "start": ""}
    form = tampered(data.draw, valid, ids={"quantity", "weeks"}, extra=["price", "product"])
    post_checked(client, f"/shop/{slug}/", form, succeeded=redirected)


@EXAMPLES
@given(data=st.data())
def test_changing_the_cart(client, shop_items, data):
    heel_cups = shop_items[HEEL_CUPS]
    client.post(f"/shop/{HEEL_CUPS}/", {"form": "add", "quantity": "1"})
    valid = {
        "product": str(heel_cups.pk),
        "action": data.draw(st.sampled_from(["update", "remove"])),
        f"line-{heel_cups.pk}-quantity": "2",
    }
    form = tampered(data.draw, valid, ids={"product", f"line-{heel_cups.pk}-quantity"})
    post_checked(client, "/shop/varukorg/", form, succeeded=redirected)


@EXAMPLES
@given(data=st.data())
def test_checking_out(client, shop_items, data):
    client.post(f"/shop/{HEEL_CUPS}/", {"form": "add", "quantity": "1"})
    valid = {**checkout_form(client), **delivery(), HONEYPOT_FIELD: ""}
    form = tampered(
        data.draw,
        valid,
        ids={"pickup_location", "checkout_token"},
        extra=["pickup_location", "total", "status"],
    )
    post_checked(client, "/shop/varukorg/kassa/", form, succeeded=redirected)


@EXAMPLES
@given(data=st.data())
def test_asking_about_a_product(client, shop_items, data):
    valid = {
        "form": "enquiry",
        "name": "Åsa",
        "email": "asa@example.com",
        "phone": "",
        "message": "Vad kostar den?",
        HONEYPOT_FIELD: "",
    }
    form = tampered(data.draw, valid, extra=["product", "is_handled", "staff_note"])
    post_checked(client, f"/shop/{USED_LASER}/", form, succeeded=redirected)


# --- the admin's booking actions -----------------------------------------------------------


@pytest.fixture
def staff(superuser):
    client = Client()
    client.force_login(superuser)
    return client


@EXAMPLES
@given(data=st.data())
def test_the_admin_books_on_a_patients_behalf(staff, times, data):
    valid = {
        "slot": str(times[1].pk),
        "package": str(TreatmentPackage.objects.get(slug="nybesok").pk),
        "name": "Åsa Öberg",
        "email": "asa@example.com",
        "phone": "070-123 45 67",
        "personnummer": "19850709-9805",
        "date_of_birth": "",
        "message": "",
    }
    form = tampered(data.draw, valid, ids={"slot", "package"}, extra=["status", "price"])
    post_checked(staff, "/admin/booking/booking/add/", form, succeeded=redirected)


@EXAMPLES
@given(data=st.data())
def test_the_admin_list_actions_with_any_selection(staff, booked, times, data):
    action = data.draw(
        st.sampled_from(["cancel", "mark_attended", "mark_no_show", "delete_selected"]) | TEXT
    )
    selected = data.draw(st.lists(st.just(str(booked.pk)) | ID, max_size=4))
    form = {"action": action, "_selected_action": selected, "index": data.draw(ID)}
    if data.draw(st.booleans()):
        form["select_across"] = data.draw(st.sampled_from(["0", "1"]) | TEXT)
    post_checked(staff, "/admin/booking/booking/", form, succeeded=redirected)


@EXAMPLES
@given(data=st.data())
def test_the_admin_offers_a_time_from_the_waitlist(staff, offer, times, admin_form, data):
    entry = offer.entry
    url = f"/admin/booking/waitlistentry/{entry.pk}/change/"
    waitlist.decline_offer(offer=offer)  # free again, so a new offer can be made
    valid = {**admin_form(staff.get(url)), "offer_slot": str(times[1].pk)}
    form = tampered(data.draw, valid, ids={"offer_slot"})
    post_checked(staff, url, form, succeeded=redirected)


def test_the_strategies_reach_the_hostile_values():
    # The hostile list (NUL, 10,000 characters, markup) is part of every text strategy above.
    assert "\x00" in HOSTILE and "x" * 10_000 in HOSTILE
