"""The clinic adds a specialist with their week in the admin; patients then choose between
"Första lediga fotspecialist" and that specialist."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from booking.models import Booking, Slot, WeeklySchedule
from booking.schedule import generate_slots
from booking.weeks import this_monday, week_param
from clinic.models import Practitioner
from tests.booking.conftest import form_token, patient_data, specialist

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

SLOTS = "/boka/stockholm/nybesok/"
CHOOSE = "/boka/stockholm/nybesok/valj/"
DETAILS = "/boka/stockholm/nybesok/uppgifter/"


def inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{field}": value for field, value in row.items()})
    return data


@pytest.fixture
def anna(client, superuser, stockholm):
    """Anna, added in the admin with Monday to Friday 09–12 at Stockholm."""
    client.force_login(superuser)
    week = [
        {"location": stockholm.pk, "weekday": day, "start_time": "09:00", "end_time": "12:00"}
        for day in range(5)
    ]
    response = client.post(
        "/admin/clinic/practitioner/add/",
        {
            "name": "Anna Andersson",
            "slug": "anna-andersson",
            "title": "Fotterapeut",
            "locations": [stockholm.pk],
            "is_active": "on",
            **inline("schedules", week),
            **inline("scheduleexception_set", []),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    return Practitioner.objects.get(slug="anna-andersson")


def next_week():
    return {"vecka": week_param(this_monday() + timedelta(weeks=1))}


def test_a_specialist_added_with_their_hours_gets_start_times_on_the_grid(anna, stockholm):
    assert WeeklySchedule.objects.filter(practitioner=anna).count() == 5
    generate_slots(weeks=3)
    mornings = Slot.objects.filter(practitioner=anna).order_by("start")[:4]
    local = [timezone.localtime(slot.start).strftime("%H:%M") for slot in mornings]
    assert local == ["09:00", "09:15", "09:30", "09:45"]
    assert {timezone.localtime(slot.end).strftime("%H:%M") for slot in mornings} == {"12:00"}


def test_patients_choose_first_free_or_the_named_specialist(client, anna, stockholm, nybesok):
    generate_slots(weeks=3)
    html = client.get(SLOTS, next_week()).content.decode()
    assert '<option value="">Första lediga fotspecialist</option>' in html
    assert '<option value="anna-andersson">Anna Andersson</option>' in html

    hers = client.get(SLOTS, {**next_week(), "fotspecialist": "anna-andersson"}).content
    hers = hers.decode()
    assert "hos Anna Andersson" in hers
    assert ">13:00</button>" in html and ">13:00</button>" not in hers  # she works 09–12
    assert ">11:00</button>" in hers and ">11:15</button>" not in hers  # 60 minutes end by 12

    slot = Slot.objects.bookable(location=stockholm, package=nybesok, practitioner=anna).last()
    chosen = client.post(CHOOSE, {"slot": slot.pk, "fotspecialist": "anna-andersson"})
    assert chosen["Location"] == f"{DETAILS}?tid={slot.pk}"
    booked = client.post(DETAILS, patient_data(slot, request_token=form_token("anna")))
    assert booked.status_code == 302
    booking = Booking.objects.get()
    assert booking.practitioner == anna
    confirmation = client.get(booked["Location"]).content.decode()
    assert "<dt>Fotspecialist</dt><dd>Anna Andersson</dd>" in confirmation
    assert "Fotspecialist: Anna Andersson\n" in mail.outbox[-1].body
    calendar = Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    assert "Fotspecialist: Anna Andersson." in str(calendar.walk("VEVENT")[0]["description"])


def test_a_location_with_one_specialist_offers_no_choice(client, content, stockholm):
    generate_slots(weeks=3)
    html = client.get(SLOTS, next_week()).content.decode()
    assert "Första lediga fotspecialist" not in html
    assert specialist(stockholm).name == ""  # the fixtures name no one
    assert "Fotspecialist</dt>" not in html


def test_an_excluded_package_hides_that_specialists_times(client, anna, stockholm, nybesok):
    anna.excluded_packages.add(nybesok)
    generate_slots(weeks=3)
    html = client.get(SLOTS, next_week()).content.decode()
    assert "Första lediga fotspecialist" not in html  # only one performs Nybesök
    assert not Slot.objects.bookable(location=stockholm, package=nybesok, practitioner=anna)
    # A start of hers posted anyway goes to whoever performs it then ("Första lediga").
    slot = Slot.objects.filter(practitioner=anna).order_by("start").last()
    chosen = client.post(CHOOSE, {"slot": slot.pk, "fotspecialist": "anna-andersson"})
    other = Slot.objects.get(practitioner=specialist(stockholm), start=slot.start)
    assert chosen["Location"] == f"{DETAILS}?tid={other.pk}"


def test_the_waitlist_asks_which_specialist_and_offers_only_their_times(
    client, anna, stockholm, nybesok, mailoutbox
):
    generate_slots(weeks=3)
    page = client.get("/boka/stockholm/nybesok/vantelista/").content.decode()
    assert '<option value="" selected>Första lediga fotspecialist</option>' in page
    today = timezone.localdate()
    response = client.post(
        "/boka/stockholm/nybesok/vantelista/",
        {
            "earliest_date": today.isoformat(),
            "latest_date": (today + timedelta(weeks=3)).isoformat(),
            "time_of_day": "any",
            "practitioner": str(anna.pk),
            "name": "Åsa Öberg",
            "email": "asa@example.com",
            "phone": "070-123 45 67",
            "personnummer": "19850709-9805",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    entry = stockholm.waitlist.get()
    assert entry.practitioner == anna
    link = f"/boka/vantelista/bekrafta/{entry.token}/"
    confirmed = client.post(link, follow=True).content.decode()
    assert "hos Anna Andersson" in confirmed
    free = {slot.practitioner_id for slot in waitlist_free_slots(entry)}
    assert free == {anna.pk}


def waitlist_free_slots(entry):
    from booking.waitlist import matching_free_slots

    return matching_free_slots(entry, limit=50)
