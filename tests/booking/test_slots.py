"""Slots: generated from schedules, offered by week, right across daylight-saving days."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import Booking, ScheduleException, Slot, WeeklySchedule
from booking.schedule import generate_slots
from booking.weeks import this_monday, week_param
from tests.booking.conftest import specialist

from .conftest import make_slot, patient_data

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

UTC = ZoneInfo("UTC")


def test_generating_twice_creates_nothing_new(content):
    call_command("generate_slots", "--weeks", "2", verbosity=0)
    count = Slot.objects.count()
    assert count > 0
    call_command("generate_slots", "--weeks", "2", verbosity=0)
    assert Slot.objects.count() == count


def test_a_closure_removes_free_slots_but_never_a_booked_one(client, content, stockholm):
    day = timezone.localdate() + timedelta(days=7)
    while day.weekday() > 4:
        day += timedelta(days=1)
    generate_slots(weeks=2)
    booked = Slot.objects.filter(location=stockholm, start__date=day).first()
    client.post("/boka/stockholm/nybesok/uppgifter/", patient_data(booked))
    assert Booking.objects.filter(slot=booked).exists()

    ScheduleException.objects.create(
        location=stockholm, date_from=day, date_to=day, reason="Röd dag"
    )
    result = generate_slots(weeks=2)
    assert result.removed > 0
    assert list(Slot.objects.filter(location=stockholm, start__date=day)) == [booked]


def test_dry_run_changes_nothing(content):
    call_command("generate_slots", "--dry-run", verbosity=0)
    assert Slot.objects.count() == 0


@pytest.mark.parametrize(
    "day,expected_utc_hour",
    [
        (date(2026, 3, 28), 7),  # winter time, UTC+1
        (date(2026, 3, 29), 6),  # summer time starts at 02:00: UTC+2
        (date(2026, 10, 24), 6),
        (date(2026, 10, 25), 7),  # summer time ends at 03:00: UTC+1
    ],
)
def test_a_local_0800_slot_is_the_right_instant_on_daylight_saving_days(
    content, stockholm, day, expected_utc_hour
):
    WeeklySchedule.objects.all().delete()
    WeeklySchedule.objects.create(
        location=stockholm,
        weekday=day.weekday(),
        start_time="08:00",
        end_time="10:00",
        practitioner=specialist(stockholm),
    )
    generate_slots(weeks=1, start_day=day)
    first = Slot.objects.filter(location=stockholm).earliest("start")
    assert first.start.astimezone(UTC).hour == expected_utc_hour
    assert timezone.localtime(first.start).hour == 8
    assert timezone.localtime(first.end).hour == 10  # the stretch's end: visits end by then


def test_times_that_do_not_exist_are_skipped_and_repeated_ones_made_once(
    content, stockholm, settings
):
    settings.BOOKING_GRID_MINUTES = 30
    WeeklySchedule.objects.all().delete()
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        WeeklySchedule.objects.create(
            location=stockholm,
            weekday=day.weekday(),
            start_time="01:30",
            end_time="04:00",
            practitioner=specialist(stockholm),
        )
    generate_slots(weeks=1, start_day=date(2026, 3, 29))
    spring = [timezone.localtime(s.start).strftime("%H:%M") for s in Slot.objects.all()]
    assert "02:00" not in spring and "02:30" not in spring
    assert spring == ["01:30", "03:00", "03:30"]
    Slot.objects.all().delete()
    generate_slots(weeks=1, start_day=date(2026, 10, 25))
    autumn = Slot.objects.order_by("start")
    assert len({s.start for s in autumn}) == autumn.count()


def test_slot_page_shows_daylight_saving_week_in_local_time(client, content, stockholm, settings):
    settings.BOOKING_WEEKS_AHEAD = 60
    WeeklySchedule.objects.all().delete()
    WeeklySchedule.objects.create(
        location=stockholm,
        practitioner=specialist(stockholm),
        weekday=6,
        start_time="08:00",
        end_time="09:00",
    )
    generate_slots(weeks=1, start_day=date(2027, 3, 28))  # the 2027 spring change
    html = client.get("/boka/stockholm/nybesok/", {"vecka": "2027-W12"}).content.decode()
    assert "Söndag 28 mars" in html
    assert ">08:00</button>" in html


def test_week_pages_link_onwards_and_say_where_the_next_free_time_is(client, content, stockholm):
    far = make_slot(stockholm, days=22, hour=10)
    html = client.get("/boka/stockholm/nybesok/", {"vecka": week_param(this_monday())}).content
    html = html.decode()
    assert "Det finns inga lediga tider den här veckan" in html
    monday = timezone.localtime(far.start).date() - timedelta(days=far.start.weekday())
    assert f'href="?vecka={week_param(monday)}"' in html
    assert "Nästa vecka" in html


def test_the_slot_list_opens_on_the_first_week_with_a_free_time(client, content, stockholm):
    far = make_slot(stockholm, days=22, hour=10)
    far_monday = timezone.localtime(far.start).date()
    far_monday -= timedelta(days=far_monday.weekday())
    html = client.get("/boka/stockholm/nybesok/").content.decode()
    assert f'value="{far.pk}"' in html
    assert "Det finns inga lediga tider den här veckan" not in html
    assert f'href="?vecka={week_param(far_monday - timedelta(weeks=1))}"' in html


def test_a_week_in_the_url_wins_over_the_first_free_week(client, content, stockholm):
    soon, later = make_slot(stockholm, days=1), make_slot(stockholm, days=15)
    later_week = timezone.localtime(later.start).date()
    later_week -= timedelta(days=later_week.weekday())
    html = client.get("/boka/stockholm/nybesok/", {"vecka": week_param(later_week)}).content
    assert f'value="{later.pk}"' in html.decode() and f'value="{soon.pk}"' not in html.decode()


def test_past_and_too_soon_slots_are_not_offered(client, content, stockholm, settings):
    settings.BOOKING_LEAD_MINUTES = 180
    now = timezone.now()
    past = Slot.objects.create(
        location=stockholm,
        practitioner=specialist(stockholm),
        start=now - timedelta(hours=1),
        end=now,
    )
    soon = Slot.objects.create(
        location=stockholm,
        practitioner=specialist(stockholm),
        start=now + timedelta(hours=1),
        end=now + timedelta(hours=2),
    )
    html = client.get("/boka/stockholm/nybesok/").content.decode()
    assert f"tid={past.pk}" not in html and f"tid={soon.pk}" not in html


def test_a_package_where_it_is_not_offered_is_a_404(client, content):
    assert client.get("/boka/stockholm/posturalt-besok/").status_code == 404
    assert client.get("/boka/goteborg/posturalt-besok/").status_code == 200
    assert client.get("/boka/malmo/nybesok/").status_code == 404


def test_slots_too_short_for_the_package_are_not_offered(client, content, stockholm):
    short = make_slot(stockholm, minutes=30)
    html = client.get(
        "/boka/stockholm/nybesok/",
        {
            "vecka": week_param(
                timezone.localtime(short.start).date() - timedelta(days=short.start.weekday())
            )
        },
    ).content.decode()
    assert f"tid={short.pk}" not in html


def test_slot_page_queries_do_not_grow_with_the_number_of_slots(
    client, content, stockholm, settings
):
    settings.PAGE_CACHE = False  # count the computation, not a cache hit
    make_slot(stockholm, days=1)
    with CaptureQueriesContext(connection) as few:
        client.get("/boka/stockholm/nybesok/")
    generate_slots(weeks=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/boka/stockholm/nybesok/")
    assert 'name="slot"' in response.content.decode()
    # Both versions, the location and package, the week of the first free time, that week's
    # slots, the practitioners to choose between, the first hold to end, the footer's
    # locations and company: no more for more slots.
    assert len(many.captured_queries) == len(few.captured_queries) <= 9


def test_slots_are_stored_in_utc_and_shown_in_stockholm_time(content, stockholm):
    day = date(2026, 12, 1)  # winter: Stockholm is UTC+1
    start = datetime(2026, 12, 1, 8, tzinfo=ZoneInfo("Europe/Stockholm"))
    slot = Slot.objects.create(
        location=stockholm,
        practitioner=specialist(stockholm),
        start=start,
        end=start + timedelta(hours=1),
    )
    stored = Slot.objects.get(pk=slot.pk).start
    assert stored.utcoffset() == timedelta(0)
    assert (stored.date(), stored.hour) == (day, 7)
    assert timezone.localtime(stored).hour == 8
