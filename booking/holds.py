"""Holding a chosen time while the patient types their details."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .errors import SlotTaken, TooManyHolds
from .models import Booking, Slot, SlotHold
from .slotcache import booking_state_changes

SESSION_KEY = "booking_holder"


def session_holder(request) -> str:
    """This browser session's holder name, made on first use."""
    if SESSION_KEY not in request.session:
        request.session[SESSION_KEY] = f"session:{uuid.uuid4().hex}"
    return request.session[SESSION_KEY]


def current_hold(holder):
    return SlotHold.objects.active().filter(holder=holder).select_related("slot").first()


@transaction.atomic
def hold_slot(*, slot, holder, client_address=None, minutes=None, now=None) -> SlotHold:
    """Hold the slot for the holder, releasing any other slot it held. SlotTaken if someone else
    holds or has booked it. Twenty holders at once: one row per slot makes exactly one win."""
    now = now or timezone.now()
    expires = now + timedelta(minutes=minutes or settings.HOLD_MINUTES)
    booking_state_changes()  # first: every writer of holds takes this lock before others
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    if client_address and (
        SlotHold.objects.active(now)
        .filter(client_address=client_address)
        .exclude(holder=holder)
        .count()
        >= settings.HOLDS_PER_ADDRESS
    ):
        raise TooManyHolds
    if Booking.objects.active().filter(slot=slot).exists():
        raise SlotTaken
    SlotHold.objects.filter(holder=holder).exclude(slot=slot).delete()
    taken_over = (
        SlotHold.objects.filter(slot=slot)
        .filter(Q(expires_at__lte=now) | Q(holder=holder))
        .update(holder=holder, client_address=client_address, expires_at=expires, created_at=now)
    )
    if not taken_over:
        try:
            with transaction.atomic():
                SlotHold.objects.create(
                    slot=slot, holder=holder, client_address=client_address, expires_at=expires
                )
        except IntegrityError:
            raise SlotTaken from None
    return SlotHold.objects.get(slot=slot)


@transaction.atomic
def release(holder):
    """Let go of whatever the holder holds."""
    if SlotHold.objects.filter(holder=holder).exists():
        booking_state_changes()
        SlotHold.objects.filter(holder=holder).delete()


@transaction.atomic
def tidy(now=None):
    """Delete holds that ended more than a day ago (they already block nothing)."""
    now = now or timezone.now()
    old = SlotHold.objects.filter(expires_at__lt=now - timedelta(days=1))
    if not old.exists():
        return 0
    booking_state_changes()
    return old.delete()[0]
