"""The waitlist offers freed times by itself, first come first served."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from booking import waitlist, waitlist_signup
from booking.errors import CannotOffer
from booking.models import Booking, Reservation, Slot, SlotHold, WaitlistEntry, WaitlistOffer
from booking.weeks import week_param
from tests.booking.conftest import specialist

from .conftest import make_slot, patient_data

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

DETAILS = "/boka/stockholm/nybesok/uppgifter/"
JOIN = "/boka/stockholm/nybesok/vantelista/"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def join_data(**overrides):
    today = timezone.localdate()
    data = {
        "earliest_date": str(today),
        "latest_date": str(today + timedelta(days=30)),
        "time_of_day": "any",
        "name": "Väntande Patient",
        "email": "vantar@example.com",
        "phone": "0701234567",
        "personnummer": "19850709-9805",
        "consent": "on",
    }
    data.update(overrides)
    return data


def link_in(message, path):
    return re.search(r"http://testserver(" + path + r"[\w-]+/)", message.body).group(1)


def waiting(email, **wishes):
    """A confirmed waitlist entry for Nybesök in Stockholm, joined now."""
    client = Client()
    client.post(JOIN, join_data(email=email, **wishes))
    entry = WaitlistEntry.objects.get(email=email)
    waitlist_signup.confirm(entry=entry)
    return entry


def book_and_cancel(client, slot):
    """Another patient books the slot and cancels it, freeing it."""
    client.post(DETAILS, patient_data(slot, request_token=f"c{slot.pk}", email="x@example.com"))
    booking = Booking.objects.get(slot=slot, email="x@example.com")
    client.post(f"/boka/hantera/{booking.token}/avboka/")
    return booking


def test_joining_sends_a_confirmation_link_and_only_confirmed_entries_wait(client, stockholm):
    page = client.get(JOIN)
    assert page.status_code == 200 and "När kan du komma?" in page.content.decode()
    assert client.post(JOIN, join_data())["Location"] == "/boka/vantelista/anmald/"
    entry = WaitlistEntry.objects.get()
    assert entry.confirmed_at is None
    assert list(WaitlistEntry.objects.waiting()) == []
    message = mail.outbox[-1]
    assert "Bekräfta din plats på väntelistan" in message.subject
    confirm = link_in(message, "/boka/vantelista/bekrafta/")
    assert "/boka/vantelista/lamna/" in message.body

    opened = client.get(confirm).content.decode()  # as a mail scanner would, too
    assert "Bekräfta din plats på väntelistan" in opened and "Bekräfta min plats" in opened
    assert list(WaitlistEntry.objects.waiting()) == [], "opening the link changes nothing"

    assert client.post(confirm)["Location"] == confirm
    assert "Tack, du står på väntelistan" in client.get(confirm).content.decode()
    assert list(WaitlistEntry.objects.waiting()) == [entry]


def test_joining_with_bad_wishes_gets_messages_and_stores_nothing(client, stockholm):
    today = timezone.localdate()
    response = client.post(
        JOIN,
        join_data(
            earliest_date=str(today + timedelta(days=10)),
            latest_date=str(today + timedelta(days=2)),
            phone="nej",
        ),
    )
    html = response.content.decode()
    assert "Det senaste datumet måste vara efter det tidigaste" in html
    assert "Telefonnumret stämmer inte" in html
    assert 'value="vantar@example.com"' in html
    assert not WaitlistEntry.objects.exists()


def test_a_cancellation_offers_the_time_to_the_first_matching_confirmed_patient(client, stockholm):
    slot = make_slot(stockholm, days=5, hour=9)
    Client().post(JOIN, join_data(email="unconfirmed@example.com"))
    afternoon = waiting("afternoon@example.com", time_of_day="afternoon")
    first = waiting("first@example.com", time_of_day="morning")
    second = waiting("second@example.com")
    mail.outbox.clear()

    book_and_cancel(client, slot)

    offer = WaitlistOffer.objects.get()
    assert (offer.entry, offer.slot, offer.status) == (first, slot, "open")
    offer_mail = next(m for m in mail.outbox if m.to == ["first@example.com"])
    assert "Ledig tid för dig" in offer_mail.subject
    assert "Hälsingegatan 2" in offer_mail.body and "880\u00a0kr" in offer_mail.body
    assert f"/boka/vantelista/erbjudande/{offer.token}/" in offer_mail.body
    assert not any(m.to == [afternoon.email] or m.to == [second.email] for m in mail.outbox)

    # The offered time is not public: not listed, not choosable, not bookable by others.
    other = Client()
    assert f'value="{slot.pk}"' not in other.get("/boka/stockholm/nybesok/").content.decode()
    other.post(DETAILS, patient_data(slot, request_token="sneaky", email="s@example.com"))
    assert not Booking.objects.filter(slot=slot, status="booked").exists()


def test_accepting_the_offer_books_with_the_details_given_when_joining(client, stockholm):
    slot = make_slot(stockholm, days=5, hour=9)
    entry = waiting("first@example.com")
    book_and_cancel(client, slot)
    offer = WaitlistOffer.objects.get()

    page = client.get(f"/boka/vantelista/erbjudande/{offer.token}/").content.decode()
    assert "En tid har blivit ledig för dig" in page and "Boka tiden" in page
    response = client.post(f"/boka/vantelista/erbjudande/{offer.token}/")
    booking = Booking.objects.get(slot=slot, status="booked")
    assert response["Location"] == f"/boka/bekraftelse/{booking.token}/"
    assert (booking.name, booking.email, booking.personnummer) == (
        "Väntande Patient",
        "first@example.com",
        "198507099805",
    )
    offer.refresh_from_db()
    entry.refresh_from_db()
    assert (offer.status, offer.booking, entry.status) == ("accepted", booking, "booked")
    assert not SlotHold.objects.filter(slot=slot).exists()
    assert (
        "Tiden är bokad"
        in client.get(f"/boka/vantelista/erbjudande/{offer.token}/").content.decode()
    )


def test_decline_and_expiry_pass_the_time_on_in_order_then_back_to_the_public(
    client, stockholm, run_command
):
    slot = make_slot(stockholm, days=5, hour=9)
    first, second, third = (waiting(f"{n}@example.com") for n in ("one", "two", "three"))
    book_and_cancel(client, slot)
    assert WaitlistOffer.objects.get(status="open").entry == first

    client.post(f"/boka/vantelista/erbjudande/{WaitlistOffer.objects.get().token}/avboj/")
    assert WaitlistOffer.objects.get(status="open").entry == second

    WaitlistOffer.objects.filter(status="open").update(expires_at=timezone.now())
    Reservation.objects.filter(hold__isnull=False).update(expires_at=timezone.now())
    run_command("process_waitlist", verbosity=0)
    assert WaitlistOffer.objects.get(status="open").entry == third
    assert set(WaitlistOffer.objects.values_list("status", flat=True)) == {
        "declined",
        "expired",
        "open",
    }

    client.post(
        f"/boka/vantelista/erbjudande/{WaitlistOffer.objects.get(status='open').token}/avboj/"
    )
    assert not WaitlistOffer.objects.filter(status="open").exists()
    assert Slot.objects.free().filter(pk=slot.pk).exists()
    week = week_param(timezone.localdate(slot.start) - timedelta(days=slot.start.weekday()))
    public = Client().get("/boka/stockholm/nybesok/", {"vecka": week}).content.decode()
    assert f'value="{slot.pk}"' in public


def test_process_waitlist_run_twice_passes_an_expired_offer_on_once(client, stockholm, run_command):
    slot = make_slot(stockholm, days=5, hour=9)
    waiting("first@example.com")
    waiting("second@example.com")
    book_and_cancel(client, slot)
    WaitlistOffer.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    mail.outbox.clear()
    run_command("process_waitlist", verbosity=0)
    run_command("process_waitlist", verbosity=0)
    offer = WaitlistOffer.objects.get(slot=slot, status="open")
    assert offer.entry.email == "second@example.com"
    assert [m.to for m in mail.outbox] == [["second@example.com"]]


def test_an_offer_link_after_expiry_or_when_taken_gives_a_clear_page(client, stockholm):
    slot = make_slot(stockholm, days=5, hour=9)
    waiting("first@example.com")
    book_and_cancel(client, slot)
    offer = WaitlistOffer.objects.get()
    WaitlistOffer.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    page = client.get(f"/boka/vantelista/erbjudande/{offer.token}/")
    assert page.status_code == 200
    assert "Erbjudandet gäller inte längre" in page.content.decode()
    response = client.post(f"/boka/vantelista/erbjudande/{offer.token}/")
    assert response.status_code == 302
    assert "Erbjudandet gäller inte längre" in client.get(response["Location"]).content.decode()
    assert not Booking.objects.filter(slot=slot, status="booked").exists()
    assert client.get("/boka/vantelista/erbjudande/finns-inte-alls-nej/").status_code == 404


def test_booking_any_time_for_the_package_leaves_the_waitlist(client, stockholm):
    entry = waiting("asa@example.com")
    client.post(DETAILS, patient_data(make_slot(stockholm, days=6)))
    entry.refresh_from_db()
    assert entry.status == "booked"


def test_booking_leaves_the_waitlist_whatever_the_case_of_the_e_mail_and_only_that_e_mail(
    client, stockholm
):
    entry = waiting("Asa_Berg@Example.com")
    lookalike = waiting("asaxberg@example.com")  # "_" is no wildcard
    client.post(DETAILS, patient_data(make_slot(stockholm, days=6), email="asa_berg@example.COM"))
    entry.refresh_from_db(), lookalike.refresh_from_db()
    assert (entry.status, lookalike.status) == ("booked", "waiting")


def test_a_patient_and_a_slot_each_have_at_most_one_open_offer(client, stockholm):
    first_slot, second_slot = make_slot(stockholm, days=5, hour=9), make_slot(stockholm, hour=11)
    entry, other = waiting("first@example.com"), waiting("other@example.com")
    offer = waitlist.make_offer(entry=entry, slot=first_slot)
    with pytest.raises(CannotOffer):
        waitlist.make_offer(entry=entry, slot=second_slot)
    with pytest.raises(CannotOffer):
        waitlist.make_offer(entry=other, slot=first_slot)
    assert WaitlistOffer.objects.filter(status="open").count() == 1
    assert offer.slot == first_slot


@pytest.mark.parametrize(
    "local_time,wish,matches",
    [
        ("11:30", "morning", True),
        ("11:30", "afternoon", False),
        ("12:30", "morning", False),
        ("12:30", "afternoon", True),
    ],
)
@pytest.mark.parametrize("day", [date(2027, 3, 28), date(2027, 10, 31)])
def test_time_of_day_is_judged_in_stockholm_time_on_daylight_saving_days(
    stockholm, day, local_time, wish, matches
):
    hour, minute = map(int, local_time.split(":"))
    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)
    slot = Slot.objects.create(
        location=stockholm,
        practitioner=specialist(stockholm),
        start=start,
        end=start + timedelta(hours=1),
    )
    entry = WaitlistEntry(
        earliest_date=day - timedelta(days=1),
        latest_date=day + timedelta(days=1),
        time_of_day=wish,
        weekdays="6",
    )
    assert entry.matches(slot, today=day) is matches


def test_reception_sees_positions_offers_a_time_by_hand_and_removes_entries(
    client, receptionist, stockholm, admin_form
):
    first, second = waiting("first@example.com"), waiting("second@example.com")
    slot = make_slot(stockholm, days=5, hour=13)
    WaitlistOffer.objects.all().delete()
    SlotHold.objects.all().delete()
    client.force_login(receptionist)
    listing = client.get("/admin/booking/waitlistentry/", {"location__id__exact": stockholm.pk})
    rows = list(listing.context["cl"].result_list)
    assert [(row.email, listing.context["cl"].model_admin.position(row)) for row in rows] == [
        ("first@example.com", 1),
        ("second@example.com", 2),
    ]

    url = f"/admin/booking/waitlistentry/{second.pk}/change/"
    data = admin_form(client.get(url))
    data["offer_slot"] = str(slot.pk)
    assert client.post(url, data).status_code == 302
    offer = WaitlistOffer.objects.get(entry=second)
    assert offer.slot == slot and offer.made_by_staff

    client.post(
        "/admin/booking/waitlistentry/",
        {"action": "remove", "_selected_action": [first.pk]},
    )
    first.refresh_from_db()
    assert first.status == "left"


def test_retention_anonymises_old_waitlist_entries(stockholm, run_command):
    entry = waiting("old@example.com")
    WaitlistEntry.objects.update(earliest_date=date(2020, 1, 1), latest_date=date(2020, 2, 1))
    run_command("anonymise_old_records", "--days", "365", verbosity=0)
    entry.refresh_from_db()
    assert (entry.name, entry.email, entry.token) == ("", "", None)
