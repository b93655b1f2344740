"""Reception's booking admin: phone bookings, the list, "Kom"/"Uteblev" and the time field."""

import csv
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format

from booking import services
from booking.errors import SlotTaken
from booking.models import Booking, Slot
from tests.booking.conftest import specialist

from .conftest import make_slot

# Not marked `calendar`: every test here runs at the fixed clock below, whatever the session's.
pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
ADD = "/admin/booking/booking/add/"
LIST = "/admin/booking/booking/"


@pytest.fixture(autouse=True)
def wednesday_morning():
    """A Wednesday 10:00 in Stockholm; the tests derive every date from it."""
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=STOCKHOLM), tick=True):
        yield


def phone_booking(slot, package, **overrides):
    data = {
        "slot": slot.pk,
        "package": package.pk,
        "name": "Bo Ek",
        "email": "",
        "phone": "070-123 45 67",
        "personnummer": "",
        "date_of_birth": "1985-07-09",
        "message": "",
    }
    data.update(overrides)
    return data


def form_errors(response):
    return response.context["adminform"].form.errors


def test_phone_booking_with_a_birth_date_and_no_email_is_made_and_mails_nothing(
    client, receptionist, stockholm, nybesok
):
    client.force_login(receptionist)
    response = client.post(ADD, phone_booking(make_slot(stockholm), nybesok), follow=True)
    booking = Booking.objects.get()
    assert (booking.email, str(booking.date_of_birth)) == ("", "1985-07-09")
    assert booking.booked_by_staff and booking.phone == "+46701234567"
    assert mail.outbox == []
    shown = [str(m) for m in response.context["messages"]]
    assert "Patienten har ingen e-post: ingen bekräftelse skickades." in shown


def test_phone_booking_without_personnummer_or_birth_date_names_the_field_and_keeps_the_input(
    client, receptionist, stockholm, nybesok
):
    client.force_login(receptionist)
    response = client.post(
        ADD, phone_booking(make_slot(stockholm), nybesok, date_of_birth="", name="Åsa Ö")
    )
    assert response.status_code == 200
    assert form_errors(response)["personnummer"] == [
        "Fyll i personnummer, eller födelsedatum om du saknar personnummer."
    ]
    html = response.content.decode()
    assert "hann tyvärr bokas" not in html
    assert 'value="Åsa Ö"' in html and 'value="070-123 45 67"' in html
    assert Booking.objects.count() == 0


def test_phone_booking_with_a_wrong_personnummer_errs_on_that_field(
    client, receptionist, stockholm, nybesok
):
    client.force_login(receptionist)
    response = client.post(
        ADD, phone_booking(make_slot(stockholm), nybesok, personnummer="19850709-9806")
    )
    assert list(form_errors(response)) == ["personnummer"]
    assert 'value="19850709-9806"' in response.content.decode()


def test_a_time_taken_meanwhile_says_so_on_the_time_field_and_keeps_the_input(
    client, receptionist, stockholm, nybesok, monkeypatch
):
    def taken(**kwargs):
        raise SlotTaken

    slot = make_slot(stockholm)
    client.force_login(receptionist)
    monkeypatch.setattr(services, "book_slot", taken)  # lost the race after validation
    response = client.post(ADD, phone_booking(slot, nybesok, name="Åsa Ö"))
    assert response.status_code == 200
    assert "Tiden hann tyvärr bokas av någon annan" in str(form_errors(response)["slot"])
    assert 'value="Åsa Ö"' in response.content.decode()


def book(slot, package, *, name="Bo Ek", phone="+46701234567", personnummer="198507099805"):
    return services.book_slot(
        slot=slot,
        package=package,
        patient=services.Patient(name=name, email="", phone=phone, personnummer=personnummer),
        by_staff=True,
    )


def listed_names(response):
    return [booking.name for booking in response.context["cl"].result_list]


@pytest.mark.parametrize(
    "term", ["070-123 45 67", "0701234567", "+46 70 123 45 67", "+46701234567"]
)
def test_booking_list_finds_a_phone_however_it_is_typed(
    client, receptionist, stockholm, nybesok, term
):
    book(make_slot(stockholm, hour=9), nybesok, name="Bo Ek")
    book(make_slot(stockholm, hour=11), nybesok, name="Ann Al", phone="+46731112233")
    client.force_login(receptionist)
    assert listed_names(client.get(LIST, {"q": term})) == ["Bo Ek"]


@pytest.mark.parametrize("term", ["19850709-9805", "198507099805", "850709-9805", "8507099805"])
def test_booking_list_finds_a_personnummer_however_it_is_typed_but_never_a_part_of_it(
    client, receptionist, stockholm, nybesok, term
):
    book(make_slot(stockholm, hour=9), nybesok, name="Bo Ek")
    book(make_slot(stockholm, hour=11), nybesok, name="Ann Al", personnummer="199001012380")
    client.force_login(receptionist)
    assert listed_names(client.get(LIST, {"q": term})) == ["Bo Ek"]
    assert listed_names(client.get(LIST, {"q": "19850709"})) == []


