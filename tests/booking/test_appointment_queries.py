"""The slot list and the booking POST cost a bounded number of queries, however many
specialists work and however full the week is."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import services
from booking.models import Slot, WeeklySchedule
from booking.schedule import generate_slots
from booking.weeks import this_monday, week_bounds, week_param
from clinic.models import OutboxEmail, Practitioner
from tests.booking.conftest import form_token, make_slot, patient_data, specialist

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

SLOTS = "/boka/stockholm/nybesok/"
CHOOSE = "/boka/stockholm/nybesok/valj/"
DETAILS = "/boka/stockholm/nybesok/uppgifter/"


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.PAGE_CACHE = False  # count the computation, not a cache hit


def add_specialists(location, count):
    """`count` more specialists with the same hours as the location's first."""
    first = specialist(location)
    for n in range(count):
        other = Practitioner.objects.create(slug=f"extra-{n}", name=f"Specialist {n}")
        other.locations.add(location)
        for hours in WeeklySchedule.objects.filter(practitioner=first):
            hours.pk, hours.practitioner = None, other
            hours.save()


def book_every_other_hour(location, package, week):
    """Each specialist's visits at 08, 10, 12 and 14 every day of the week: half booked."""
    start, end = week_bounds(week)
    starts = Slot.objects.bookable(location=location, package=package).filter(
        start__gte=start, start__lt=end
    )
    booked = 0
    for slot in starts:
        local = timezone.localtime(slot.start)
        if local.minute or local.hour % 2:
            continue
        services.book_slot(
            slot=slot,
            package=package,
            patient=services.Patient(
                name=f"Patient {booked}",
                email="",
                phone="+46701234567",
                personnummer="198507099805",
            ),
            by_staff=True,
        )
        booked += 1
    return booked


def queries_of(client, url, params):
    client.get("/")  # the footer's locations, cached under the content version
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_week_costs_the_same_queries_with_three_specialists_and_half_booked(
    client, stockholm, nybesok, django_assert_max_num_queries
):
    generate_slots(weeks=3)
    week = {"vecka": week_param(this_monday() + timedelta(weeks=1))}
    empty = queries_of(client, SLOTS, week)

    add_specialists(stockholm, 2)
    generate_slots(weeks=3)
    assert book_every_other_hour(stockholm, nybesok, this_monday() + timedelta(weeks=1)) > 20
    client.get("/")
    with django_assert_max_num_queries(empty) as captured:
        html = client.get(SLOTS, week).content.decode()
    assert "Första lediga fotspecialist" in html and "Specialist 1" in html
    assert len(captured.captured_queries) <= 9


def test_booking_a_held_time_takes_no_more_queries_than_before_the_appointment_book(
    client, stockholm, django_assert_max_num_queries
):
    add_specialists(stockholm, 2)
    slot = make_slot(stockholm)
    client.post(CHOOSE, {"slot": slot.pk})
    # 26, counted with the rate-limit counters (10: database cache here) and their lock
    # (clinic.throttle.counter_lock: a savepoint inside the test, 2, and on PostgreSQL the
    # advisory lock, 1) and the transaction's savepoint (2, inside the test): the bench's 9
    # (below) and the hold, which costs its lookup, its reservation made the booking's
    # (UPDATE instead of INSERT) and its DELETE; the e-mail's claim is a transaction of its
    # own (a savepoint here, 2).
    # 37 before the booking POST was made lean (issue 15), 38 before practitioners.
    with django_assert_max_num_queries(28):
        response = client.post(DETAILS, patient_data(slot, request_token=form_token("lean")))
    assert response.status_code == 302


def test_booking_a_time_straight_away_takes_no_more_queries_than_the_bench_allows(
    client, stockholm, settings, django_assert_max_num_queries
):
    """As `make bench` posts it: no hold, rate limits off (issue 15: at most 12)."""
    settings.RATELIMIT_ENABLE = False
    add_specialists(stockholm, 2)
    slot = make_slot(stockholm)
    client.get(DETAILS, {"tid": slot.pk})  # the session and CSRF cookie, as the bench has them
    # 9 as the bench counts them (22 before issue 15):
    #   1 the location and the package offered there (one row of their through table)
    #   2 the session
    #   3 the slot, locked, with the rules, "held by this session?" and "on the waitlist?"
    #     (a query written once per package: booking/prepared.py)
    #   4 INSERT the reservation   5 INSERT the booking   6 INSERT the e-mail into the outbox
    #   after commit, the e-mail: 7 read and lock   8 claim   9 mark sent
    # Inside a test each of the two transactions (the booking, the claim) is a savepoint: 2
    # more each.
    with django_assert_max_num_queries(9 + 4):
        response = client.post(DETAILS, patient_data(slot, request_token=form_token("bench")))
    assert response.status_code == 302


def test_with_the_outbox_worker_the_booking_post_only_queues_its_e_mail(
    client, stockholm, settings, django_assert_max_num_queries
):
    """Production runs the outbox worker (settings.OUTBOX_WORKER): the three queries of the
    send (7-9 above) leave the request, and the confirmation waits in the outbox for it."""
    settings.RATELIMIT_ENABLE = False
    settings.OUTBOX_WORKER = True
    add_specialists(stockholm, 2)
    slot = make_slot(stockholm)
    client.get(DETAILS, {"tid": slot.pk})
    with django_assert_max_num_queries(6 + 2):
        response = client.post(DETAILS, patient_data(slot, request_token=form_token("worker")))
    assert response.status_code == 302
    assert OutboxEmail.objects.pending().get().subject.startswith("Bokningsbekräftelse")
    assert mail.outbox == []
