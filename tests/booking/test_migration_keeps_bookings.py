"""Existing bookings move onto the appointment book with their times, practitioner and price.

The database is taken back to the last migrations before practitioners' reservations (booking
0007, clinic 0005, shop 0005), filled as the clinic's was then (times without a practitioner,
a booking, a cancelled one, a hold, free times), and migrated forward again.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from booking.models import Booking, Reservation, Slot, SlotHold
from clinic.models import Practitioner

from .helpers import at

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.calendar]

BEFORE = [
    ("booking", "0007_booking_email_optional_for_staff"),
    ("clinic", "0005_contact_details_company_privacy_page"),
    ("shop", "0005_order_lapsed_status"),
]


@pytest.fixture
def old_schema():
    """The historical models at BEFORE; migrates forward to the latest at the end whatever
    happens. Yields a function that migrates forward now."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    state = executor.loader.project_state(BEFORE)
    done = []

    def migrate_forward():
        executor.loader.build_graph()
        executor.migrate(latest)
        done.append(True)

    yield state.apps, migrate_forward
    if not done:
        MigrationExecutor(connection).migrate(latest)


def old_clinic(apps):
    """A location with a treatment package, as the catalogue had them before."""
    Location = apps.get_model("clinic", "Location")
    Treatment = apps.get_model("shop", "Treatment")
    TreatmentPackage = apps.get_model("shop", "TreatmentPackage")
    stockholm = Location.objects.create(name="Stockholm", slug="stockholm", city="Stockholm")
    goteborg = Location.objects.create(name="Göteborg", slug="goteborg", city="Göteborg")
    treatment = Treatment.objects.create(name="Fotbehandling", slug="fotbehandling")
    package = TreatmentPackage.objects.create(
        treatment=treatment, name="Nybesök", slug="nybesok", price=880, duration_minutes=60
    )
    package.locations.add(stockholm, goteborg)
    return stockholm, goteborg, package


def old_booking(apps, slot, package, *, email, status="booked"):
    Booking = apps.get_model("booking", "Booking")
    cancelled = status == "cancelled"
    return Booking.objects.create(
        slot=slot,
        package=package,
        price=package.price,
        name="Åsa Öberg",
        email=email,
        phone="+46701234567",
        personnummer="198507099805",
        status=status,
        cancelled_at=timezone.now() if cancelled else None,
        token=email,
    )


def test_existing_bookings_keep_their_times_practitioner_and_price(old_schema):
    apps, migrate_forward = old_schema
    Slot_, SlotHold_ = apps.get_model("booking", "Slot"), apps.get_model("booking", "SlotHold")
    Practitioner_ = apps.get_model("clinic", "Practitioner")
    WeeklySchedule_ = apps.get_model("booking", "WeeklySchedule")
    stockholm, goteborg, package = old_clinic(apps)
    day = timezone.localdate() + timedelta(days=5)
    WeeklySchedule_.objects.create(
        location=stockholm, weekday=0, start_time="09:00", end_time="16:00", slot_minutes=60
    )

    def slot(location, start, minutes=60, practitioner=None):
        return Slot_.objects.create(
            location=location,
            practitioner=practitioner,
            start=at(day, start),
            end=at(day, start) + timedelta(minutes=minutes),
        )

    booked = old_booking(apps, slot(stockholm, "10:00"), package, email="bokad@example.com")
    cancelled = old_booking(
        apps, slot(stockholm, "11:00"), package, email="avbokad@example.com", status="cancelled"
    )
    held = slot(stockholm, "13:00", minutes=45)
    expires = timezone.now() + timedelta(minutes=5)
    SlotHold_.objects.create(slot=held, holder="session:abc", expires_at=expires)
    free = slot(stockholm, "14:00")
    named = Practitioner_.objects.create(name="Mikael Boije af Gennäs", slug="mikael")
    elsewhere = old_booking(
        apps, slot(goteborg, "10:00", practitioner=named), package, email="gbg@example.com"
    )
    apps.get_model("shop", "TreatmentPackage").objects.filter(pk=package.pk).update(price=990)

    migrate_forward()

    unnamed = Practitioner.objects.get(slug="stockholm-fotspecialist")
    assert (unnamed.display_name, list(unnamed.locations.all())) == (
        "Fotspecialist",
        [unnamed.locations.get(slug="stockholm")],
    )
    booking = Booking.objects.select_related("reservation").get(pk=booked.pk)
    assert (booking.start, booking.end) == (at(day, "10:00"), at(day, "11:00"))
    assert (booking.practitioner, booking.price, booking.slot_id) == (unnamed, 880, booked.slot_id)
    assert booking.reservation.released_at is None and booking.reservation.expires_at is None
    gone = Booking.objects.get(pk=cancelled.pk)
    assert (gone.start, gone.end) == (at(day, "11:00"), at(day, "12:00"))
    assert gone.reservation.released_at == gone.cancelled_at
    there = Booking.objects.get(pk=elsewhere.pk)
    assert (there.practitioner.slug, there.start, there.price) == ("mikael", at(day, "10:00"), 880)
    hold = SlotHold.objects.select_related("reservation").get(slot=held.pk)
    assert (hold.reservation.start, hold.reservation.end) == (at(day, "13:00"), at(day, "13:45"))
    assert hold.reservation.expires_at == expires and hold.reservation.released_at is None
    assert not Slot.objects.filter(pk=free.pk).exists()  # made again on the grid

    # The database guards the migrated times: nothing may overlap the migrated visit.
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.create(
            practitioner=unnamed,
            start=at(day, "10:30"),
            end=at(day, "11:30"),
            blocked_until=at(day, "11:30"),
        )


def test_visits_booked_on_overlapping_old_times_both_stand_and_stay_guarded(old_schema):
    """The old generator only kept starts apart: after a schedule went from 60- to 45-minute
    times, a new 09:45 could overlap an existing 09:00-10:00, and both could be booked."""
    apps, migrate_forward = old_schema
    Slot_ = apps.get_model("booking", "Slot")
    stockholm, _, package = old_clinic(apps)
    day = timezone.localdate() + timedelta(days=5)
    first, second = (
        Slot_.objects.create(
            location=stockholm, start=at(day, start), end=at(day, start) + timedelta(minutes=m)
        )
        for start, m in (("09:00", 60), ("09:45", 45))
    )
    one = old_booking(apps, first, package, email="ett@example.com")
    other = old_booking(apps, second, package, email="tva@example.com")

    migrate_forward()

    one, other = Booking.objects.get(pk=one.pk), Booking.objects.get(pk=other.pk)
    assert (one.start, one.end, one.price) == (at(day, "09:00"), at(day, "10:00"), 880)
    assert (other.start, other.end, other.price) == (at(day, "09:45"), at(day, "10:30"), 880)
    assert one.practitioner != other.practitioner  # the guard holds: never one person twice
    assert one.practitioner.is_active and not other.practitioner.is_active  # a stand-in
    assert one.slot.practitioner == one.practitioner
    assert other.slot.practitioner == other.practitioner
    assert {one.practitioner.display_name, other.practitioner.display_name} == {"Fotspecialist"}