def test_booking_list_shows_upcoming_visits_first_and_hides_cancelled_unless_asked(
    client, receptionist, stockholm, nybesok
):
    later = book(make_slot(stockholm, days=5), nybesok, name="Senare")
    book(make_slot(stockholm, days=2), nybesok, name="Snart")
    cancelled = book(make_slot(stockholm, days=1), nybesok, name="Avbokad")
    services.cancel_booking(booking=cancelled, by_staff=True)
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        past = book(make_slot(stockholm, days=1), nybesok, name="Förra veckan")
    assert past.slot.start < timezone.now() < later.slot.start
    client.force_login(receptionist)
    assert listed_names(client.get(LIST)) == ["Snart", "Senare", "Förra veckan"]
    everyone = listed_names(client.get(LIST, {"status": "alla"}))
    assert everyone == ["Avbokad", "Snart", "Senare", "Förra veckan"]
    assert listed_names(client.get(LIST, {"status": "cancelled"})) == ["Avbokad"]


def test_booking_list_filters_today_tomorrow_and_this_week_by_stockholm_dates(
    client, receptionist, stockholm, nybesok
):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    names = {}
    for name, day, hour in [
        ("I dag sent", today, 23),
        ("I morgon tidigt", today + timedelta(days=1), 0),
        ("Söndag", sunday, 12),
        ("Nästa måndag", sunday + timedelta(days=1), 0),
    ]:
        start = timezone.make_aware(datetime.combine(day, time(hour, 30)))
        slot = Slot.objects.create(
            location=stockholm,
            practitioner=specialist(stockholm),
            start=start,
            end=start + timedelta(hours=1),
        )
        names[name] = book(slot, nybesok, name=name) if start > timezone.now() else None
    client.force_login(receptionist)
    booked = {name for name, booking in names.items() if booking}
    expected = {
        "i-dag": {"I dag sent"},
        "i-morgon": {"I morgon tidigt"},
        "denna-vecka": {"I dag sent", "I morgon tidigt", "Söndag"},
    }
    for value, wanted in expected.items():
        assert set(listed_names(client.get(LIST, {"dag": value}))) == wanted & booked, value


def act(client, action, *bookings, url=LIST):
    response = client.post(
        url, {"action": action, "_selected_action": [b.pk for b in bookings]}, follow=True
    )
    return [str(m) for m in response.context["messages"]]


def booked_now_plus(stockholm, nybesok, *, hours, name):
    """A visit `hours` from now (negative: already started), booked while it was bookable."""
    start = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    slot = Slot.objects.create(
        location=stockholm,
        practitioner=specialist(stockholm),
        start=start,
        end=start + timedelta(hours=1),
    )
    with time_machine.travel(start - timedelta(days=2)):
        return book(slot, nybesok, name=name)


def test_kom_marks_a_started_visit_and_skips_a_future_one_by_name(
    client, receptionist, stockholm, nybesok
):
    started = booked_now_plus(stockholm, nybesok, hours=-0.5, name="Bo Ek")
    future = booked_now_plus(stockholm, nybesok, hours=3, name="Ann Al")
    client.force_login(receptionist)
    shown = act(client, "mark_attended", started, future)
    started.refresh_from_db(), future.refresh_from_db()
    assert (started.status, future.status) == ("attended", "booked")
    assert "1 besök markerade som genomförda (Kom)." in shown
    assert any(m.startswith("Inte ändrade: Ann Al") and "har inte börjat" in m for m in shown)


def test_uteblev_is_undone_the_same_day_but_not_the_next(client, receptionist, stockholm, nybesok):
    visit = booked_now_plus(stockholm, nybesok, hours=-1, name="Bo Ek")
    client.force_login(receptionist)
    act(client, "mark_no_show", visit)
    visit.refresh_from_db()
    assert visit.status == "no_show"
    act(client, "mark_booked", visit)
    visit.refresh_from_db()
    assert visit.status == "booked"
    act(client, "mark_no_show", visit)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        shown = act(client, "mark_booked", visit)
    visit.refresh_from_db()
    assert visit.status == "no_show"
    assert any("kan bara ångras samma dag som besöket" in m for m in shown)


def test_a_cancelled_visit_is_neither_kom_nor_uteblev(client, receptionist, stockholm, nybesok):
    visit = booked_now_plus(stockholm, nybesok, hours=-1, name="Bo Ek")
    services.cancel_booking(booking=visit, by_staff=True)
    client.force_login(receptionist)
    shown = act(client, "mark_attended", visit, url=f"{LIST}?status=alla")
    visit.refresh_from_db()
    assert visit.status == "cancelled"
    assert any("från ”Avbokad” till ”Genomförd”" in m for m in shown)


