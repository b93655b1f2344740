"""Every page's SQL query count is pinned: a page that starts to cost one query more fails
here, and a new page fails `test_every_page_is_pinned` until it has a row in PAGES.

How a row is measured (with the clock at a fixed Wednesday morning, so the counts never
depend on the day or the hour):

- warm: the same request once before, then the one measured. The site's caches
  (clinic/cache.py) are then as a steady stream of visitors keeps them: a cached public page
  costs 1 query (the content version); every other page finds the footer cached.
- cold: the request has an effect (a POST, a link from an e-mail that acts), so it is
  measured the first time; the footer is warmed by another page first.

"Footer" below is the cached footer's one query (the content version). The counts are the
same on SQLite and PostgreSQL unless a row says otherwise; then the larger is pinned.
The booking POST is pinned in tests/booking/test_appointment_queries.py, and the first
visit to a public page (every cache cold) at the end of this file.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from booking.models import Recall
from tests import setups
from tests.shop.conftest import HEEL_CUPS, LASER, add, check_out, pickup

# Not marked `calendar`: every test here runs at the fixed clock below.
pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEDNESDAY_MORNING = datetime(2026, 12, 2, 10, tzinfo=STOCKHOLM)
CHOOSE, RELEASE = "/boka/stockholm/nybesok/valj/", "/boka/stockholm/nybesok/slapp/"
ANONYMOUS, PATIENT, STAFF = "anonymous", "patient with a session", "reception, logged in"


class Site:
    """What the pages need, made on first use through the services and the public pages;
    `client` is the client that is measured (a patient's session is built on it)."""

    def __init__(self, client):
        self.client = client

    @cached_property
    def booking(self):
        return setups.a_booking()  # Friday at the earliest: still changeable online

    @cached_property
    def location_package(self):
        setups.with_slots()
        return setups.offer_of()

    @cached_property
    def free_slot(self):
        location, package = self.location_package
        return setups.free_slot(location, package, days_ahead=3)

    def visit(self, path=""):
        return f"/boka/personal/kalender/besok/{self.booking.pk}/{path}"

    def calendar(self, path=""):
        day = self.booking.slot.start.astimezone(STOCKHOLM).date()
        return f"/boka/personal/kalender/stockholm/{path}?datum={day}"

    def waiting(self, **kwargs):
        setups.with_slots()
        return setups.waitlist_entry(**kwargs)

    def change_link(self):
        self.waiting()
        return f"/boka/vantelista/andra/{self.waiting(time_of_day='morning').change_token}/"

    @cached_property
    def recall(self):
        return Recall.objects.create(booking=self.booking, sent_at=self.booking.slot.start)

    @cached_property
    def offer(self):
        return setups.first_offer(self.waiting())

    def priced(self, path):
        setups.set_test_prices()
        return path

    def in_cart(self, path=""):
        setups.set_test_prices()
        add(self.client, HEEL_CUPS, quantity=1)
        return f"/shop/varukorg/{path}"

    def order(self):
        buyer = Client()
        setups.set_test_prices()
        add(buyer, HEEL_CUPS, quantity=1)
        return check_out(buyer, pickup(self.location_package[0]))["Location"]

    def holding(self):
        """The patient's session holds the free slot; returns it."""
        slot = self.free_slot
        self.client.post(CHOOSE, {"slot": slot.pk})
        return slot

    def joined(self):
        data = {
            "earliest_date": "2026-12-02",
            "latest_date": "2026-12-30",
            "time_of_day": "any",
            "name": "Väntande Patient",
            "email": "vantar@example.com",
            "phone": "0701234567",
            "personnummer": "19850709-9805",
            "consent": "on",
        }
        self.client.post("/boka/stockholm/nybesok/vantelista/", data)
        return "/boka/vantelista/anmald/"


@dataclass(frozen=True)
class Pin:
    url: Callable[[Site], str]
    queries: int
    who: str = ANONYMOUS
    warm: bool = True
    post: Callable[[Site], dict] | None = None  # POST this (always cold) instead of a GET
    status: int = 200
    shows: str = ""  # in the page, or in the redirect's Location


# "Staff" below: session, user, and the user's and the group's permissions (4 queries).
# "+N sp": N transactions, each a savepoint in a test (SAVEPOINT, RELEASE: 2 queries) where a
# real request's BEGIN and COMMIT are not counted. "Rate limit": the counters in the database
# cache (clinic/throttle.py); on PostgreSQL 1 more, the counter's advisory lock.
PAGES = {
    # Cached public pages, warm: the hit costs the content version only.
    "clinic:home": Pin(lambda s: "/", 1),
    "clinic:accessibility": Pin(lambda s: "/tillganglighet/", 1),
    "conditions:list": Pin(lambda s: "/besvar/", 1),
    "conditions:detail": Pin(lambda s: "/besvar/halkuddesyndrom/", 1),
    # The slot list, warm: both versions (1); the week and the footer are cached under them.
    "booking:slots": Pin(lambda s: s.location_package and "/boka/stockholm/nybesok/", 1),
    # Public pages rendered for each request, warm: their own queries, then the footer.
    "clinic:location": Pin(lambda s: "/kontakt/stockholm/", 4),  # location, hours, exceptions
    "clinic:privacy": Pin(lambda s: "/integritet/", 3),  # the page, the company details
    "shop:treatment-list": Pin(lambda s: "/behandlingar/", 5),  # treatments, problems,
    "shop:treatment-detail": Pin(  # packages, packages' locations
        lambda s: "/behandlingar/halkoppar-och-skoinlagg/", 5
    ),
    "booking:start": Pin(lambda s: "/boka/", 5),  # the same four
    "shop:product-list": Pin(lambda s: "/shop/", 2),  # the products
    "shop:product-detail": Pin(  # the rental laser, its units, their rentals
        lambda s: s.priced(f"/shop/{LASER}/"), 4
    ),
    "shop:terms": Pin(lambda s: "/shop/villkor/", 1),
    "booking:waitlist-join": Pin(  # location, package, practitioners to choose from
        lambda s: "/boka/stockholm/nybesok/vantelista/", 4
    ),
    "booking:confirmation": Pin(  # the booking with its joins
        lambda s: f"/boka/bekraftelse/{s.booking.token}/", 2, shows="asa@example.com"
    ),
    "booking:manage": Pin(lambda s: f"/boka/hantera/{s.booking.token}/", 2),  # the same
    "booking:cancel": Pin(lambda s: f"/boka/hantera/{s.booking.token}/avboka/", 2),  # the same
    "booking:move": Pin(  # the booking, the first free start, its week's free starts
        lambda s: f"/boka/hantera/{s.booking.token}/flytta/", 4
    ),
    "booking:waitlist-leave": Pin(  # the entry
        lambda s: f"/boka/vantelista/lamna/{s.waiting().token}/", 2
    ),
    "booking:offer": Pin(  # the offer with its joins
        lambda s: f"/boka/vantelista/erbjudande/{s.offer.token}/", 2, shows="blivit ledig"
    ),
    "booking:recall-decline": Pin(  # the recall with its joins, the return visit's package,
        lambda s: f"/boka/aterbesok/nej-tack/{s.recall.token}/",  # whether the practitioner
        4,  # performs it, footer
        shows="tacka nej till återbesök",
    ),
    "shop:order-confirmation": Pin(  # the order, its lines
        lambda s: s.order(), 3, shows="Tack för din beställning"
    ),
    # A patient's session, warm: the session first.
    "shop:cart": Pin(lambda s: s.in_cart(), 3, PATIENT, shows="Hälkoppar"),  # products
    "shop:checkout": Pin(  # products, pickup locations, footer, the token issued (+1 sp)
        lambda s: s.in_cart("kassa/"), 7, PATIENT, shows="<h1>Kassa</h1>"
    ),
    # Location, package, the slot, whether it is free, the week's free starts, the hold and
    # its reservation, footer.
    "booking:details": Pin(
        lambda s: f"/boka/stockholm/nybesok/uppgifter/?tid={s.holding().pk}",
        9,
        PATIENT,
        shows="Boka Nybesök",
    ),
    "booking:waitlist-joined": Pin(lambda s: s.joined(), 2, PATIENT, shows="vantar@example.com"),
    # The buttons on pages that links from e-mails open (opening one changes nothing), cold.
    # Rate limit (5 with its 2 sp; PostgreSQL +1 its lock); the entry, then locked and
    # confirmed (2); the e-mail with the matching free times (location, package, slots)
    # queued (4) and sent after commit (3: read and lock, claim, mark sent; +1 sp: the
    # claim's transaction); +1 sp; a redirect.
    "booking:waitlist-confirm": Pin(
        lambda s: f"/boka/vantelista/bekrafta/{s.waiting(confirmed=False).token}/",
        22,
        post=lambda s: {},
        status=302,
        shows="/boka/vantelista/bekrafta/",
    ),
    # Rate limit as above; the entry locked, the change checked (full_clean: location,
    # package, one waiting entry, 2 constraints, +2 sp) and saved; the e-mail as above; the
    # free times shown, the versions (footer); +1 sp.
    "booking:waitlist-change": Pin(
        lambda s: s.change_link(), 32, post=lambda s: {}, shows="är ändrad"
    ),
    # POSTs, cold. Rate limit (3), location, package, the slot, "first free" candidates (3),
    # the hold (5: the slot locked, holds per address, overlaps, reservation and hold made),
    # the new session (2), +6 sp; PostgreSQL: +1 the rate lock, +1 the holds-per-address lock.
    "booking:choose": Pin(
        lambda s: CHOOSE, 30, post=lambda s: {"slot": s.free_slot.pk}, status=302, shows="?tid="
    ),
    # Rate limit (the counter exists: a failed add, a read, an update), location, package,
    # session, the hold, its reservation and booking, 2 deletes; PostgreSQL: +1 the rate lock.
    "booking:release": Pin(
        lambda s: s.holding() and RELEASE,
        25,
        PATIENT,
        post=lambda s: {"vecka": "2026-W49"},
        status=302,
    ),
    # Rate limit (3), the offer, then locked and declined (2), its hold let go (4), the freed
    # slot offered on (slot, entries), +3 sp; PostgreSQL: +1 the rate lock.
    "booking:offer-decline": Pin(
        lambda s: f"/boka/vantelista/erbjudande/{s.offer.token}/avboj/",
        19,
        post=lambda s: {},
        status=302,
    ),
    # Reception, warm: staff (4) first.
    "booking:calendar-root": Pin(  # the first location
        lambda s: "/boka/personal/kalender/", 5, STAFF, status=302, shows="/stockholm/"
    ),
    "booking:day-view": Pin(  # location, locations, the day's bookings, footer
        lambda s: s.calendar().replace("kalender", "dag"), 8, STAFF, shows="Åsa Öberg"
    ),
    # Location, slots, reservations, packages, free starts, practitioners (2), locations, footer.
    "booking:calendar-day": Pin(lambda s: s.calendar(), 13, STAFF, shows="Åsa Öberg"),
    "booking:calendar-week": Pin(lambda s: s.calendar("vecka/"), 13, STAFF, shows="Åsa Öberg"),
    # The numbers page itself is pinned in tests/booking/test_numbers.py (Ledning's 17
    # queries over a known month); here reception, without the permission: staff, the 403 page.
    "booking:numbers": Pin(lambda s: "/boka/personal/siffror/", 4, STAFF, status=403),
    "booking:calendar-visit": Pin(lambda s: s.visit(), 6, STAFF, shows="Åsa Öberg"),  # booking
    "booking:calendar-book": Pin(  # location, slot, packages (2: the form's choices, the
        lambda s: f"/boka/personal/kalender/stockholm/boka/?tid={s.free_slot.pk}",  # field),
        9,  # footer
        STAFF,
    ),
    # Reception's POSTs, cold. The note: the booking, locked and saved (+1 sp), where to go
    # back to (slot, location).
    "booking:calendar-action": Pin(
        lambda s: s.visit("anteckning/"),
        11,
        STAFF,
        post=lambda s: {"note": "Ta med inläggen."},
        status=302,
    ),
    # The move: the booking and the new slot, both locked and checked (3), moved (2 updates);
    # the e-mail: locations (2), queued (2), the practitioner, sent after commit (3); the
    # freed slot offered to the waitlist (2); +4 sp.
    "booking:calendar-move": Pin(
        lambda s: s.visit("flytta/"), 29, STAFF, post=lambda s: {"tid": s.free_slot.pk}, status=302
    ),
    # Machine-read, warm.
    "robots-txt": Pin(lambda s: "/robots.txt", 0),
    "sitemap": Pin(lambda s: "/sitemap.xml", 6),  # conditions, treatments, products: count, page
    "healthz": Pin(lambda s: "/healthz", 1),  # SELECT 1
}

# URL names pinned elsewhere instead: {name: why, and the test that pins it}. None so far:
# every page's GET, or its POST where it has no GET, is pinned above.
EXCLUDED: dict[str, str] = {}


def url_names(resolver=None, namespace=""):
    """Every named URL of the site, namespaced ("booking:slots"); the admin's left out."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def test_every_page_is_pinned():
    names = set(url_names())
    unpinned = names - PAGES.keys() - EXCLUDED.keys()
    assert not unpinned, f"pin these pages' queries in PAGES: {sorted(unpinned)}"
    gone = (PAGES.keys() | EXCLUDED.keys()) - names
    assert not gone, f"no such URL name any more: {sorted(gone)}"


@pytest.fixture(autouse=True)
def wednesday_morning():
    with time_machine.travel(WEDNESDAY_MORNING, tick=True) as clock:
        yield clock


@pytest.mark.parametrize("name", PAGES)
def test_page_answers_within_its_pinned_queries(
    name, client, content, receptionist, django_assert_max_num_queries
):
    pin = PAGES[name]
    if pin.who == STAFF:
        client.force_login(receptionist)
    site = Site(client)
    url = pin.url(site)
    data = pin.post(site) if pin.post else None
    if pin.warm and not pin.post:
        client.get(url)
    else:
        client.get("/shop/villkor/")  # the footer
    send = client.post if pin.post else client.get
    with django_assert_max_num_queries(pin.queries):
        response = send(url, data) if pin.post else send(url)
    assert response.status_code == pin.status, response
    if pin.shows:
        assert pin.shows in (response.get("Location") or response.content.decode())


# The first visitor after an edit (every cache cold; the fixtures' content, no prices):
# each page's own queries, the versions, and the footer's locations and company details.
FIRST_VISIT = [
    ("/", 7),  # cached from here on: sections, conditions, treatments, locations
    ("/besvar/", 5),  # cached from here on: conditions, their symptoms
    ("/behandlingar/", 7),
    ("/behandlingar/halkoppar-och-skoinlagg/", 7),
    ("/shop/", 4),
    ("/shop/hemlaser/", 4),  # no price: no rental units read
    ("/boka/", 7),
]


@pytest.mark.parametrize("url,max_queries", FIRST_VISIT)
def test_a_public_page_for_the_first_visitor_after_an_edit(
    client, content, django_assert_max_num_queries, url, max_queries
):
    with django_assert_max_num_queries(max_queries):
        assert client.get(url).status_code == 200
