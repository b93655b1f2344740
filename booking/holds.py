"""Holding a chosen time while the patient types their details."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic.locks import lock

from .errors import SlotTaken, TooManyHolds
from .models import Reservation, Slot, SlotHold
from .reservations import reserve

SESSION_KEY = "booking_holder"


def session_holder(request) -> str:
    """This browser session's holder name, made on first use."""
    if SESSION_KEY not in request.session:
        request.session[SESSION_KEY] = f"session:{uuid.uuid4().hex}"
    return request.session[SESSION_KEY]


def current_hold(holder):
    return SlotHold.objects.active().filter(holder=holder).select_related("slot").first()


@transaction.atomic
def hold_slot(*, slot, package, holder, client_address=None, minutes=None, now=None) -> SlotHold:
    """Hold the time for the package from the slot's start for the holder, releasing any other
    time it held. SlotTaken if anyone else's hold or booking overlaps it; of twenty holders at
    once exactly one wins (the practitioner's reservations never overlap)."""
    now = now or timezone.now()
    expires = now + timedelta(minutes=minutes or settings.HOLD_MINUTES)
    slot = Slot.objects.select_related("practitioner").get(pk=slot.pk)
    if client_address:
        # HOLDS_PER_ADDRESS: one hold-taker per address at a time, or two at once could
        # both count two and take a third.
        lock("holds per address", client_address)
        held = SlotHold.objects.active(now).filter(client_address=client_address)
        if held.exclude(holder=holder).count() >= settings.HOLDS_PER_ADDRESS:
            raise TooManyHolds
    # This holder's earlier hold, and an ended one on this start, give way (with their time).
    Reservation.objects.filter(
        Q(hold__holder=holder) | Q(hold__slot=slot, expires_at__lte=now)
    ).delete()
    reservation = reserve(slot=slot, package=package, expires_at=expires, now=now)
    try:
        with transaction.atomic():
            return SlotHold.objects.create(
                slot=slot,
                reservation=reservation,
                holder=holder,
                client_address=client_address,
            )
    except IntegrityError:
        raise SlotTaken from None


@transaction.atomic
def release(holder):
    """Let go of whatever the holder holds."""
    if SlotHold.objects.filter(holder=holder).exists():
        Reservation.objects.filter(hold__holder=holder).delete()  # the hold goes with it


@transaction.atomic
def tidy(now=None):
    """Delete holds that ended more than a day ago (they already block nothing)."""
    now = now or timezone.now()
    old = Reservation.objects.filter(hold__isnull=False, expires_at__lt=now - timedelta(days=1))
    count = old.count()
    if count:
        old.delete()  # each with its hold
    return count