def test_new_booking_offers_only_the_chosen_locations_free_times_grouped_by_day(
    client, receptionist, stockholm, goteborg, nybesok, slots
):
    taken = Slot.objects.at(stockholm).upcoming().order_by("start").first()
    book(taken, nybesok)
    client.force_login(receptionist)
    field = client.get(ADD, {"mottagning": "stockholm"}).context["adminform"].form["slot"].field
    groups = [(label, options) for label, options in field.choices if label]
    offered = {int(str(value)) for _, options in groups for value, _ in options}
    free = Slot.objects.at(stockholm).upcoming().free()
    assert offered == set(free.values_list("pk", flat=True)) and taken.pk not in offered
    days = {timezone.localdate(slot.start) for slot in free}
    assert len(groups) == len(days) and all(label.startswith("Stockholm, ") for label, _ in groups)
    first_day = min(days)
    assert groups[0][0] == f"Stockholm, {date_format(first_day, 'l j F Y')}"
    assert not Slot.objects.at(goteborg).filter(pk__in=offered).exists()


def test_new_booking_without_a_chosen_location_links_to_each_locations_times(
    client, receptionist, stockholm, goteborg, slots
):
    client.force_login(receptionist)
    response = client.get(ADD)
    html = response.content.decode()
    assert f'href="{ADD}?mottagning=goteborg"' in html
    labels = [label for label, _ in response.context["adminform"].form["slot"].field.choices]
    assert any(label.startswith("Göteborg, ") for label in labels)
    assert any(label.startswith("Stockholm, ") for label in labels)


def test_a_booking_made_from_the_chosen_locations_form_is_booked(
    client, receptionist, stockholm, nybesok, slots
):
    slot = Slot.objects.at(stockholm).upcoming().free().order_by("start").first()
    client.force_login(receptionist)
    url = f"{ADD}?mottagning=stockholm"
    response = client.post(url, phone_booking(slot, nybesok, email="bo@example.com"))
    assert response.status_code == 302
    assert Booking.objects.get().slot == slot
    assert mail.outbox[-1].to == ["bo@example.com"]


def test_a_patient_without_email_gets_no_reminder_or_cancellation_mail(
    client, receptionist, stockholm, nybesok
):
    visit = booked_now_plus(stockholm, nybesok, hours=20, name="Bo Ek")
    call_command("send_booking_reminders")
    client.force_login(receptionist)
    act(client, "cancel", visit)
    visit.refresh_from_db()
    assert visit.status == "cancelled" and visit.reminder_sent_at is None
    assert mail.outbox == []


def test_a_move_refused_by_the_service_keeps_the_form_with_the_reason_on_the_time(
    client, receptionist, stockholm, nybesok, admin_form, monkeypatch
):
    first = make_slot(stockholm, hour=9)
    visit = book(first, nybesok)
    other = make_slot(stockholm, hour=14)

    def taken(**kwargs):
        raise SlotTaken

    client.force_login(receptionist)
    url = f"{LIST}{visit.pk}/change/"
    data = admin_form(client.get(url))
    data.update(slot=str(other.pk), name="Bo Ekström")
    monkeypatch.setattr(services, "move_booking", taken)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Tiden hann tyvärr bokas av någon annan" in str(form_errors(response)["slot"])
    assert 'value="Bo Ekström"' in response.content.decode()
    visit.refresh_from_db()
    assert (visit.slot_id, visit.name) == (first.pk, "Bo Ek")


def test_the_booking_list_exports_the_selected_visits_as_csv(
    client, receptionist, stockholm, nybesok
):
    first = book(make_slot(stockholm, days=2, hour=10), nybesok, name="Åsa Öberg")
    second = book(make_slot(stockholm, days=3, hour=10), nybesok, name="=HYPERLINK(1)")
    client.force_login(receptionist)
    response = client.post(
        "/admin/booking/booking/",
        {"action": "export_csv", "_selected_action": [second.pk, first.pk]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bokningar.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Datum", "Start", "Slut", "Mottagning"]
    assert [row[7] for row in rows[1:]] == ["Åsa Öberg", "'=HYPERLINK(1)"]  # soonest first
    start = timezone.localtime(first.start)
    assert rows[1][:7] == [
        f"{start:%Y-%m-%d}",
        f"{start:%H:%M}",
        f"{start + timedelta(hours=1):%H:%M}",
        "Stockholm",
        "Fotspecialist",
        "Nybesök",
        "Bokad",
    ]
    assert rows[1][10] == "19850709-9805"  # reception may see the whole personnummer
