"""Reception's calendar: the day and week of a location, booking for a patient from a free
time, and a visit's move, cancel, "Kom"/"Uteblev" and note."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import holds, services
from booking.models import Booking, Slot
from clinic.models import Practitioner
from shop.models import TreatmentPackage

from .conftest import specialist

# Not marked `calendar`: every test here runs at the fixed clock below, whatever the session's.
pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY = "/boka/personal/kalender/stockholm/"
WEEK = "/boka/personal/kalender/stockholm/vecka/"
BOOK = "/boka/personal/kalender/stockholm/boka/"


@pytest.fixture(autouse=True)
def wednesday_morning():
    """Wednesday 2 December 2026, 07:00 in Stockholm; every date below derives from it."""
    with time_machine.travel(datetime(2026, 12, 2, 7, tzinfo=STOCKHOLM), tick=True) as clock:
        yield clock


@pytest.fixture
def desk(client, receptionist):
    client.force_login(receptionist)
    return client


def at(hour, minute=0, *, days=1):
    """Stockholm time `days` after today."""
    day = timezone.localdate() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def working_day(location, practitioner=None, *, days=1, hours=(8, 16)):
    """The practitioner's starts every 15 minutes from 08:00, each to the stretch's end."""
    practitioner = practitioner or specialist(location)
    end = at(hours[1], days=days)
    start = at(hours[0], days=days)
    slots = []
    while start < end:
        slots.append(
            Slot.objects.create(location=location, practitioner=practitioner, start=start, end=end)
        )
        start += timedelta(minutes=15)
    return slots


def slot_at(location, hour, minute=0, *, days=1, practitioner=None):
    practitioner = practitioner or specialist(location)
    return Slot.objects.get(
        location=location, practitioner=practitioner, start=at(hour, minute, days=days)
    )


def book(slot, package, name="Åsa Öberg", email="asa@example.com", **extra):
    return services.book_slot(
        slot=slot,
        package=package,
        patient=services.Patient(
            name=name,
            email=email,
            phone=extra.pop("phone", "+46701234567"),
            personnummer=extra.pop("personnummer", "198507099805"),
            **extra,
        ),
        by_staff=True,
    )


def day_of(days=1):
    return f"{DAY}?datum={timezone.localdate() + timedelta(days=days):%Y-%m-%d}"


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def shown_messages(response):
    return [str(m) for m in response.context["messages"]]


# Who may see and do what


@pytest.mark.parametrize("path", [DAY, WEEK, BOOK + "?tid=1", "/boka/personal/kalender/besok/1/"])
def test_calendar_pages_send_visitors_to_the_admin_login(client, content, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_an_editor_without_booking_rights_is_sent_to_the_login(client, editor, content):
    client.force_login(editor)
    assert client.get(DAY).url.startswith("/admin/login/")


def test_a_viewer_sees_the_calendar_but_cannot_book_or_mark(client, editor, stockholm, nybesok):
    editor.user_permissions.add(Permission.objects.get(codename="view_booking"))
    working_day(stockholm)
    booking = book(slot_at(stockholm, 10), nybesok)
    client.force_login(editor)
    page = client.get(day_of())
    assert page.status_code == 200
    assert "Boka åt patient" not in text(page)
    assert client.get(f"{BOOK}?tid={slot_at(stockholm, 13).pk}").url.startswith("/admin/login/")
    cancel = client.post(f"/boka/personal/kalender/besok/{booking.pk}/avboka/")
    assert cancel.url.startswith("/admin/login/")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_calendar_pages_are_never_cached(desk, stockholm):
    response = desk.get(DAY)
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_actions_only_answer_posts(desk, stockholm, nybesok):
    working_day(stockholm)
    booking = book(slot_at(stockholm, 10), nybesok)
    assert desk.get(f"/boka/personal/kalender/besok/{booking.pk}/kom/").status_code == 405


# The day


def test_day_shows_each_visit_as_a_block_of_its_length_with_name_package_and_status(
    desk, stockholm, nybesok
):
    working_day(stockholm)
    book(slot_at(stockholm, 10), nybesok, name="Åsa Öberg")
    aterbesok = TreatmentPackage.objects.get(slug="aterbesok")
    book(slot_at(stockholm, 13, 15), aterbesok, name="Bo Ek")
    page = text(desk.get(day_of()))
    # The frame starts at 08:00: 10:00 is row 9; Nybesök is 60 minutes (4 rows), Återbesök 45.
    assert re.search(r'class="cal-block cal-visit cal-booked r-9 s-4[ "]', page)
    assert re.search(r'class="cal-block cal-visit cal-booked r-22 s-3[ "]', page)
    assert "10:00–11:00</span> <strong>Åsa Öberg</strong>" in page
    assert "Nybesök · Bokad" in page
    assert "13:15–14:00</span> <strong>Bo Ek</strong>" in page
    assert 'Fotspecialist <span class="cal-hours">08:00–16:00</span>' in page


def test_day_links_each_free_start_to_booking_for_a_patient(desk, stockholm, nybesok):
    slots = working_day(stockholm)
    book(slot_at(stockholm, 10), nybesok)
    page = text(desk.get(day_of()))
    free = re.findall(r'href="/boka/personal/kalender/stockholm/boka/\?tid=(\d+)"', page)
    free_starts = {
        timezone.localtime(s.start).strftime("%H:%M") for s in slots if str(s.pk) in free
    }
    # The shortest package (Återbesök, 45 min) fits until 15:15; the visit takes 10:00–11:00.
    assert "08:00" in free_starts and "15:15" in free_starts and "15:30" not in free_starts
    assert not {"09:30", "10:00", "10:45"} & free_starts
    assert "11:00" in free_starts


def test_holds_and_open_offers_are_marked(desk, stockholm, nybesok):
    working_day(stockholm)
    holds.hold_slot(slot=slot_at(stockholm, 9), package=nybesok, holder="session:abc")
    holds.hold_slot(slot=slot_at(stockholm, 14), package=nybesok, holder="offer:7", minutes=120)
    page = text(desk.get(day_of()))
    assert re.search(r'cal-hold r-5 s-4"> <span class="cal-what">', page)
    assert "Reserverad: en patient bokar just nu" in page
    assert "cal-offer r-25 s-4" in page
    assert "Erbjuden från väntelistan" in page


def test_a_column_per_practitioner_and_one_practitioner_at_a_time(desk, stockholm, nybesok):
    karin = Practitioner.objects.create(name="Karin Lund", slug="karin-lund")
    working_day(stockholm)
    working_day(stockholm, karin, hours=(12, 18))
    book(slot_at(stockholm, 12, practitioner=karin), nybesok, name="Cilla Berg")
    page = text(desk.get(day_of()))
    assert page.count('class="cal-col"') == 2
    assert 'Karin Lund <span class="cal-hours">12:00–18:00</span>' in page
    only_karin = text(desk.get(day_of() + "&fotspecialist=karin-lund"))
    assert only_karin.count('class="cal-col"') == 1
    assert "Cilla Berg" in only_karin and "Karin Lund" in only_karin


def test_day_navigation_previous_next_today_week_and_other_location(desk, stockholm):
    response = desk.get(day_of(3))
    page = text(response)
    day = timezone.localdate() + timedelta(days=3)
    assert f'href="?datum={day - timedelta(days=1):%Y-%m-%d}"' in page
    assert f'href="?datum={day + timedelta(days=1):%Y-%m-%d}"' in page
    assert f'href="?datum={timezone.localdate():%Y-%m-%d}">I dag' in page
    assert f'href="/boka/personal/kalender/goteborg/?datum={day:%Y-%m-%d}"' in page
    assert f'href="/boka/personal/kalender/stockholm/vecka/?datum={day:%Y-%m-%d}"' in page
    assert 'type="date" name="datum"' in page


@pytest.mark.parametrize(
    "query",
    [
        "?datum=2026-13-45",
        "?datum=igår",
        "?datum=0001-01-01",
        "?fotspecialist=ingen",
        "?flytta=abc",
        "?flytta=999999",
        "?datum=" + "9" * 500,
    ],
)
def test_bad_addresses_show_today_with_a_message_never_an_error(desk, stockholm, query):
    response = desk.get(DAY + query)
    assert response.status_code == 200
    assert shown_messages(response)


def test_the_days_queries_do_not_grow_with_visits_or_practitioners(
    desk, stockholm, nybesok, django_assert_max_num_queries
):
    working_day(stockholm)
    book(slot_at(stockholm, 8), nybesok)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert desk.get(day_of()).status_code == 200
        return len(queries)

    few = count()
    for n in range(3):
        other = Practitioner.objects.create(name=f"Extra {n}", slug=f"extra-{n}")
        working_day(stockholm, other)
        for hour in (9, 11, 13):
            book(slot_at(stockholm, hour, practitioner=other), nybesok, name=f"P {n} {hour}")
    holds.hold_slot(slot=slot_at(stockholm, 14), package=nybesok, holder="session:x")
    assert count() == few
    with django_assert_max_num_queries(15):
        desk.get(day_of())


# The week


def test_week_shows_weekdays_with_visits_and_free_stretches(desk, stockholm, nybesok):
    working_day(stockholm)
    book(slot_at(stockholm, 10), nybesok, name="Åsa Öberg")
    response = desk.get(WEEK)
    page = text(response)
    assert response.status_code == 200
    assert page.count('class="cal-day cal-compact') == 5  # Monday to Friday, no weekend hours
    assert "Åsa Öberg" in page
    # Free from 08:00 until the visit (Återbesök at 09:15 is the last that fits before 10:00).
    assert 'aria-label="08:00 Ledigt till 10:00 hos Fotspecialist torsdag 3 december"' in page
    assert 'aria-label="11:00 Ledigt till 16:00 hos Fotspecialist torsdag 3 december"' in page


def test_week_navigation_and_bad_weeks(desk, stockholm):
    page = text(desk.get(WEEK + "?vecka=2026-W50"))
    assert "vecka 50" in page
    assert 'href="?vecka=2026-W49"' in page and 'href="?vecka=2026-W51"' in page
    for bad in ["?vecka=2026-W60", "?vecka=nästa", "?datum=2026-02-30"]:
        response = desk.get(WEEK + bad)
        assert response.status_code == 200
        assert shown_messages(response)


# Booking for a patient from a free time


def phone_booking(package, /, **overrides):
    data = {
        "package": package.pk,
        "name": "Bo Ek",
        "phone": "070-123 45 67",
        "email": "",
        "personnummer": "",
        "date_of_birth": "1985-07-09",
        "message": "",
        "earlier": "",
        "request_token": "0123456789abcdef0123456789abcdef",
    }
    data.update(overrides)
    return data


def test_booking_form_is_prefilled_with_time_practitioner_and_location(desk, stockholm):
    working_day(stockholm)
    page = text(desk.get(f"{BOOK}?tid={slot_at(stockholm, 11).pk}"))
    assert "Torsdag 3 december 2026 kl. 11:00" in page
    assert "Fotspecialist, Stockholm" in page


def test_a_phone_booking_without_email_mails_nothing_and_says_so(desk, stockholm, nybesok):
    working_day(stockholm)
    slot = slot_at(stockholm, 11)
    response = desk.post(f"{BOOK}?tid={slot.pk}", phone_booking(nybesok), follow=True)
    booking = Booking.objects.get()
    assert booking.slot == slot and booking.booked_by_staff and booking.email == ""
    assert booking.phone == "+46701234567" and str(booking.date_of_birth) == "1985-07-09"
    assert mail.outbox == []
    assert "ingen bekräftelse skickades" in " ".join(shown_messages(response))
    assert response.redirect_chain[-1][0] == day_of()
    # Sent twice (a double click), it books once.
    desk.post(f"{BOOK}?tid={slot.pk}", phone_booking(nybesok))
    assert Booking.objects.count() == 1


def test_a_phone_booking_with_email_sends_the_confirmation(desk, stockholm, nybesok):
    working_day(stockholm)
    response = desk.post(
        f"{BOOK}?tid={slot_at(stockholm, 11).pk}",
        phone_booking(nybesok, email="bo@example.com", personnummer="8507099805"),
        follow=True,
    )
    booking = Booking.objects.get()
    assert booking.personnummer == "198507099805"
    assert mail.outbox[-1].to == ["bo@example.com"]
    assert "Bekräftelsen skickas till bo@example.com" in " ".join(shown_messages(response))


def test_reception_can_ask_for_the_recall_on_the_patients_behalf(desk, stockholm, nybesok):
    working_day(stockholm)
    form = text(desk.get(f"{BOOK}?tid={slot_at(stockholm, 11).pk}"))
    assert "Påminn patienten om återbesök" in form
    desk.post(
        f"{BOOK}?tid={slot_at(stockholm, 11).pk}", phone_booking(nybesok, email="bo@example.com")
    )
    desk.post(
        f"{BOOK}?tid={slot_at(stockholm, 13).pk}",
        phone_booking(
            nybesok,
            email="ek@example.com",
            wants_recall="on",
            request_token="fedcba9876543210fedcba9876543210",
        ),
    )
    asked = dict(Booking.objects.values_list("email", "wants_recall"))
    assert asked == {"bo@example.com": False, "ek@example.com": True}


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("phone", "12", "Telefonnumret stämmer inte"),
        ("personnummer", "850709-9806", "Personnumret stämmer inte"),
        ("date_of_birth", "", "Fyll i personnummer, eller födelsedatum"),
        ("name", "123", "Skriv ditt namn med bokstäver"),
        ("email", "bo@", "Fyll i en giltig e-postadress"),
        ("message", "x" * 1001, "högst 1000 tecken"),
        ("package", "999999", "Välj en behandling i listan"),
        ("request_token", "", "Formuläret har gått ut"),
    ],
)
def test_a_wrong_field_is_named_and_everything_typed_is_kept(
    desk, stockholm, nybesok, field, value, error
):
    working_day(stockholm)
    data = phone_booking(nybesok, **{"name": "Åsa Öberg", "phone": "070-765 43 21", field: value})
    response = desk.post(f"{BOOK}?tid={slot_at(stockholm, 11).pk}", data)
    assert response.status_code == 400
    page = text(response)
    assert error in page
    assert "<title>Fel: " in page
    if field != "name":
        assert 'value="Åsa Öberg"' in page
    if field != "phone":
        assert 'value="070-765 43 21"' in page
    assert not Booking.objects.exists()


def test_a_time_taken_meanwhile_keeps_the_form(desk, stockholm, nybesok):
    working_day(stockholm)
    slot = slot_at(stockholm, 11)
    book(slot, nybesok, name="Först")
    response = desk.post(f"{BOOK}?tid={slot.pk}", phone_booking(nybesok, name="Sen Patient"))
    assert response.status_code == 409
    assert "Tiden hann tyvärr bokas av någon annan" in text(response)
    assert 'value="Sen Patient"' in text(response)


def test_booking_without_a_time_goes_back_to_the_calendar(desk, stockholm):
    for query in ["", "?tid=abc", "?tid=999999"]:
        response = desk.get(BOOK + query, follow=True)
        assert response.redirect_chain[0][0] == DAY
        assert "Välj en ledig tid i kalendern först." in shown_messages(response)


@pytest.mark.parametrize(
    "term",
    [
        "öberg",
        "070-123 45 67",
        "0701234567",
        "+46 70 123 45 67",
        "19850709-9805",
        "198507099805",
        "850709-9805",
        "8507099805",
    ],
)
def test_search_finds_a_returning_patient_however_it_is_typed(desk, stockholm, nybesok, term):
    working_day(stockholm)
    book(slot_at(stockholm, 9), nybesok, name="Åsa Öberg", phone="+46701234567")
    book(slot_at(stockholm, 13), nybesok, name="Åsa Öberg", phone="+46701234567")
    book(
        slot_at(stockholm, 15),
        nybesok,
        name="Bo Ek",
        phone="+46709999999",
        personnummer="191212121212",
    )
    slot = slot_at(stockholm, 11)
    response = desk.get(BOOK, {"tid": slot.pk, "sok": term})
    patients = response.context["patients"]
    assert [p.name for p in patients] == ["Åsa Öberg"]  # one patient, though booked twice
    assert f"patient={patients[0].pk}" in text(response)


def test_search_with_nothing_found_says_so(desk, stockholm):
    working_day(stockholm)
    response = desk.get(BOOK, {"tid": slot_at(stockholm, 11).pk, "sok": "Ingen Alls"})
    assert "Ingen tidigare patient hittades" in text(response)


@pytest.mark.parametrize("patient", ["abc", "12 OR 1=1", "-1", "9" * 30, "١٢"])
def test_an_odd_returning_patient_in_the_url_gets_an_empty_form_not_an_error(
    desk, stockholm, patient
):
    working_day(stockholm)
    response = desk.get(BOOK, {"tid": slot_at(stockholm, 11).pk, "patient": patient})
    assert response.status_code == 200
    assert 'name="name"' in text(response) and 'value="Åsa' not in text(response)


def test_using_a_returning_patient_fills_in_their_details(desk, stockholm, nybesok):
    working_day(stockholm)
    earlier = book(slot_at(stockholm, 9), nybesok, name="Åsa Öberg", email="asa@example.com")
    slot = slot_at(stockholm, 13)
    page = text(desk.get(BOOK, {"tid": slot.pk, "sok": "Öberg", "patient": earlier.pk}))
    assert 'value="Åsa Öberg"' in page
    assert 'value="070-123 45 67"' in page
    assert 'value="asa@example.com"' in page
    assert 'value="19850709-9805"' in page  # Reception may see the whole personnummer


def test_without_the_right_to_see_personnummer_the_earlier_one_is_used_unseen(
    client, receptionist, stockholm, nybesok
):
    receptionist.groups.first().permissions.remove(
        Permission.objects.get(codename="view_full_personnummer")
    )
    client.force_login(receptionist)
    working_day(stockholm)
    earlier = book(slot_at(stockholm, 9), nybesok, name="Åsa Öberg")
    slot = slot_at(stockholm, 13)
    page = text(client.get(BOOK, {"tid": slot.pk, "patient": earlier.pk}))
    assert "19850709-9805" not in page and "198507099805" not in page
    assert "19850709-****" in page
    data = phone_booking(nybesok, name="Åsa Öberg", date_of_birth="", earlier=earlier.pk)
    client.post(f"{BOOK}?tid={slot.pk}&patient={earlier.pk}", data)
    assert Booking.objects.get(slot=slot).personnummer == "198507099805"


# A visit: move, cancel, Kom/Uteblev, note


def visit_url(booking, action=""):
    return f"/boka/personal/kalender/besok/{booking.pk}/" + (f"{action}/" if action else "")


def test_move_picks_a_new_time_in_the_same_calendar(desk, stockholm, nybesok):
    working_day(stockholm)
    booking = book(slot_at(stockholm, 10), nybesok)
    page = text(desk.get(day_of() + f"&flytta={booking.pk}"))
    assert "Flyttar <strong>Åsa Öberg</strong>" in page
    assert page.count("Flytta hit") > 10
    assert "Boka åt patient" not in page
    new = slot_at(stockholm, 10, 30)  # overlapping its own time is fine: it moves
    assert f'name="tid" value="{new.pk}"' in page
    response = desk.post(visit_url(booking, "flytta"), {"tid": new.pk}, follow=True)
    booking.refresh_from_db()
    assert booking.slot == new
    assert booking.reservation.start == new.start
    assert "flyttad till torsdag 3 december kl. 10:30" in " ".join(shown_messages(response))
    assert "Mottagningen har flyttat" in mail.outbox[-1].subject


def test_a_move_to_a_taken_or_foreign_time_says_why(desk, stockholm, goteborg, nybesok):
    working_day(stockholm)
    working_day(goteborg)
    booking = book(slot_at(stockholm, 10), nybesok)
    book(slot_at(stockholm, 13), nybesok, name="Bo Ek")
    taken = desk.post(visit_url(booking, "flytta"), {"tid": slot_at(stockholm, 13).pk}, follow=True)
    assert "Åsa Öberg flyttades inte: Tiden hann tyvärr bokas" in " ".join(shown_messages(taken))
    foreign = desk.post(
        visit_url(booking, "flytta"), {"tid": slot_at(goteborg, 13).pk}, follow=True
    )
    assert "Välj en ledig tid i kalendern" in " ".join(shown_messages(foreign))
    nothing = desk.post(visit_url(booking, "flytta"), {"tid": "x"}, follow=True)
    assert nothing.status_code == 200
    booking.refresh_from_db()
    assert booking.slot == slot_at(stockholm, 10)


def test_cancel_with_a_reason_tells_the_patient_the_clinic_cancelled(desk, stockholm, nybesok):
    working_day(stockholm)
    booking = book(slot_at(stockholm, 10), nybesok)
    response = desk.post(
        visit_url(booking, "avboka"), {"reason": "Fotspecialisten är sjuk"}, follow=True
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by_clinic
    message = mail.outbox[-1]
    assert "Mottagningen har avbokat" in message.subject
    assert "Fotspecialisten är sjuk" in message.body
    assert "avbokad. Patienten får ett mejl" in " ".join(shown_messages(response))
    assert "Åsa Öberg" not in text(desk.get(day_of()))  # its time is free again


def test_a_too_long_cancel_reason_keeps_the_text_and_cancels_nothing(desk, stockholm, nybesok):
    working_day(stockholm)
    booking = book(slot_at(stockholm, 10), nybesok)
    response = desk.post(visit_url(booking, "avboka"), {"reason": "lång " * 200})
    assert response.status_code == 400
    assert "Orsaken får vara högst 500 tecken." in text(response)
    assert "lång lång" in text(response)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_kom_and_uteblev_only_once_the_visit_has_started(
    desk, stockholm, nybesok, wednesday_morning
):
    working_day(stockholm, days=0)
    booking = book(slot_at(stockholm, 10, days=0), nybesok)
    assert ">Kom</button>" not in text(desk.get(DAY))
    early = desk.post(visit_url(booking, "kom"), follow=True)
    assert "ändrades inte: besöket har inte börjat" in " ".join(shown_messages(early))
    wednesday_morning.move_to(at(10, 5, days=0))
    page = text(desk.get(DAY))
    assert ">Kom</button>" in page and ">Uteblev</button>" in page
    response = desk.post(visit_url(booking, "kom"), {"tillbaka": DAY}, follow=True)
    assert response.redirect_chain[-1][0] == DAY
    booking.refresh_from_db()
    assert booking.status == Booking.Status.ATTENDED
    assert "markerad som Kom" in " ".join(shown_messages(response))
    assert "Genomförd" in text(response)
    undo = desk.post(visit_url(booking, "angra"), follow=True)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    assert "tillbaka som bokad" in " ".join(shown_messages(undo))
    desk.post(visit_url(booking, "uteblev"))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW
    wednesday_morning.move_to(at(9, days=1))
    late = desk.post(visit_url(booking, "angra"), follow=True)
    assert "kan bara ångras samma dag" in " ".join(shown_messages(late))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW


def test_a_note_for_the_practitioner_is_saved_shown_and_removed(desk, stockholm, nybesok):
    working_day(stockholm)
    booking = book(slot_at(stockholm, 10), nybesok)
    response = desk.post(
        visit_url(booking, "anteckning"),
        {"note": "Ta med inläggen", "tillbaka": visit_url(booking)},
        follow=True,
    )
    booking.refresh_from_db()
    assert booking.staff_note == "Ta med inläggen"
    assert "anteckningen sparad" in " ".join(shown_messages(response))
    assert "Ta med inläggen" in text(response)
    assert "Nybesök · Bokad · Anteckning" in text(desk.get(day_of()))
    desk.post(visit_url(booking, "anteckning"), {"note": ""})
    booking.refresh_from_db()
    assert booking.staff_note == ""
    too_long = desk.post(visit_url(booking, "anteckning"), {"note": "x" * 1001})
    assert too_long.status_code == 400
    assert "Anteckningen får vara högst 1000 tecken." in text(too_long)


def test_a_note_is_blanked_when_the_booking_is_anonymised(stockholm, nybesok):
    working_day(stockholm)
    booking = book(slot_at(stockholm, 10), nybesok)
    services.set_note(booking=booking, note="Diabetes")
    services.anonymise_bookings(older_than_days=-30)
    booking.refresh_from_db()
    assert booking.staff_note == ""


def test_the_visit_page_shows_the_patient_and_its_actions(desk, stockholm, nybesok):
    working_day(stockholm)
    booking = book(slot_at(stockholm, 10), nybesok, email="")
    page = text(desk.get(visit_url(booking)))
    assert "070-123 45 67" in page and "19850709-9805" in page
    assert "saknas (inga mejl skickas)" in page
    assert f"&amp;flytta={booking.pk}" in page
    assert "Avboka besöket" in page
    assert "Kom och Uteblev går att markera när besöket har börjat" in page.replace("”", "")


def test_unknown_visits_and_actions_are_not_found(desk, stockholm, nybesok):
    working_day(stockholm)
    booking = book(slot_at(stockholm, 10), nybesok)
    assert desk.get("/boka/personal/kalender/besok/999999/").status_code == 404
    assert desk.post(visit_url(booking, "radera")).status_code == 404


def test_an_unsafe_return_address_is_ignored(desk, stockholm, nybesok):
    working_day(stockholm)
    booking = book(slot_at(stockholm, 10), nybesok)
    response = desk.post(
        visit_url(booking, "anteckning"), {"note": "x", "tillbaka": "https://evil.example/"}
    )
    assert response.url == day_of()


def test_the_old_day_list_links_to_the_calendar(desk, stockholm):
    assert DAY in text(desk.get("/boka/personal/dag/stockholm/"))
