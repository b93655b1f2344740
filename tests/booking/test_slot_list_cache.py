"""The cached slot list is fast and never stale: every change shows at once, for every visitor.

The week's free times are cached (clinic/cache.py); the page around them, with the visitor's
own CSRF token, is rendered for each request. Two kinds of visitor read the list: a first
visit without cookies and a patient with a session. Each test checks both, before and after
the change.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from booking import waitlist
from booking.models import Booking, Reservation, Slot, SlotHold
from booking.weeks import week_param
from tests.booking.conftest import specialist

from .conftest import make_slot, patient_data

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


@pytest.fixture(autouse=True)
def kept_long(settings):
    """Entries may live a day: what ends them early is what these tests are about."""
    settings.PAGE_CACHE_SECONDS = 24 * 3600


SLOTS = "/boka/stockholm/nybesok/"
CHOOSE = "/boka/stockholm/nybesok/valj/"
DETAILS = "/boka/stockholm/nybesok/uppgifter/"


def visitors():
    """A first visit (no cookies at all) and a patient whose browser has a session."""
    with_session = Client()
    with_session.get(f"{DETAILS}?tid=0")  # any page that starts a session (here a 404)
    with_session.session.save()
    with_session.cookies["sessionid"] = with_session.session.session_key
    return {"first visit": None, "with session": with_session}


def week_of(slot):
    day = timezone.localtime(slot.start).date()
    return week_param(day - timedelta(days=day.weekday()))


def free_times(visitor, week):
    client = visitor or Client()  # a first visit is always a new client
    response = client.get(SLOTS, {"vecka": week})
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'name="slot" value="(\d+)"', response.content.decode())}


def seen_by_all(visitors_, week):
    return [free_times(visitor, week) for visitor in visitors_.values()]


def later(time_machine, **delta):
    """The clock moved on by `delta`, and nothing else happened."""
    time_machine.move_to(timezone.now() + timedelta(**delta))


def token_in(page):
    html = page if isinstance(page, str) else page.content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def test_a_cached_list_costs_one_query_and_every_visitor_gets_their_own_working_token(
    stockholm, django_assert_num_queries
):
    slot = make_slot(stockholm)
    url = f"{SLOTS}?vecka={week_of(slot)}"
    Client().get(url)  # cached
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    with django_assert_num_queries(1):  # both versions, in one query (the footer: cached)
        page = first.get(url)
    assert f'value="{slot.pk}"' in page.content.decode()
    assert token_in(page) != token_in(second.get(url))
    assert page.cookies["csrftoken"]
    assert "Cookie" in page["Vary"]
    response = first.post(CHOOSE, {"slot": slot.pk, "csrfmiddlewaretoken": token_in(page)})
    assert response.status_code == 302 and response["Location"].startswith(DETAILS)


def test_the_length_a_page_states_counts_the_visitors_own_token(stockholm):
    """gunicorn sends no more of a body than its Content-Length says: a length counted with
    the placeholder in the page would cut off the page's end."""
    url = f"{SLOTS}?vecka={week_of(make_slot(stockholm))}"
    for response in (Client().get(url), Client().get(url)):  # stored, then served from it
        assert token_in(response)
        assert int(response["Content-Length"]) == len(response.content)


def test_a_booking_shows_at_once(stockholm):
    slot, other = make_slot(stockholm, hour=9), make_slot(stockholm, hour=10)
    week = week_of(slot)
    everyone = visitors()
    assert seen_by_all(everyone, week) == [{slot.pk, other.pk}] * 2  # now cached
    assert Client().post(DETAILS, patient_data(slot)).status_code == 302
    assert seen_by_all(everyone, week) == [{other.pk}] * 2


def test_a_change_written_past_the_models_shows_at_once_too(stockholm):
    """The version moves by database triggers (migration booking 0012), so even a bulk
    update that sends no signal reaches every cached list."""
    slot, other = make_slot(stockholm, hour=9), make_slot(stockholm, hour=10)
    week = week_of(slot)
    everyone = visitors()
    assert Client().post(DETAILS, patient_data(slot)).status_code == 302
    assert seen_by_all(everyone, week) == [{other.pk}] * 2  # now cached
    Reservation.objects.update(released_at=timezone.now())  # no save(), no signal
    assert seen_by_all(everyone, week) == [{slot.pk, other.pk}] * 2


def test_a_hold_shows_at_once_and_its_release_too(stockholm):
    slot, other = make_slot(stockholm, hour=9), make_slot(stockholm, hour=10)
    week = week_of(slot)
    everyone = visitors()
    seen_by_all(everyone, week)
    patient = Client()
    patient.post(CHOOSE, {"slot": slot.pk})
    assert seen_by_all(everyone, week) == [{other.pk}] * 2
    patient.post("/boka/stockholm/nybesok/slapp/")
    assert seen_by_all(everyone, week) == [{slot.pk, other.pk}] * 2


