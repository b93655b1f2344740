"""The appointment book's guarantees, on SQLite and PostgreSQL alike.

The database itself refuses two live reservations of one practitioner that overlap (buffer
included); visits keep their true local times on daylight-saving days, on the page and in the
calendar file; the waitlist offers a freed time only to patients whose visit fits it (and who
asked for that practitioner, if they did); a visit moves onto time it already partly takes;
a package's buffer keeps back-to-back visits apart; a practitioner who does not perform a
package is never offered for it; and "Första lediga" gives the time to whoever has the
fewest visits that day.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from booking.models import (
    Booking,
    Reservation,
    SlotHold,
    WaitlistEntry,
    WaitlistOffer,
    WeeklySchedule,
)
from clinic.models import Weekday
from shop.models import TreatmentPackage

from .conftest import patient_data, specialist
from .helpers import STOCKHOLM, at, colleague, overlaps_among_live_reservations, package_of
from .helpers import starts as make_starts

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

TAKEN = "Tiden hann tyvärr bokas av någon annan"


def in_days(days=5):
    return timezone.localdate() + timedelta(days=days)


def book(slot, package, *, email="asa@example.com", client=None):
    """A patient books the package at the slot's start with the details form."""
    client = client or Client()
    response = client.post(
        f"/boka/{slot.location.slug}/{package.slug}/uppgifter/",
        patient_data(slot, email=email, request_token=f"{slot.pk}-{email}"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Booking.objects.get(slot=slot, email=email)


def choose(client, slot, package, **extra):
    """The patient presses a time's button on the week's page; the response."""
    return client.post(
        f"/boka/{slot.location.slug}/{package.slug}/valj/", {"slot": slot.pk, **extra}
    )


def week_page(client, slot, package, **params):
    week = timezone.localdate(slot.start).isocalendar()
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(
        f"/boka/{slot.location.slug}/{package.slug}/?vecka={week.year}-W{week.week:02d}&{query}"
    )
    assert response.status_code == 200
    return response.content.decode()


def week_of(day):
    week = day.isocalendar()
    return f"{week.year}-W{week.week:02d}"


def shown(slot, html):
    return f'value="{slot.pk}"' in html


# --- The database's guarantee --------------------------------------------------------


def reservation(practitioner, day, start, end, *, until=None, **fields):
    return Reservation(
        practitioner=practitioner,
        start=at(day, start),
        end=at(day, end),
        blocked_until=at(day, until or end),
        **fields,
    )


def refused(row):
    """Whether the database refuses to save the row (in a savepoint, so the test goes on)."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_an_overlapping_live_reservation_of_one_practitioner(stockholm):
    practitioner, day = specialist(stockholm), in_days()
    reservation(practitioner, day, "10:00", "11:00").save()

    assert refused(reservation(practitioner, day, "10:30", "11:15"))  # a booking
    assert refused(reservation(practitioner, day, "09:30", "10:15", expires_at=timezone.now()))
    assert refused(reservation(practitioner, day, "09:00", "12:00"))  # around it
    assert not refused(reservation(practitioner, day, "11:00", "11:45"))  # right after: fine
    assert not refused(reservation(practitioner, day, "09:15", "10:00"))  # right before: fine
    other = colleague(stockholm, "Karin Lind")
    assert not refused(reservation(other, day, "10:00", "11:00"))  # another practitioner
    assert Reservation.objects.count() == 4


def test_the_database_refuses_moving_a_reservation_onto_another_one(stockholm):
    practitioner, day = specialist(stockholm), in_days()
    reservation(practitioner, day, "10:00", "11:00").save()
    later = reservation(practitioner, day, "11:00", "12:00")
    later.save()

    later.start, later.end, later.blocked_until = (
        at(day, "10:45"),
        at(day, "11:45"),
        at(day, "11:45"),
    )
    assert refused(later)
    later.refresh_from_db()
    assert timezone.localtime(later.start).strftime("%H:%M") == "11:00"


def test_a_released_reservation_blocks_nothing_until_it_is_live_again(stockholm):
    practitioner, day = specialist(stockholm), in_days()
    cancelled = reservation(practitioner, day, "10:00", "11:00")
    cancelled.save()
    cancelled.released_at = timezone.now()
    cancelled.save()

    assert not refused(reservation(practitioner, day, "10:00", "11:00"))
    cancelled.released_at = None  # back to live, over the new visit
    assert refused(cancelled)


def test_the_buffer_after_a_visit_blocks_the_next_start(stockholm):
    practitioner, day = specialist(stockholm), in_days()
    reservation(practitioner, day, "10:00", "11:00", until="11:15").save()

    assert refused(reservation(practitioner, day, "11:00", "12:00"))
    assert refused(reservation(practitioner, day, "11:10", "12:00"))
    assert not refused(reservation(practitioner, day, "11:15", "12:15"))


def test_times_out_of_order_are_refused(stockholm):
    practitioner, day = specialist(stockholm), in_days()
    assert refused(reservation(practitioner, day, "10:00", "10:00"))
    assert refused(reservation(practitioner, day, "10:00", "11:00", until="10:30"))


# --- Daylight-saving days ------------------------------------------------------------

SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)  # both Sundays


@pytest.mark.parametrize(
    ("day", "start", "minutes", "shown_end", "utc_start"),
    [
        (SPRING, "10:00", 45, "10:45", "08:00"),
        (SPRING, "10:00", 60, "11:00", "08:00"),
        (SPRING, "10:00", 90, "11:30", "08:00"),
        # Across the change: 02:00 becomes 03:00, so the wall clock jumps an hour.
        (SPRING, "01:30", 45, "03:15", "00:30"),
        (SPRING, "01:30", 60, "03:30", "00:30"),
        (SPRING, "01:30", 90, "04:00", "00:30"),
        (AUTUMN, "10:00", 45, "10:45", "09:00"),
        (AUTUMN, "10:00", 60, "11:00", "09:00"),
        (AUTUMN, "10:00", 90, "11:30", "09:00"),
        # Across the change: 03:00 becomes 02:00 again, so the wall clock goes back an hour.
        (AUTUMN, "01:30", 45, "02:15", "23:30"),
        (AUTUMN, "01:30", 60, "02:30", "23:30"),
        (AUTUMN, "01:30", 90, "02:00", "23:30"),
    ],
)
def test_visits_on_daylight_saving_days_show_their_true_local_times(
    client, stockholm, time_machine, run_command, day, start, minutes, shown_end, utc_start
):
    time_machine.move_to(datetime.combine(day - timedelta(days=4), time(12), tzinfo=STOCKHOLM))
    practitioner = specialist(stockholm)
    for begins, ends in ((time(1), time(5)), (time(9), time(17))):
        WeeklySchedule.objects.create(
            location=stockholm,
            practitioner=practitioner,
            weekday=Weekday.SUNDAY,
            start_time=begins,
            end_time=ends,
        )
    run_command("generate_slots", "--weeks", "1", verbosity=0)
    package = {45: "aterbesok", 60: "nybesok"}.get(minutes)
    package = TreatmentPackage.objects.get(slug=package) if package else package_of(90)
    slot = practitioner.slots.get(start=at(day, start))

    chosen = choose(client, slot, package)
    assert chosen["Location"] == f"/boka/stockholm/{package.slug}/uppgifter/?tid={slot.pk}"
    booking = book(slot, package, client=client)
    html = client.get(f"/boka/bekraftelse/{booking.token}/").content.decode()

    assert f"kl. {start}\u2013{shown_end}" in html
    assert booking.end - booking.start == timedelta(minutes=minutes)
    (message,) = mail.outbox
    _, ics, _ = message.attachments[0]
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    dtstart, dtend = event.decoded("dtstart"), event.decoded("dtend")
    assert dtstart.astimezone(UTC).strftime("%H:%M") == utc_start
    assert dtstart.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M") == f"{day} {start}"
    assert dtend.astimezone(STOCKHOLM).strftime("%H:%M") == shown_end
    assert dtend - dtstart == timedelta(minutes=minutes)


# --- The waitlist: the visit must fit, with the practitioner asked for ----------------


def waiting(package, email, *, practitioner=None, address="192.0.2.10"):
    """A patient joins the package's waitlist in Stockholm and confirms from the e-mail; staff
    set the practitioner they asked for, if any (the admin's "fotspecialist")."""
    patient = Client(REMOTE_ADDR=address)
    today = timezone.localdate()
    response = patient.post(
        f"/boka/stockholm/{package.slug}/vantelista/",
        {
            "earliest_date": str(today),
            "latest_date": str(today + timedelta(days=30)),
            "time_of_day": "any",
            "name": "Väntande Patient",
            "email": email,
            "phone": "0701234567",
            "personnummer": "19850709-9805",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = WaitlistEntry.objects.get(email=email)
    assert patient.post(f"/boka/vantelista/bekrafta/{entry.token}/").status_code == 302
    if practitioner:
        WaitlistEntry.objects.filter(pk=entry.pk).update(practitioner=practitioner)
    return entry


def cancel(client, booking):
    response = client.post(f"/boka/hantera/{booking.token}/avboka/")
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def open_offer(entry):
    return WaitlistOffer.objects.filter(entry=entry, status=WaitlistOffer.Status.OPEN).first()


def test_a_freed_time_is_offered_to_the_first_patient_whose_visit_fits_in_it(client, stockholm):
    day, practitioner = in_days(), specialist(stockholm)
    grid = make_starts(practitioner, stockholm, day, "09:00", "11:45", works_until="12:00")
    aterbesok = TreatmentPackage.objects.get(slug="aterbesok")  # 45 minutes
    nybesok = TreatmentPackage.objects.get(slug="nybesok")  # 60 minutes
    long_visit = package_of(90)
    short = book(grid["09:00"], aterbesok, email="kort@example.com")  # 09:00-09:45
    book(grid["09:45"], nybesok, email="nasta@example.com")  # 09:45-10:45
    wants_90 = waiting(long_visit, "nittio@example.com", address="192.0.2.11")
    wants_60 = waiting(nybesok, "sextio@example.com", address="192.0.2.12")
    wants_45 = waiting(aterbesok, "fyrtiofem@example.com", address="192.0.2.13")
    mail.outbox.clear()

    cancel(client, short)  # frees 09:00-09:45: only a 45-minute visit fits there

    assert open_offer(wants_90) is None and open_offer(wants_60) is None
    offer = open_offer(wants_45)
    assert offer.slot == grid["09:00"]
    held = Reservation.objects.get(hold__holder=offer.holder)
    assert held.end - held.start == timedelta(minutes=45)
    assert [m.to for m in mail.outbox if m.subject.startswith("Ledig tid för dig")] == [
        ["fyrtiofem@example.com"]
    ]
    assert overlaps_among_live_reservations() == []

    booking = client.post(f"/boka/vantelista/erbjudande/{offer.token}/")
    assert booking.status_code == 302
    visit = Booking.objects.get(email="fyrtiofem@example.com")
    assert (visit.package, visit.end - visit.start) == (aterbesok, timedelta(minutes=45))


def test_a_freed_time_is_offered_only_to_patients_who_did_not_ask_for_someone_else(
    client, stockholm
):
    day = in_days()
    first, second = specialist(stockholm), colleague(stockholm, "Karin Lind")
    nybesok = TreatmentPackage.objects.get(slug="nybesok")
    at_first = make_starts(first, stockholm, day, "10:00", "10:00", works_until="11:00")["10:00"]
    at_second = make_starts(second, stockholm, day, "10:00", "10:00", works_until="11:00")["10:00"]
    booked_first = book(at_first, nybesok, email="ett@example.com")
    booked_second = book(at_second, nybesok, email="tva@example.com")
    wants_karin = waiting(nybesok, "karin@example.com", practitioner=second, address="192.0.2.21")
    anyone = waiting(nybesok, "vem-som-helst@example.com", address="192.0.2.22")

    cancel(client, booked_first)
    assert open_offer(wants_karin) is None  # first in line, but asked for Karin
    assert open_offer(anyone).slot == at_first

    cancel(client, booked_second)
    assert open_offer(wants_karin).slot == at_second
    assert overlaps_among_live_reservations() == []


# --- Moves, buffers and who performs what ----------------------------------------------


def test_a_visit_moves_a_quarter_later_onto_time_it_already_takes(client, stockholm):
    day, practitioner = in_days(), specialist(stockholm)
    grid = make_starts(practitioner, stockholm, day, "09:00", "11:00", works_until="12:00")
    nybesok = TreatmentPackage.objects.get(slug="nybesok")
    booking = book(grid["10:00"], nybesok)

    page = client.get(f"/boka/hantera/{booking.token}/flytta/?vecka={week_of(day)}")
    assert shown(grid["10:15"], page.content.decode())  # its own time does not hide it
    response = client.post(f"/boka/hantera/{booking.token}/flytta/", {"slot": grid["10:15"].pk})

    assert response.status_code == 302, response.content.decode()[:2000]
    booking.refresh_from_db()
    assert booking.slot == grid["10:15"]
    assert (booking.start, booking.end) == (at(day, "10:15"), at(day, "11:15"))
    assert Reservation.objects.live().count() == 1  # the same reservation, moved
    html = week_page(client, grid["10:00"], TreatmentPackage.objects.get(slug="aterbesok"))
    assert shown(grid["09:30"], html) and not shown(grid["09:45"], html)  # 09:30-10:15 fits


def test_a_package_buffer_keeps_the_next_visit_from_starting_right_after(client, stockholm):
    day, practitioner = in_days(), specialist(stockholm)
    grid = make_starts(practitioner, stockholm, day, "08:00", "12:00", works_until="13:00")
    with_buffer = package_of(60, buffer=15)
    book(grid["10:00"], with_buffer)  # takes 10:00-11:15

    html = week_page(client, grid["10:00"], with_buffer)
    assert not shown(grid["11:00"], html) and shown(grid["11:15"], html)
    assert not shown(grid["09:00"], html) and shown(grid["08:45"], html)  # 08:45-10:00 + 15
    no_buffer = TreatmentPackage.objects.get(slug="nybesok")
    html = week_page(client, grid["10:00"], no_buffer)
    assert not shown(grid["11:00"], html)  # the earlier visit's buffer still runs then
    assert shown(grid["09:00"], html)  # 09:00-10:00, no buffer of its own

    response = client.post(
        f"/boka/stockholm/{with_buffer.slug}/uppgifter/",
        patient_data(grid["11:00"], email="tatt@example.com", request_token="back-to-back"),
    )
    assert response.status_code == 200 and TAKEN in response.content.decode()
    assert 'value="Åsa Öberg-Ängström"' in response.content.decode()  # the form keeps it
    assert book(grid["11:15"], with_buffer, email="sen@example.com").end == at(day, "12:15")


def test_a_practitioner_who_does_not_perform_a_package_is_never_offered_for_it(client, stockholm):
    day = in_days()
    first, second = specialist(stockholm), colleague(stockholm, "Karin Lind")
    aterbesok = TreatmentPackage.objects.get(slug="aterbesok")
    nybesok = TreatmentPackage.objects.get(slug="nybesok")
    second.excluded_packages.add(aterbesok)
    mine = make_starts(first, stockholm, day, "09:00", "09:00", works_until="10:00")["09:00"]
    hers = make_starts(second, stockholm, day, "11:00", "11:00", works_until="12:00")["11:00"]

    html = week_page(client, mine, aterbesok)
    assert shown(mine, html) and not shown(hers, html)
    assert "Karin Lind" not in html  # no choice of practitioner: only one performs it
    asked_for_her = week_page(client, mine, aterbesok, fotspecialist=second.slug)
    assert not shown(hers, asked_for_her)
    html = week_page(client, mine, nybesok)
    assert shown(mine, html) and shown(hers, html) and "Karin Lind" in html

    response = choose(client, hers, aterbesok, fotspecialist=second.slug)
    assert response.status_code == 302 and "/uppgifter/" not in response["Location"]
    assert not SlotHold.objects.exists()
    message = client.get(response["Location"]).content.decode()
    assert "Fotspecialisten utför inte den behandlingen." in message


def test_the_booking_rules_are_asked_of_todays_data_not_of_the_first_bookings(client, stockholm):
    """The booking's locked read is written once per package (booking/prepared.py): what it
    asks must still be the data of each booking."""
    day = in_days()
    first, second = specialist(stockholm), colleague(stockholm, "Karin Lind")
    nybesok = TreatmentPackage.objects.get(slug="nybesok")
    mine = make_starts(first, stockholm, day, "09:00", "09:00", works_until="10:00")["09:00"]
    hers = make_starts(second, stockholm, day, "11:00", "11:00", works_until="12:00")["11:00"]
    details = f"/boka/stockholm/{nybesok.slug}/uppgifter/"
    assert client.post(details, patient_data(mine)).status_code == 302

    second.excluded_packages.add(nybesok)
    response = client.post(details, patient_data(hers, email="karins@example.com"))
    assert "Fotspecialisten utför inte den behandlingen." in response.content.decode()
    second.excluded_packages.remove(nybesok)
    assert client.post(details, patient_data(hers, email="karins@example.com")).status_code == 302
    assert Booking.objects.filter(status="booked").count() == 2


def test_first_free_gives_the_time_to_the_practitioner_with_the_fewest_visits_that_day(
    stockholm,
):
    day = in_days()
    busy, idle, some = (
        specialist(stockholm),
        colleague(stockholm, "Karin Lind"),
        colleague(stockholm, "Maja Berg"),
    )
    nybesok = TreatmentPackage.objects.get(slug="nybesok")
    grids = {
        p: make_starts(p, stockholm, day, "08:00", "10:00", works_until="11:00")
        for p in (busy, idle, some)
    }
    book(grids[busy]["08:00"], nybesok, email="a1@example.com")
    book(grids[busy]["09:00"], nybesok, email="a2@example.com")
    book(grids[some]["08:00"], nybesok, email="c1@example.com")
    cancelled = book(grids[idle]["08:00"], nybesok, email="b1@example.com")
    cancel(Client(), cancelled)  # a cancelled visit is no visit
    # The patient sees one button at 10:00 (the first practitioner's) and presses it.
    html = week_page(Client(), grids[busy]["10:00"], nybesok)
    assert html.count(f"{timezone.localtime(at(day, '10:00')):%H:%M}</button>") == 1

    taken_by = []
    for n in range(3):
        patient = Client(REMOTE_ADDR=f"192.0.2.{30 + n}")
        response = choose(patient, grids[busy]["10:00"], nybesok)
        hold = SlotHold.objects.get(holder=patient.session["booking_holder"])
        assert response["Location"] == f"/boka/stockholm/nybesok/uppgifter/?tid={hold.slot.pk}"
        taken_by.append(hold.slot)
    assert [slot.practitioner for slot in taken_by] == [idle, some, busy]
    fourth = choose(Client(REMOTE_ADDR="192.0.2.40"), grids[busy]["10:00"], nybesok)
    assert "/uppgifter/" not in fourth["Location"]
