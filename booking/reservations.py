"""Taking a practitioner's time: the one place that writes reservations.

The database refuses two live reservations of one practitioner that overlap (see
booking/models/slots.py): this module just tries, and when refused releases holds that ended
by time and tries once more, or says who has the time (SlotTaken). A booking tries without a
savepoint and, refused, rolls back its whole transaction before asking the same
(`reserve_in_transaction`, services.book_slot).

On PostgreSQL two overlapping reservations written at the same moment can each find the
other's row while checking the constraint and wait for each other: the database then ends
one of the two with a deadlock error. That is a refusal too (`refused`): the other one
goes on, and the refused one, tried once more, waits for it and is told the time is taken.
"""

from datetime import timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from .errors import SlotTaken
from .models import Reservation

HELD_MESSAGE = "Tiden är reserverad för någon annan just nu. Välj en annan tid."


DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE for "deadlock detected"


def refused(error):
    """True if the database refused a write of the time: its constraints, or a deadlock
    between two overlapping writes (module docstring)."""
    return isinstance(error, IntegrityError) or deadlock(error)


def deadlock(error):
    return getattr(error.__cause__, "sqlstate", "") == DEADLOCK


def span(slot, package):
    """(start, end of the visit, end of the buffer after it) for the package at this start."""
    end = slot.start + timedelta(minutes=package.duration_minutes)
    return slot.start, end, end + timedelta(minutes=package.buffer_minutes)


def reserve(*, slot, package, expires_at=None, reservation=None, now=None) -> Reservation:
    """Take the practitioner's time for the package from the slot's start, until `expires_at`
    (a hold) or for good (None: a booking). With `reservation`, move that one here instead.

    Call inside the caller's transaction. SlotTaken when the time overlaps a live reservation;
    any other refusal of the database is raised as it is (never blamed on another patient).
    """
    now = now or timezone.now()
    reservation = reservation or Reservation()
    if take(slot=slot, package=package, expires_at=expires_at, reservation=reservation):
        return reservation
    if (refusal := save(reservation)) is None:
        return reservation
    # Refused by the database. Holds that ended by time block nothing: release them for good
    # and try once more; after a deadlock too (the other writer went on: this one now waits
    # for it); otherwise say who has the time.
    mine = [reservation.pk] if reservation.pk else []
    ended = release_ended(slot=slot, package=package, now=now, exclude=mine)
    if (ended or deadlock(refusal)) and (refusal := save(reservation)) is None:
        return reservation
    raise_taken(slot=slot, package=package, refusal=refusal, now=now, exclude=mine)


def take(*, slot, package, reservation, expires_at=None):
    """Set `reservation` (saved or new) to the practitioner's time for the package from the
    slot's start; True if it was that very time, not released, and is now updated in place
    (a hold becoming the booking: nothing can have come to overlap it, since taking its time
    would have released it first). Otherwise the caller saves it: `reserve()` in a savepoint,
    or a caller that retries its whole transaction (`services.book_slot`) straight away."""
    start, end, blocked_until = span(slot, package)
    if (
        reservation.pk
        and (reservation.practitioner_id, reservation.start, reservation.blocked_until)
        == (slot.practitioner_id, start, blocked_until)
        and Reservation.objects.filter(pk=reservation.pk, released_at__isnull=True).update(
            end=end, expires_at=expires_at
        )
    ):
        reservation.end, reservation.expires_at = end, expires_at
        return True
    reservation.practitioner_id = slot.practitioner_id
    reservation.start, reservation.end, reservation.blocked_until = start, end, blocked_until
    reservation.expires_at, reservation.released_at = expires_at, None
    return False


def reserve_in_transaction(*, slot, package, reservation=None) -> Reservation:
    """reserve() for good (a booking) without a savepoint, for a caller that rolls back its
    whole transaction when the database refuses (`services.book_slot`): the IntegrityError
    goes up as it is, and the caller, once rolled back, asks release_ended() and
    raise_taken() what to do."""
    reservation = reservation or Reservation()
    if not take(slot=slot, package=package, reservation=reservation):
        reservation.save()
    return reservation


def near(*, slot, package, exclude=()):
    """Reservations of the slot's practitioner that overlap the package's time there, but
    those in `exclude` (ids, or a queryset of them)."""
    start, _, blocked_until = span(slot, package)
    return (
        Reservation.objects.filter(practitioner=slot.practitioner_id)
        .overlapping(start, blocked_until)
        .exclude(pk__in=exclude)
    )


def release_ended(*, slot, package, now, exclude=()):
    """After a refusal: release the holds that ended by time in the way (they block nothing);
    True if there were any, so that trying again may succeed."""
    stale = near(slot=slot, package=package, exclude=exclude).filter(
        released_at__isnull=True, expires_at__lte=now
    )
    return bool(stale.update(released_at=now))


def raise_taken(*, slot, package, refusal, now, exclude=()):
    """After a refusal: SlotTaken if a live reservation has the time, else the refusal."""
    conflict = near(slot=slot, package=package, exclude=exclude).live(now).first()
    if conflict is None:
        raise refusal
    raise SlotTaken(HELD_MESSAGE if conflict.expires_at else None)


def save(reservation):
    """Save the reservation in a savepoint: None, or the database's refusal (rolled back to
    the savepoint)."""
    is_new = reservation.pk is None
    try:
        with transaction.atomic():
            reservation.save()
    except DatabaseError as error:
        if not refused(error):
            raise
        if is_new:
            reservation.pk = None  # the row was rolled back
        return error
    return None


def release(reservations, now=None):
    """Give the time back (a cancelled visit, a closed offer)."""
    return reservations.filter(released_at__isnull=True).update(released_at=now or timezone.now())
