"""Reception works with bookings in the admin and in the day view."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.utils import timezone

from booking import waitlist_signup
from booking.models import Booking, Slot, WaitlistEntry, WaitlistOffer, WeeklySchedule
from tests.booking.conftest import specialist

from .conftest import make_slot, patient_data

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

DETAILS = "/boka/stockholm/nybesok/uppgifter/"


def test_reception_books_on_a_patients_behalf(client, receptionist, stockholm, nybesok):
    slot = make_slot(stockholm)
    client.force_login(receptionist)
    response = client.post(
        "/admin/booking/booking/add/",
        {
            "slot": slot.pk,
            "package": nybesok.pk,
            "name": "Bo Ek",
            "email": "bo@example.com",
            "phone": "0701234567",
            "personnummer": "850709-9805",
            "date_of_birth": "",
            "message": "",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.booked_by_staff and booking.personnummer == "198507099805"
    assert mail.outbox[-1].to == ["bo@example.com"]

    again = client.post(
        "/admin/booking/booking/add/",
        {
            "slot": slot.pk,
            "package": nybesok.pk,
            "name": "Ann",
            "email": "a@example.com",
            "phone": "0701234567",
            "personnummer": "850709-9805",
        },
    )
    assert again.status_code == 200
    assert Booking.objects.count() == 1


def test_reception_types_the_personnummer_and_phone_as_patients_write_them(
    client, receptionist, stockholm, nybesok
):
    # Found by tests/hardening: "19850709-9805" (13 characters) failed the stored column's
    # 12-character limit before it was normalised.
    client.force_login(receptionist)
    response = client.post(
        "/admin/booking/booking/add/",
        {
            "slot": make_slot(stockholm).pk,
            "package": nybesok.pk,
            "name": "Bo Ek",
            "email": "bo@example.com",
            "phone": "+46 (0)70 - 123 45 67",
            "personnummer": "19850709-9805",
        },
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.personnummer, booking.phone) == ("198507099805", "+46701234567")


def test_reception_cancels_from_the_list_and_the_slot_is_free_again(
    client, receptionist, stockholm, nybesok
):
    slot = make_slot(stockholm)
    client.post(DETAILS, patient_data(slot))
    booking = Booking.objects.get()
    client.force_login(receptionist)
    client.post(
        "/admin/booking/booking/",
        {"action": "cancel", "_selected_action": [booking.pk]},
    )
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert "Mottagningen har avbokat din tid" in mail.outbox[-1].subject
    client.logout()
    response = client.post(DETAILS, patient_data(slot, request_token="new"))
    assert response.status_code == 302


def test_reception_moves_a_booking_in_the_admin(client, receptionist, stockholm, admin_form):
    first, second = make_slot(stockholm, hour=9), make_slot(stockholm, hour=14)
    client.post(DETAILS, patient_data(first))
    booking = Booking.objects.get()
    client.force_login(receptionist)
    url = f"/admin/booking/booking/{booking.pk}/change/"
    data = admin_form(client.get(url))
    data["slot"] = str(second.pk)
    assert client.post(url, data).status_code == 302
    booking.refresh_from_db()
    assert booking.slot == second
    assert "Mottagningen har flyttat din tid" in mail.outbox[-1].subject


def test_booking_list_masks_the_personnummer_and_filters_and_searches(
    client, receptionist, stockholm
):
    client.post(DETAILS, patient_data(make_slot(stockholm)))
    client.force_login(receptionist)
    listing = client.get("/admin/booking/booking/", {"q": "Öberg"}).content.decode()
    assert "19850709-****" in listing
    assert "198507099805" not in listing and "9805" not in listing
    assert "Åsa Öberg-Ängström" in listing
    for query in [{"status__exact": "booked"}, {"slot__location__id__exact": stockholm.pk}]:
        assert client.get("/admin/booking/booking/", query).status_code == 200


def test_full_personnummer_only_on_the_bookings_page_for_permitted_staff(
    client, receptionist, editor, stockholm
):
    client.post(DETAILS, patient_data(make_slot(stockholm)))
    booking = Booking.objects.get()
    client.force_login(receptionist)
    page = client.get(f"/admin/booking/booking/{booking.pk}/change/").content.decode()
    assert "19850709-9805" in page

    receptionist.groups.clear()
    receptionist.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_booking", "change_booking"])
    )
    receptionist = User.objects.get(pk=receptionist.pk)
    client.force_login(receptionist)
    page = client.get(f"/admin/booking/booking/{booking.pk}/change/").content.decode()
    assert "19850709-9805" not in page and "19850709-****" in page

    client.force_login(editor)
    assert client.get(f"/admin/booking/booking/{booking.pk}/change/").status_code == 403


def test_reception_cannot_delete_bookings(client, receptionist, stockholm):
    client.post(DETAILS, patient_data(make_slot(stockholm)))
    booking = Booking.objects.get()
    client.force_login(receptionist)
    assert client.get(f"/admin/booking/booking/{booking.pk}/delete/").status_code == 403


def test_day_view_lists_the_days_visits_in_time_order(client, receptionist, stockholm, goteborg):
    late, early = make_slot(stockholm, hour=15), make_slot(stockholm, hour=8)
    other = make_slot(goteborg, hour=10)
    client.post(DETAILS, patient_data(late, request_token="1", name="Sen Patient"))
    client.post(DETAILS, patient_data(early, request_token="2", name="Tidig Patient"))
    client.post(
        "/boka/goteborg/nybesok/uppgifter/",
        patient_data(other, request_token="3", name="Göteborgs Patient"),
    )
    day = timezone.localtime(late.start).date()
    url = f"/boka/personal/dag/stockholm/?datum={day:%Y-%m-%d}"

    assert client.get(url).status_code == 302  # anonymous: to the admin login
    client.force_login(receptionist)
    html = client.get(url).content.decode()
    assert html.index("Tidig Patient") < html.index("Sen Patient")
    assert "Göteborgs Patient" not in html
    assert "+46701234567" in html and "Nybesök" in html
    assert "19850709-****" in html
    assert client.get("/boka/personal/dag/stockholm/?datum=nonsense").status_code == 200


def test_reception_generates_times_from_the_schedule_with_the_admin_action(
    client, receptionist, stockholm
):
    client.force_login(receptionist)
    schedules = WeeklySchedule.objects.filter(location=stockholm)
    response = client.post(
        "/admin/booking/weeklyschedule/",
        {"action": "generate", "_selected_action": [s.pk for s in schedules]},
    )
    assert response.status_code == 302
    created = Slot.objects.filter(location=stockholm).count()
    assert created > 0
    assert not Slot.objects.exclude(location=stockholm).exists()
    client.post(
        "/admin/booking/weeklyschedule/",
        {"action": "generate", "_selected_action": [s.pk for s in schedules]},
    )
    assert Slot.objects.count() == created


def test_a_time_added_by_hand_is_offered_to_the_waitlist(client, receptionist, stockholm):
    today = timezone.localdate()
    entry = WaitlistEntry.objects.create(
        location=stockholm,
        package=stockholm.packages.get(slug="nybesok"),
        earliest_date=today,
        latest_date=today + timedelta(days=30),
        name="Väntande",
        email="v@example.com",
        phone="+46701234567",
        personnummer="198507099805",
    )
    waitlist_signup.confirm(entry=entry)
    client.force_login(receptionist)
    day = today + timedelta(days=4)
    response = client.post(
        "/admin/booking/slot/add/",
        {
            "location": stockholm.pk,
            "practitioner": specialist(stockholm).pk,
            "start_0": f"{day:%Y-%m-%d}",
            "start_1": "10:00:00",
            "end_0": f"{day:%Y-%m-%d}",
            "end_1": "11:00:00",
        },
    )
    assert response.status_code == 302
    offer = WaitlistOffer.objects.get()
    assert offer.entry == entry and timezone.localtime(offer.slot.start).hour == 10
    assert mail.outbox[-1].to == ["v@example.com"]