def test_a_cancellation_shows_at_once(stockholm):
    slot = make_slot(stockholm)
    week = week_of(slot)
    Client().post(DETAILS, patient_data(slot))
    everyone = visitors()
    assert seen_by_all(everyone, week) == [set()] * 2
    booking = Booking.objects.get()
    Client().post(f"/boka/hantera/{booking.token}/avboka/")
    assert seen_by_all(everyone, week) == [{slot.pk}] * 2


def test_an_expiring_hold_shows_at_once_with_no_write_at_all(stockholm, time_machine):
    slot, other = make_slot(stockholm, hour=9), make_slot(stockholm, hour=10)
    week = week_of(slot)
    Client().post(CHOOSE, {"slot": slot.pk})
    everyone = visitors()
    assert seen_by_all(everyone, week) == [{other.pk}] * 2  # cached while the hold lasts
    expires = SlotHold.objects.get().expires_at
    later(time_machine, seconds=(expires - timezone.now()).total_seconds() - 5)
    assert seen_by_all(everyone, week) == [{other.pk}] * 2
    later(time_machine, seconds=10)
    assert seen_by_all(everyone, week) == [{slot.pk, other.pk}] * 2


def test_an_offer_running_out_shows_at_once(stockholm, time_machine):
    slot = make_slot(stockholm, days=5)
    week = week_of(slot)
    entry = _confirmed_waitlist_entry(stockholm)
    offer = waitlist.make_offer(entry=entry, slot=slot)
    everyone = visitors()
    assert seen_by_all(everyone, week) == [set()] * 2
    later(time_machine, seconds=(offer.expires_at - timezone.now()).total_seconds() + 1)
    assert seen_by_all(everyone, week) == [{slot.pk}] * 2


def test_a_new_time_shows_at_once(stockholm, receptionist):
    slot = make_slot(stockholm, hour=9)
    week = week_of(slot)
    everyone = visitors()
    seen_by_all(everyone, week)
    staff = Client()
    staff.force_login(receptionist)
    start = timezone.localtime(slot.start).replace(hour=14)
    response = staff.post(
        "/admin/booking/slot/add/",
        {
            "location": stockholm.pk,
            "practitioner": specialist(stockholm).pk,
            "start_0": start.strftime("%Y-%m-%d"),
            "start_1": "14:00",
            "end_0": start.strftime("%Y-%m-%d"),
            "end_1": "15:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Slot.objects.get(start=start)
    assert seen_by_all(everyone, week) == [{slot.pk, added.pk}] * 2


def test_a_time_entering_the_lead_time_drops_off_by_itself(stockholm, settings, time_machine):
    time_machine.move_to(timezone.localtime().replace(hour=10, minute=0))  # same day as `soon`
    soon = timezone.now() + timedelta(minutes=settings.BOOKING_LEAD_MINUTES + 30)
    slot = Slot.objects.create(
        location=stockholm,
        practitioner=specialist(stockholm),
        start=soon,
        end=soon + timedelta(hours=1),
    )
    week = week_of(slot)
    everyone = visitors()
    assert seen_by_all(everyone, week) == [{slot.pk}] * 2
    later(time_machine, minutes=29)
    assert seen_by_all(everyone, week) == [{slot.pk}] * 2
    later(time_machine, minutes=2)
    assert seen_by_all(everyone, week) == [set()] * 2


def _confirmed_waitlist_entry(location):
    from booking.models import WaitlistEntry
    from shop.models import TreatmentPackage

    today = timezone.localdate()
    return WaitlistEntry.objects.create(
        location=location,
        package=TreatmentPackage.objects.get(slug="nybesok"),
        earliest_date=today,
        latest_date=today + timedelta(days=30),
        name="Väntande Patient",
        email="vantar@example.com",
        phone="+46701234567",
        personnummer="198507099805",
        confirmed_at=timezone.now(),
    )


def test_a_patient_with_a_session_gets_the_cached_week_for_two_queries(
    stockholm, django_assert_num_queries
):
    slot = make_slot(stockholm)
    patient = visitors()["with session"]
    url = f"{SLOTS}?vecka={week_of(slot)}"
    patient.get(url)
    with django_assert_num_queries(2):  # both versions, the session
        page = patient.get(url).content.decode()
    assert f'value="{slot.pk}"' in page
    assert token_in(page) != token_in(Client().get(url))
