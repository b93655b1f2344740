"""Patients racing for the same thing through two app servers on one PostgreSQL.

Each patient is a real HTTP client with their own session, CSRF token and address (the
proxy's X-Forwarded-For): they open the form on one server and, all at once, send it to
one of the two. Whatever the timing, exactly one wins, and everyone else gets a page in
Swedish saying so: never an error page.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Booking, Slot, SlotHold
from clinic.models import Location
from shop.models import Order, Product
from tests.booking.conftest import specialist
from tests.servers import Browser, csrf_token

pytestmark = pytest.mark.servers

TAKEN = "Tiden hann tyvärr bokas av någon annan"
SHOES = "valdampade-skor"


def two_servers(gunicorn_servers):
    # The patients' addresses come through our (pretend) proxy, one per patient.
    return gunicorn_servers(2, env={"TRUSTED_PROXY_COUNT": "1"})


def patients(count):
    return [Browser(address=f"198.51.100.{n + 1}") for n in range(count)]


def prepared(servers, browsers, prepare):
    """Run prepare(browser, server) for every patient (a few at a time); the server each
    patient will post to is the other one."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        forms = list(
            pool.map(
                lambda n: prepare(browsers[n], servers[n % 2]),
                range(len(browsers)),
            )
        )
    return [
        (browser, servers[(n + 1) % 2], form)
        for n, (browser, form) in enumerate(zip(browsers, forms, strict=True))
    ]


def all_at_once(path, attempts):
    """POST every (browser, server, data) at the same moment; [(status, headers, html)]."""
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def send(n, browser, server, data):
        barrier.wait(timeout=60)
        try:
            results[n] = browser.post(server, path, data)
        except Exception as error:  # recorded: the test fails with it
            results[n] = (None, {}, repr(error))

    threads = [
        threading.Thread(target=send, args=(n, *attempt)) for n, attempt in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def hidden(html, name):
    return re.search(rf'name="{name}" value="([^"]*)"', html)[1]


def one_slot():
    location = Location.objects.get(slug="stockholm")
    day = timezone.localdate() + timedelta(days=3)
    start = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10))
    return Slot.objects.create(
        location=location,
        practitioner=specialist(location),
        start=start,
        end=start + timedelta(hours=1),
    )


def test_fifty_patients_booking_one_time_through_two_servers_get_one_booking(
    gunicorn_servers, content
):
    slot = one_slot()
    servers = two_servers(gunicorn_servers)
    details = "/boka/stockholm/nybesok/uppgifter/"

    def open_form(browser, server):
        status, _, html = browser.get(server, f"{details}?tid={slot.pk}")
        assert status == 200, html[:500]
        return {
            "csrfmiddlewaretoken": csrf_token(html),
            "request_token": hidden(html, "request_token"),
            "slot": str(slot.pk),
            "name": "Åsa Öberg",
            "email": f"patient-{browser.address}@example.com",
            "phone": "070-123 45 67",
            "personnummer": "19850709-9805",
            "consent": "on",
        }

    results = all_at_once(details, prepared(servers, patients(50), open_form))

    statuses = [status for status, _, _ in results]
    won = [h for status, h, _ in results if status == 302]
    assert len(won) == 1 and won[0]["Location"].startswith("/boka/bekraftelse/"), statuses
    lost = [html for status, _, html in results if status == 200 and TAKEN in html]
    assert len(lost) == 49, statuses
    assert Booking.objects.count() == 1


