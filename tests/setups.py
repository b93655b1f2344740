"""The state the booking and shop pages need: for the browser's page types (browser/pages.py)
and journeys, and for the query-count pins (clinic/test_query_counts.py).

Each `setup(page, base_url) -> path` prepares what a page type needs and returns the path to
open. Most work through the ORM (the test thread shares the live server's database); the
cart and a chosen time live in the browser's session, so those go through the browser.
`put_heel_cups_in_cart` uses the browser only, so it also works against the production-like
server (which has its own database, with `TEST_PRICES` set by `prodlike_server`).

Prices: the fixtures give none for products (the source gives none), so `TEST_PRICES` are
test data only, set as staff would set them in the admin.
"""

import dataclasses
from datetime import timedelta

from django.utils import timezone

from booking import services, waitlist, waitlist_signup
from booking.errors import CannotOffer
from booking.models import Recall, Reservation, Slot, WaitlistOffer
from booking.schedule import generate_slots
from booking.weeks import week_param
from clinic.models import Location, Practitioner
from shop.models import Product, TreatmentPackage

HEEL_CUPS = "halkoppar-och-skoinlagg"
LASER = "hemlaser"
SHOES = "valdampade-skor"  # no price: its page shows the enquiry form
# Test data only (not the clinic's prices): heel cups with stock, the laser per week.
TEST_PRICES = {HEEL_CUPS: {"price": 395, "stock": 20}, LASER: {"price": 350}}

SLOT_LIST = "/boka/stockholm/nybesok/"

PATIENT = services.Patient(
    name="Åsa Öberg-Ängström",
    email="asa@example.com",
    phone="+46701234567",
    personnummer="198507099805",
    message="Ont i vänster häl",
)


def set_test_prices():
    for slug, fields in TEST_PRICES.items():
        Product.objects.filter(slug=slug).update(**fields)


def week_of(slot):
    day = timezone.localtime(slot.start).date()
    return week_param(day - timedelta(days=day.weekday()))


# Booking -----------------------------------------------------------------------------------


def with_slots(page=None, base_url=None):
    """The fixtures' weekly schedules as two weeks of bookable times (as `make run` does)."""
    generate_slots(weeks=2)
    return SLOT_LIST


def offer_of(location_slug="stockholm", package_slug="nybesok"):
    location = Location.objects.get(slug=location_slug)
    return location, TreatmentPackage.objects.get(slug=package_slug)


def free_slot(location, package, *, days_ahead=2):
    """The first bookable time at least `days_ahead` days away (still changeable online)."""
    with_slots()
    after = timezone.now() + timedelta(days=days_ahead)
    return Slot.objects.bookable(location=location, package=package).filter(start__gte=after)[0]


def a_booking(**patient):
    location, package = offer_of()
    slot = free_slot(location, package)
    details = dataclasses.replace(PATIENT, **patient)
    return services.book_slot(slot=slot, package=package, patient=details)


def recall_no_thanks(page, base_url):
    """The recall e-mail's no-thanks page (a recall made once per test, for any visit)."""
    recall = Recall.objects.first()
    if recall is None:
        booking = a_booking()
        recall = Recall.objects.create(booking=booking, sent_at=timezone.now())
    return f"/boka/aterbesok/nej-tack/{recall.token}/"


def booking_confirmation(page, base_url):
    return f"/boka/bekraftelse/{a_booking().token}/"


def booking_confirmation_short_notice(page, base_url):
    """A visit booked a few hours ahead: within the change deadline from the start."""
    location, package = offer_of()
    start = (timezone.now() + timedelta(hours=5)).replace(minute=30, second=0, microsecond=0)
    # A specialist of its own: at some hours of the day this start overlaps a visit the
    # other setups booked with the location's specialist.
    practitioner, _ = Practitioner.objects.get_or_create(
        slug="kort-varsel-fotspecialist", defaults={"name": "Fotspecialist med kort varsel"}
    )
    slot, _ = Slot.objects.get_or_create(
        practitioner=practitioner,
        start=start,
        defaults={"location": location, "end": start + timedelta(hours=1)},
    )
    booking = slot.bookings.active().first() or services.book_slot(
        slot=slot, package=package, patient=PATIENT
    )
    return f"/boka/bekraftelse/{booking.token}/"


def booking_manage(page, base_url):
    return a_booking().get_absolute_url()


def booking_cancel(page, base_url):
    return f"/boka/hantera/{a_booking().token}/avboka/"


def booking_cancelled(page, base_url):
    booking = a_booking()
    services.cancel_booking(booking=booking)
    return booking.get_absolute_url()


def booking_move(page, base_url):
    booking = a_booking()
    return f"/boka/hantera/{booking.token}/flytta/?vecka={week_of(booking.slot)}"


def choose_first_free_time(page, base_url):
    """In the browser: the slot list, then the first free time (held for this session)."""
    with_slots()
    page.goto(base_url + SLOT_LIST)
    if page.locator("button.slot").count() == 0:  # late in the week: the next free time
        page.locator(".notice a").first.click()
    page.locator("button.slot").first.click()
    page.wait_for_url("**/uppgifter/?tid=*")
    return page.url.removeprefix(base_url)


