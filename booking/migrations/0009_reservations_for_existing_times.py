"""Existing bookings keep their times, practitioner and price on the new model.

- Every location whose hours or times had no practitioner gets one unnamed practitioner
  ("Fotspecialist"; the clinic adds names in the admin), who takes those hours and times.
- Every booking gets a reservation with its slot's start and end, released if cancelled;
  every hold gets one until it expires.
- Times that overlapped could both be booked before (the old generator kept only starts
  apart, so a change of slot length made e.g. 09:45 beside 09:00-10:00). Such a visit keeps
  its time on a second unnamed practitioner of the location, who takes no new bookings
  (`is_active` off), for the clinic to sort out; an overlapping hold just ends.
- Free times are deleted: `generate_slots` makes them again on the new grid.
- The database refuses two live reservations of one practitioner that overlap.
"""

from django.db import migrations
from django.utils import timezone

# The rows written above (forwards) leave deferred foreign-key checks pending in this
# transaction, and PostgreSQL refuses to ALTER a table that has pending trigger events: run
# those checks now (for the rest of this migration's transaction) before adding the guard.
POSTGRES_GUARD = """
SET CONSTRAINTS ALL IMMEDIATE;
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking_reservation ADD CONSTRAINT reservation_no_overlap
    EXCLUDE USING gist (
        practitioner_id WITH =,
        tstzrange("start", blocked_until, '[)') WITH &&
    ) WHERE (released_at IS NULL);
"""
POSTGRES_UNGUARD = "ALTER TABLE booking_reservation DROP CONSTRAINT reservation_no_overlap;"

# SQLite has no exclusion constraint: triggers refuse the overlapping row instead (writes are
# serialised there, so the check inside the trigger sees every committed row).
SQLITE_OVERLAP = """
    SELECT RAISE(ABORT, 'reservation_no_overlap')
    WHERE NEW.released_at IS NULL AND EXISTS (
        SELECT 1 FROM booking_reservation AS r
        WHERE r.practitioner_id = NEW.practitioner_id AND r.id != NEW.id
          AND r.released_at IS NULL
          AND r."start" < NEW.blocked_until AND r.blocked_until > NEW."start"
    );
"""
SQLITE_GUARD = [
    f"CREATE TRIGGER reservation_no_overlap_insert BEFORE INSERT ON booking_reservation "
    f"BEGIN {SQLITE_OVERLAP} END;",
    f"CREATE TRIGGER reservation_no_overlap_update BEFORE UPDATE ON booking_reservation "
    f"BEGIN {SQLITE_OVERLAP} END;",
]
SQLITE_UNGUARD = [
    "DROP TRIGGER reservation_no_overlap_insert;",
    "DROP TRIGGER reservation_no_overlap_update;",
]


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": [POSTGRES_GUARD], "sqlite": SQLITE_GUARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": [POSTGRES_UNGUARD], "sqlite": SQLITE_UNGUARD}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    Location = apps.get_model("clinic", "Location")
    Practitioner = apps.get_model("clinic", "Practitioner")
    WeeklySchedule = apps.get_model("booking", "WeeklySchedule")
    Slot = apps.get_model("booking", "Slot")
    Booking = apps.get_model("booking", "Booking")
    SlotHold = apps.get_model("booking", "SlotHold")
    Reservation = apps.get_model("booking", "Reservation")
    now = timezone.now()

    for location in Location.objects.all():
        schedules = WeeklySchedule.objects.filter(location=location, practitioner__isnull=True)
        slots = Slot.objects.filter(location=location, practitioner__isnull=True)
        if not (schedules.exists() or slots.exists()):
            continue
        practitioner, _ = Practitioner.objects.get_or_create(
            slug=f"{location.slug}-fotspecialist", defaults={"name": ""}
        )
        practitioner.locations.add(location)
        schedules.update(practitioner=practitioner)
        slots.update(practitioner=practitioner)

    def taken(practitioner_id, slot):
        return Reservation.objects.filter(
            practitioner_id=practitioner_id,
            released_at__isnull=True,
            start__lt=slot.end,
            blocked_until__gt=slot.start,
        ).exists()

    def free_stand_in(slot):
        """The first unnamed stand-in of the slot's location with that time free."""
        location = slot.location
        n = 2
        while True:
            stand_in, _ = Practitioner.objects.get_or_create(
                slug=f"{location.slug}-fotspecialist-{n}",
                defaults={"name": "", "is_active": False},
            )
            stand_in.locations.add(location)
            if (
                not taken(stand_in.pk, slot)
                and not Slot.objects.filter(practitioner=stand_in, start=slot.start).exists()
            ):
                return stand_in
            n += 1

    bookings = Booking.objects.select_related("slot__location").order_by("slot__start", "pk")
    for booking in bookings:
        slot = booking.slot
        cancelled = booking.status == "cancelled"
        if not cancelled and taken(slot.practitioner_id, slot):
            slot.practitioner = free_stand_in(slot)
            slot.save(update_fields=["practitioner"])
        booking.reservation = Reservation.objects.create(
            practitioner_id=slot.practitioner_id,
            start=slot.start,
            end=slot.end,
            blocked_until=slot.end,
            released_at=booking.cancelled_at if cancelled else None,
        )
        booking.save(update_fields=["reservation"])

    booked = set(Booking.objects.exclude(status="cancelled").values_list("slot_id", flat=True))
    for hold in SlotHold.objects.select_related("slot").order_by("slot__start", "pk"):
        slot = hold.slot
        expired = hold.expires_at <= now or slot.pk in booked or taken(slot.practitioner_id, slot)
        hold.reservation = Reservation.objects.create(
            practitioner_id=slot.practitioner_id,
            start=slot.start,
            end=slot.end,
            blocked_until=slot.end,
            expires_at=hold.expires_at,
            released_at=now if expired else None,
        )
        hold.save(update_fields=["reservation"])

    Slot.objects.filter(bookings__isnull=True, hold__isnull=True, offers__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0008_practitioners_and_reservations"),
        ("clinic", "0006_practitioners_and_reservations"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(guard, unguard),
    ]
