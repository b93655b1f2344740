"""Fifty patients racing for one practitioner's time through two app servers on PostgreSQL.

Visits have their package's length (45, 60 or 90 minutes) and may start at any grid step, so
patients race for intervals that overlap without being the same. Whatever the timing, the
practitioner ends the day with visits that never overlap, every patient who did not get a
time is told so in Swedish, and no one sees an error page. With three practitioners and
"Första lediga", fifty patients at one time give exactly three visits, one each.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from booking.models import Booking, Reservation
from clinic.models import Location
from shop.models import TreatmentPackage
from tests.booking.conftest import specialist
from tests.booking.helpers import at, colleague, overlaps_among_live_reservations, package_of
from tests.booking.helpers import starts as make_starts
from tests.hardening.test_races_across_servers import hidden, patients, two_servers
from tests.servers import csrf_token

pytestmark = pytest.mark.servers

# What a patient who lost the race reads: the time was booked, or is held by someone typing.
TAKEN = ("Tiden hann tyvärr bokas av någon annan", "Tiden är reserverad för någon annan just nu")

# (package length, local start): every one overlaps several others.
WISHES = [
    (60, "10:00"),
    (45, "10:30"),
    (90, "09:30"),
    (45, "09:15"),
    (60, "11:00"),
    (90, "10:45"),
    (45, "11:15"),
    (60, "09:00"),
    (90, "11:30"),
    (60, "10:15"),
]


def patient_details(browser):
    return {
        "name": "Åsa Öberg",
        "email": f"patient-{browser.address}@example.com",
        "phone": "070-123 45 67",
        "personnummer": "19850709-9805",
        "consent": "on",
    }


def week_of(slot):
    week = timezone.localdate(slot.start).isocalendar()
    return f"{week.year}-W{week.week:02d}"


def run_journeys(attempts, journey):
    """Start every patient's journey at the same moment; [(outcome, detail)]."""
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(n, attempt):
        barrier.wait(timeout=60)
        try:
            results[n] = journey(*attempt)
        except Exception as error:  # recorded: the test fails with it
            results[n] = ("error", repr(error))

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return results


def outcome_of_choosing(browser, server, prefix, data):
    """Choose a time (POST …/valj/) and, if it is held for us, send the details form: the
    patient's whole journey from the week's page. ("booked", url) or ("told", message)."""
    status, headers, html = browser.post(server, f"{prefix}valj/", data)
    if status != 302:
        return ("error", f"valj: {status} {html[:300]}")
    if not headers["Location"].startswith(f"{prefix}uppgifter/"):
        status, _, html = browser.get(server, headers["Location"])  # the week, with the message
        return told(status, html)
    status, _, html = browser.get(server, headers["Location"])
    if status != 200:
        return ("error", f"uppgifter: {status} {html[:300]}")
    form = {
        "csrfmiddlewaretoken": csrf_token(html),
        "request_token": hidden(html, "request_token"),
        "slot": hidden(html, "slot"),
        **patient_details(browser),
    }
    return outcome_of_details(browser, server, prefix, form)


def outcome_of_details(browser, server, prefix, form):
    status, headers, html = browser.post(server, f"{prefix}uppgifter/", form)
    if status == 302 and headers["Location"].startswith("/boka/bekraftelse/"):
        return ("booked", headers["Location"])
    return told(status, html)


def told(status, html):
    if status == 200:
        for message in TAKEN:
            if message in html:
                return ("told", message)
    return ("error", f"{status} {html[:300]}")