def chosen_time_taken_meanwhile(page, base_url):
    """A time chosen in the browser whose hold ran out and someone else booked: the details
    page says so and offers the week's other free times as choices."""
    path = choose_first_free_time(page, base_url)
    slot = Slot.objects.get(pk=int(path.rsplit("tid=", 1)[1]))
    Reservation.objects.filter(hold__slot=slot).delete()  # the hold ran out; it goes with it
    location, package = offer_of()
    services.book_slot(
        slot=slot, package=package, patient=dataclasses.replace(PATIENT, email="annan@example.com")
    )
    return path


def waitlist_entry(*, email="vantar@example.com", confirmed=True, time_of_day="any"):
    location, package = offer_of()
    today = timezone.localdate()
    entry = waitlist_signup.join(
        location=location,
        package=package,
        wishes={
            "earliest_date": today,
            "latest_date": today + timedelta(weeks=4),
            "weekdays": "",
            "time_of_day": time_of_day,
        },
        patient=services.Patient(
            name="Väntande Patient",
            email=email,
            phone="+46701234567",
            personnummer="198507099805",
        ),
    )
    return waitlist_signup.confirm(entry=entry) if confirmed else entry


def waitlist_offer(page, base_url):
    """Staff offer the waiting patient the first free time that matches ("Erbjud en tid nu");
    a time that was free all along is never offered by itself."""
    with_slots()
    entry = waitlist_entry()
    offer = entry.offers.filter(status=WaitlistOffer.Status.OPEN).first()
    if offer is None:  # set up once per test, whatever the number of viewports
        offer = first_offer(entry)
    return f"/boka/vantelista/erbjudande/{offer.token}/"


def first_offer(entry):
    """An offer of the first matching free time that can still be offered. A time less than
    the booking lead time and five minutes away cannot be, and at some minutes of the day
    the first match is such a time (CI failed at 06:00 Stockholm time)."""
    for slot in waitlist.matching_free_slots(entry):
        try:
            return waitlist.make_offer(entry=entry, slot=slot, by_staff=True)
        except CannotOffer:
            continue
    raise AssertionError("no matching free time can be offered")


def waitlist_confirm(page, base_url):
    """The link in the sign-up e-mail, opened: the page with the button that confirms."""
    entry = waitlist_entry(confirmed=False)
    return f"/boka/vantelista/bekrafta/{entry.token}/"


def waitlist_confirmed(page, base_url):
    """The same link once the patient has confirmed with the button."""
    return f"/boka/vantelista/bekrafta/{waitlist_entry(confirmed=True).token}/"


def waitlist_confirmed_with_free_times(page, base_url):
    """Confirming the e-mail when times that fit are already free: the page lists them."""
    with_slots()
    return waitlist_confirmed(page, base_url)


def waitlist_change(page, base_url):
    """The link in the change e-mail (joining again with other wishes), opened: the page shows
    the change and the button that makes it."""
    with_slots()
    waitlist_entry()
    entry = waitlist_entry(time_of_day="morning")
    assert entry.change_token, "joining again with other wishes waits for the inbox"
    return f"/boka/vantelista/andra/{entry.change_token}/"


def waitlist_change_gone(page, base_url):
    """A change link already used (or replaced by a newer one)."""
    path = waitlist_change(page, base_url)
    change_token = path.rstrip("/").rsplit("/", 1)[1]
    waitlist_signup.confirm_change(change_token=change_token)
    return path


# Shop --------------------------------------------------------------------------------------


def put_heel_cups_in_cart(page, base_url):
    """Browser only: one pair of heel cups in the cart; returns the checkout's path."""
    page.goto(f"{base_url}/shop/{HEEL_CUPS}/")
    page.get_by_role("button", name="Lägg i varukorgen").click()
    page.wait_for_url("**/shop/varukorg/")
    return "/shop/varukorg/kassa/"


def put_laser_in_cart(page, base_url):
    page.goto(f"{base_url}/shop/{LASER}/")
    page.get_by_role("button", name="Lägg hyran i varukorgen").click()
    page.wait_for_url("**/shop/varukorg/")
    return "/shop/varukorg/"


def filled_cart(page, base_url):
    set_test_prices()
    put_heel_cups_in_cart(page, base_url)
    return put_laser_in_cart(page, base_url)


def checkout_with_cart(page, base_url):
    filled_cart(page, base_url)
    return "/shop/varukorg/kassa/"


def order_confirmation(page, base_url):
    """An order placed through the shop's service (heel cups home, the laser for 2 weeks)."""
    from shop.cart import CartLine
    from shop.services import place_order

    set_test_prices()
    cups, laser = Product.objects.get(slug=HEEL_CUPS), Product.objects.get(slug=LASER)
    placed = place_order(
        lines=[
            CartLine(product=cups, quantity=1, weeks=None, wished_start=None, unit_price=395),
            CartLine(product=laser, quantity=1, weeks=2, wished_start=None, unit_price=350),
        ],
        details={
            "name": "Åsa Öberg",
            "email": "asa@example.com",
            "phone": "+46701234567",
            "delivery_method": "delivery",
            "address": "Storgatan 1",
            "postal_code": "113 50",
            "city": "Stockholm",
            "pickup_location": None,
            "payment_method": "invoice",
            "message": "",
        },
        checkout_token="browser-test-order",
    )
    return placed.order.get_absolute_url()


def unpriced_product(page, base_url):
    return f"/shop/{SHOES}/"
