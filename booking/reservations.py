"""Taking a practitioner's time: the one place that writes reservations.

The database refuses two live reservations of one practitioner that overlap (see
booking/models/slots.py): this module just tries, and when refused releases holds that ended
by time and tries once more, or says who has the time (SlotTaken).
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .errors import SlotTaken
from .models import Reservation

HELD_MESSAGE = "Tiden är reserverad för någon annan just nu. Välj en annan tid."


def span(slot, package):
    """(start, end of the visit, end of the buffer after it) for the package at this start."""
    end = slot.start + timedelta(minutes=package.duration_minutes)
    return slot.start, end, end + timedelta(minutes=package.buffer_minutes)


def reserve(
    *, slot, package, expires_at=None, reservation=None, now=None, together=None
) -> Reservation:
    """Take the practitioner's time for the package from the slot's start, until `expires_at`
    (a hold) or for good (None: a booking). With `reservation`, move that one here instead.
    `together(reservation)` saves what belongs with it (the booking) in the same savepoint.

    Call inside the caller's transaction. SlotTaken when the time overlaps a live reservation;
    any other refusal of the database is raised as it is (never blamed on another patient).
    """
    now = now or timezone.now()
    start, end, blocked_until = span(slot, package)
    same_time = reservation and (
        (reservation.practitioner_id, reservation.start, reservation.blocked_until)
        == (slot.practitioner_id, start, blocked_until)
    )
    # The same time, still not released (a hold becoming the booking): nothing can have come
    # to overlap it, since taking its time would have released it first.
    if same_time and Reservation.objects.filter(pk=reservation.pk, released_at__isnull=True).update(
        end=end, expires_at=expires_at
    ):
        reservation.end, reservation.expires_at = end, expires_at
        if together:
            with transaction.atomic():
                together(reservation)
        return reservation
    reservation = reservation or Reservation()
    reservation.practitioner_id = slot.practitioner_id
    reservation.start, reservation.end, reservation.blocked_until = start, end, blocked_until
    reservation.expires_at, reservation.released_at = expires_at, None
    if (refusal := save(reservation, together)) is None:
        return reservation
    # Refused by the database. Holds that ended by time block nothing: release them for good
    # and try once more; otherwise say who has the time.
    near = Reservation.objects.filter(practitioner=slot.practitioner_id).overlapping(
        start, blocked_until
    )
    if reservation.pk:
        near = near.exclude(pk=reservation.pk)
    stale = near.filter(released_at__isnull=True, expires_at__lte=now)
    if stale.update(released_at=now) and (refusal := save(reservation, together)) is None:
        return reservation
    conflict = near.live(now).first()
    if conflict is None:
        raise refusal
    raise SlotTaken(HELD_MESSAGE if conflict.expires_at else None)


def save(reservation, together=None):
    """Save the reservation (and what goes with it) in one savepoint: None, or the database's
    IntegrityError (rolled back to the savepoint)."""
    is_new = reservation.pk is None
    try:
        with transaction.atomic():
            reservation.save()
            if together:
                together(reservation)
    except IntegrityError as error:
        if is_new:
            reservation.pk = None  # the row was rolled back
        return error
    return None


def release(reservations, now=None):
    """Give the time back (a cancelled visit, a closed offer)."""
    return reservations.filter(released_at__isnull=True).update(released_at=now or timezone.now())