def test_fifty_patients_booking_overlapping_visits_of_one_practitioner_never_overlap(
    gunicorn_servers, content
):
    location = Location.objects.get(slug="stockholm")
    practitioner = specialist(location)
    packages = {
        45: TreatmentPackage.objects.get(slug="aterbesok"),
        60: TreatmentPackage.objects.get(slug="nybesok"),
        90: package_of(90),
    }
    day = timezone.localdate() + timedelta(days=3)
    grid = make_starts(practitioner, location, day, "09:00", "11:45", works_until="13:00")
    servers = two_servers(gunicorn_servers)

    def prepare(n, browser, server):
        """Half the patients choose from the week's page (a hold, then the details form);
        half send the details form straight away (a hold-less booking, as the existing race
        does). Either way they open their page on one server and post to the other."""
        minutes, start = WISHES[n % len(WISHES)]
        package, slot = packages[minutes], grid[start]
        prefix = f"/boka/stockholm/{package.slug}/"
        if n % 2 == 0:
            status, _, html = browser.get(server, f"{prefix}?vecka={week_of(slot)}")
            assert status == 200 and f'value="{slot.pk}"' in html, html[:500]
            data = {"csrfmiddlewaretoken": csrf_token(html), "slot": str(slot.pk)}
            return outcome_of_choosing, prefix, data
        status, _, html = browser.get(server, f"{prefix}uppgifter/?tid={slot.pk}")
        assert status == 200, html[:500]
        form = {
            "csrfmiddlewaretoken": csrf_token(html),
            "request_token": hidden(html, "request_token"),
            "slot": str(slot.pk),
            **patient_details(browser),
        }
        return outcome_of_details, prefix, form

    browsers = patients(50)
    with ThreadPoolExecutor(max_workers=8) as pool:
        plans = list(
            pool.map(lambda n: prepare(n, browsers[n], servers[n % 2]), range(len(browsers)))
        )
    attempts = [
        (step, browser, servers[(n + 1) % 2], prefix, data)
        for n, (browser, (step, prefix, data)) in enumerate(zip(browsers, plans, strict=True))
    ]

    results = run_journeys(attempts, lambda step, *rest: step(*rest))

    assert [r for r in results if r[0] not in ("booked", "told")] == []
    booked = [r for r in results if r[0] == "booked"]
    assert len(booked) == Booking.objects.count() >= 2
    assert overlaps_among_live_reservations() == []
    visits = [
        (b.reservation.start, b.reservation.end, b.package.duration_minutes)
        for b in Booking.objects.select_related("reservation", "package")
    ]
    assert all(end - start == timedelta(minutes=length) for start, end, length in visits)
    assert Reservation.objects.live().filter(booking__isnull=True).count() == 0  # holds used
    # Everyone told "taken" was right: each wished-for visit overlaps one that was booked.
    for minutes, start in WISHES:
        begin = at(day, start)
        finish = begin + timedelta(minutes=minutes)
        assert any(b < finish and begin < e for b, e, _ in visits), (minutes, start, visits)


def test_fifty_patients_choosing_any_practitioner_at_one_time_get_three_visits_on_three(
    gunicorn_servers, content
):
    location = Location.objects.get(slug="stockholm")
    practitioners = [
        specialist(location),
        colleague(location, "Karin Lind"),
        colleague(location, "Maja Berg"),
    ]
    day = timezone.localdate() + timedelta(days=3)
    for practitioner in practitioners:
        make_starts(practitioner, location, day, "10:00", "10:00", works_until="12:00")
    servers = two_servers(gunicorn_servers)
    prefix = "/boka/stockholm/nybesok/"

    def open_week(n, browser, server):
        week = (day - timedelta(days=day.weekday())).isocalendar()
        status, _, html = browser.get(server, f"{prefix}?vecka={week.year}-W{week.week:02d}")
        assert status == 200 and "Första lediga fotspecialist" in html, html[:500]
        assert html.count('name="slot"') == 1  # one button for the time, whoever is free
        return {"csrfmiddlewaretoken": csrf_token(html), "slot": hidden_slot(html)}

    browsers = patients(50)
    with ThreadPoolExecutor(max_workers=8) as pool:
        forms = list(pool.map(lambda n: open_week(n, browsers[n], servers[n % 2]), range(50)))
    attempts = [
        (browser, servers[(n + 1) % 2], prefix, form)
        for n, (browser, form) in enumerate(zip(browsers, forms, strict=True))
    ]

    results = run_journeys(attempts, outcome_of_choosing)

    assert [r for r in results if r[0] not in ("booked", "told")] == []
    assert sum(r[0] == "booked" for r in results) == 3
    assert sum(r[0] == "told" for r in results) == 47
    bookings = Booking.objects.select_related("reservation")
    assert sorted(b.reservation.practitioner_id for b in bookings) == sorted(
        p.pk for p in practitioners
    )
    assert {timezone.localtime(b.reservation.start).strftime("%H:%M") for b in bookings} == {
        "10:00"
    }
    assert overlaps_among_live_reservations() == []


def hidden_slot(html):
    return re.search(r'name="slot" value="(\d+)"', html)[1]
