"""Taking a practitioner's time: the one place that writes reservations.

The database refuses two live reservations of one practitioner that overlap (see
booking/models/slots.py); this module checks first, to say which kind of "taken" it is, and
turns the database's refusal (two patients at once) into SlotTaken.
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


def reserve(*, slot, package, expires_at=None, reservation=None, now=None) -> Reservation:
    """Take the practitioner's time for the package from the slot's start, until `expires_at`
    (a hold) or for good (None: a booking). With `reservation`, move that one here instead.

    Call inside the caller's transaction. SlotTaken when the time overlaps a live reservation.
    """
    now = now or timezone.now()
    start, end, blocked_until = span(slot, package)
    own = reservation.pk if reservation else None
    near = Reservation.objects.filter(practitioner=slot.practitioner_id).overlapping(
        start, blocked_until
    )
    # Holds that ended by time block nothing: release them for good before taking the time.
    near.filter(released_at__isnull=True, expires_at__lte=now).exclude(pk=own).update(
        released_at=now
    )
    conflict = near.live(now).exclude(pk=own).select_related("hold").first()
    if conflict is not None:
        held = conflict.expires_at is not None
        raise SlotTaken(HELD_MESSAGE if held else SlotTaken.message)
    reservation = reservation or Reservation(practitioner_id=slot.practitioner_id)
    reservation.practitioner_id = slot.practitioner_id
    reservation.start, reservation.end, reservation.blocked_until = start, end, blocked_until
    reservation.expires_at = expires_at
    reservation.released_at = None
    try:
        with transaction.atomic():
            reservation.save()
    except IntegrityError:
        raise SlotTaken from None  # another patient's reservation committed first
    return reservation


def release(reservations, now=None):
    """Give the time back (a cancelled visit, a closed offer)."""
    return reservations.filter(released_at__isnull=True).update(released_at=now or timezone.now())
