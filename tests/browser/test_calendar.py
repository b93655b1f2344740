"""Reception's calendar in the browser: a phone booking from a free time, a move, and "Kom" /
"Uteblev", at 1280 px (four practitioners side by side, no sideways scrolling) and at 375 px
(one practitioner at a time); axe finds nothing on any page."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from booking import services
from booking.models import Booking, Slot
from clinic.models import Location, Practitioner
from shop.models import TreatmentPackage
from tests.booking.conftest import specialist

from .checks import assert_no_horizontal_scroll
from .conftest import DESKTOP, WIDTHS

pytestmark = pytest.mark.browser

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEDNESDAY_MORNING = datetime(2026, 12, 2, 7, tzinfo=STOCKHOLM)
OTHERS = ["Karin Lund", "Maja Ek", "Nils Berg"]


def at(hour, minute=0, days=0):
    day = WEDNESDAY_MORNING.date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def working_day(location, practitioner, days=0):
    start, end = at(8, days=days), at(16, days=days)
    while start < end:
        Slot.objects.create(location=location, practitioner=practitioner, start=start, end=end)
        start += timedelta(minutes=15)


def slot(practitioner, hour, minute=0, days=0):
    return Slot.objects.get(practitioner=practitioner, start=at(hour, minute, days))


def patient(name, **details):
    return services.Patient(
        name=name,
        email=details.get("email", ""),
        phone=details.get("phone", "+46701234567"),
        personnummer=details.get("personnummer", "198507099805"),
    )


@pytest.fixture
def clinic_day(site, receptionist):
    """Today at Stockholm: four practitioners working 08–16, a visit at 09:30 and a returning
    patient who came last week."""
    with time_machine.travel(WEDNESDAY_MORNING, tick=True) as clock:
        stockholm = Location.objects.get(slug="stockholm")
        nybesok = TreatmentPackage.objects.get(slug="nybesok")
        people = [specialist(stockholm)] + [
            Practitioner.objects.create(name=name, slug=name.lower().replace(" ", "-"))
            for name in OTHERS
        ]
        for person in people:
            working_day(stockholm, person)
        working_day(stockholm, people[0], days=-7)
        for person in people[:2]:
            working_day(stockholm, person, days=1)
        with time_machine.travel(at(7, days=-7), tick=True):
            services.book_slot(
                slot=slot(people[0], 10, days=-7),
                package=nybesok,
                patient=patient("Åsa Öberg", email="asa@example.com"),
                by_staff=True,
            )
        services.book_slot(
            slot=slot(people[1], 9, 30),
            package=nybesok,
            patient=patient("Cilla Berg", phone="+46731234567", personnummer="191212121212"),
            by_staff=True,
        )
        yield clock


def log_in(page, site, path):
    page.goto(f"{site}/admin/login/?next={path}")
    page.get_by_label("Användarnamn").fill("reception")
    page.get_by_label("Lösenord").fill("lösenord-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"**{path}")


@pytest.mark.parametrize("width", WIDTHS)
def test_receptionist_books_by_phone_moves_the_visit_and_marks_who_came(
    visit, site, step, clinic_day, width
):
    page = visit(None, width=width)
    log_in(page, site, "/boka/personal/kalender/stockholm/")
    step(page, "day")
    if width == DESKTOP:  # four columns side by side, no scrolling inside the calendar
        grid = page.locator(".cal-grid")
        assert grid.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
        assert page.locator(".cal-col").count() == 4

    # A phone call: a returning patient wants an Återbesök (the first choice) at 11:00.
    page.get_by_role("link", name="11:00 Boka åt patient hos Fotspecialist").click()
    page.get_by_label("Sök på namn, telefon eller personnummer").fill("070 123 45 67")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.get_by_role("link", name="Använd Åsa Öberg").click()
    assert page.get_by_label("Patientens för- och efternamn").input_value() == "Åsa Öberg"
    assert page.get_by_label("Personnummer", exact=True).input_value() == "19850709-9805"
    page.get_by_label("Mobiltelefon").fill("070-12")
    page.get_by_role("button", name="Boka tiden").click()
    page.wait_for_selector(".error-summary")
    step(page, "booking-form-with-an-error")
    page.get_by_label("Mobiltelefon").fill("070-123 45 67")
    page.get_by_role("button", name="Boka tiden").click()
    page.wait_for_url("**/kalender/stockholm/?datum=2026-12-02")
    assert "Bokat: Åsa Öberg, Återbesök onsdag 2 december kl. 11:00" in page.inner_text("main")
    step(page, "day-after-booking")

    # The patient calls again: 11:00 does not suit, 14:00 does.
    page.get_by_role("link", name="11:00–11:45 Åsa Öberg").click()
    step(page, "visit")
    page.get_by_role("link", name="Flytta besöket").click()
    step(page, "day-moving")
    page.get_by_role("button", name="14:00 Flytta hit, till Fotspecialist").click()
    page.wait_for_selector(".notice-success")
    assert "Åsa Öberg: flyttad till onsdag 2 december kl. 14:00" in page.inner_text("main")
    moved = Booking.objects.get(name="Åsa Öberg", status="booked", slot__start__gte=at(8))
    assert timezone.localtime(moved.start).hour == 14

    # 09:35: Cilla Berg's visit has started. She came; a mistake, she did not; undone.
    clinic_day.move_to(at(9, 35))
    page.reload()
    page.get_by_role("button", name="Kom: Cilla Berg 09:30").click()
    page.wait_for_selector(".notice-success")
    assert "Cilla Berg onsdag 2 december kl. 09:30: markerad som Kom." in page.inner_text("main")
    step(page, "day-after-kom")
    page.get_by_role("button", name="Ångra Genomförd: Cilla Berg 09:30").click()
    page.get_by_role("button", name="Uteblev: Cilla Berg 09:30").click()
    page.wait_for_selector(".cal-no_show")
    assert Booking.objects.get(name="Cilla Berg").status == Booking.Status.NO_SHOW
    assert_no_horizontal_scroll(page)


def test_week_at_both_widths(visit, site, step, clinic_day):
    page = visit(None, width=DESKTOP)
    log_in(page, site, "/boka/personal/kalender/stockholm/vecka/")
    step(page, "week", reachable=False)


def test_a_day_prints_on_one_page(visit, site, clinic_day):
    page = visit(None, width=DESKTOP)
    log_in(page, site, "/boka/personal/kalender/stockholm/")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1
    printed = page.inner_text("body")
    assert "Cilla Berg" in printed and "Boka åt patient" not in printed  # no buttons on paper


def test_a_week_prints_a_page_per_working_day_and_no_page_per_empty_day(visit, site, clinic_day):
    page = visit(None, width=DESKTOP)
    log_in(page, site, "/boka/personal/kalender/stockholm/vecka/")
    days = page.locator(".cal-week .cal-day")
    working = page.locator(".cal-week .cal-day:not(:has(.cal-empty))").count()
    assert days.count() == 5 and working == 2  # Monday to Friday; work on Wednesday, Thursday
    assert days.last.locator(".cal-empty").count() == 1  # the week ends without work
    on_screen = page.inner_text("main")
    assert "Nästa vecka" in on_screen and "Ledigt" in on_screen
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    # Monday and Tuesday above Wednesday, Thursday, Friday: three sheets, not five, and no
    # blank page after the last.
    assert pages == working + 1
    printed = page.inner_text("main")
    assert "Cilla Berg" in printed and "Nybesök" in printed
    assert "Nästa vecka" not in printed and "Ledigt" not in printed  # no navigation, no gaps