def test_fifty_patients_buying_the_last_item_through_two_servers_get_one_order(
    gunicorn_servers, content
):
    Product.objects.filter(slug=SHOES).update(price=1195, stock=1)
    servers = two_servers(gunicorn_servers)
    location = Location.objects.get(slug="stockholm")

    def fill_cart_and_open_checkout(browser, server):
        product = f"/shop/{SHOES}/"
        _, _, html = browser.get(server, product)
        added = browser.post(
            server, product, {"csrfmiddlewaretoken": csrf_token(html), "form": "add", "quantity": 1}
        )
        assert added[0] == 302, added[2][:500]
        status, _, html = browser.get(server, "/shop/varukorg/kassa/")
        assert status == 200, html[:500]
        return {
            "csrfmiddlewaretoken": csrf_token(html),
            "checkout_token": hidden(html, "checkout_token"),
            "cart_fingerprint": hidden(html, "cart_fingerprint"),
            "name": "Åsa Öberg",
            "email": f"patient-{browser.address}@example.com",
            "phone": "070-123 45 67",
            "delivery_method": "pickup",
            "pickup_location": str(location.pk),
            "payment_method": "at_pickup",
            "accept_terms": "on",
        }

    attempts = prepared(servers, patients(50), fill_cart_and_open_checkout)
    results = all_at_once("/shop/varukorg/kassa/", attempts)

    won, told = 0, 0
    for (browser, server, _), (status, headers, html) in zip(attempts, results, strict=True):
        assert status in (200, 302), (status, html[:500])
        if status == 302 and "/bekraftelse/" in headers["Location"]:
            won += 1
            continue
        if status == 302:  # back to the cart, which says why
            assert headers["Location"] == "/shop/varukorg/"
            status, _, html = browser.get(server, headers["Location"])
            assert status == 200
        told += "Tyvärr hann någon före" in html or "är slut i lager" in html
    assert (won, told) == (1, 49)
    assert Order.objects.count() == 1
    assert Product.objects.get(slug=SHOES).stock == 0


def test_twenty_sessions_choosing_one_time_through_two_servers_give_one_hold(
    gunicorn_servers, content
):
    slot = one_slot()
    servers = two_servers(gunicorn_servers)
    week = timezone.localdate(slot.start).isocalendar()
    slots = f"/boka/stockholm/nybesok/?vecka={week.year}-W{week.week:02d}"

    def open_week(browser, server):
        status, _, html = browser.get(server, slots)  # the cached page, with this one's token
        assert status == 200 and f'value="{slot.pk}"' in html
        return {"csrfmiddlewaretoken": csrf_token(html), "slot": str(slot.pk)}

    results = all_at_once(
        "/boka/stockholm/nybesok/valj/", prepared(servers, patients(20), open_week)
    )

    assert [status for status, _, _ in results] == [302] * 20
    held = [
        h for _, h, _ in results if h["Location"].startswith("/boka/stockholm/nybesok/uppgifter/")
    ]
    assert len(held) == 1
    assert SlotHold.objects.filter(slot=slot).count() == 1


def test_twelve_sessions_from_one_address_at_once_hold_no_more_than_the_limit(
    gunicorn_servers, content
):
    """HOLDS_PER_ADDRESS (3) holds its own lock (clinic.locks, taken in booking.holds): twelve
    sessions behind one address, each choosing another time at the same moment, get three
    holds."""
    location = Location.objects.get(slug="stockholm")
    day = timezone.localdate() + timedelta(days=3)
    starts = [
        timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 8)) + timedelta(hours=n)
        for n in range(12)
    ]
    times = [
        Slot.objects.create(
            location=location,
            practitioner=specialist(location),
            start=start,
            end=start + timedelta(hours=1),
        )
        for start in starts
    ]
    servers = two_servers(gunicorn_servers)
    week = day.isocalendar()
    slots = f"/boka/stockholm/nybesok/?vecka={week.year}-W{week.week:02d}"
    sessions = [Browser(address="198.51.100.77") for _ in times]
    chosen = iter(times)

    def open_week(browser, server):
        status, _, html = browser.get(server, slots)
        assert status == 200
        return {"csrfmiddlewaretoken": csrf_token(html), "slot": str(next(chosen).pk)}

    results = all_at_once("/boka/stockholm/nybesok/valj/", prepared(servers, sessions, open_week))

    assert [status for status, _, _ in results] == [302] * 12
    held = [h for _, h, _ in results if "/uppgifter/" in h["Location"]]
    assert len(held) == 3
    assert SlotHold.objects.filter(client_address="198.51.100.77").count() == 3
