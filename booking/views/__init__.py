"""Booking's public pages: finding and booking a time, a booked visit, the waitlist."""

from .recalls import recall_decline
from .times import choose, details, release, slot_list, start
from .visits import cancel, confirmation, day_view, manage, move
from .waitlist import (
    offer,
    offer_decline,
    waitlist_change,
    waitlist_confirm,
    waitlist_join,
    waitlist_joined,
    waitlist_leave,
)

__all__ = [
    "cancel",
    "choose",
    "confirmation",
    "day_view",
    "details",
    "manage",
    "move",
    "offer",
    "offer_decline",
    "recall_decline",
    "release",
    "slot_list",
    "start",
    "waitlist_change",
    "waitlist_confirm",
    "waitlist_join",
    "waitlist_joined",
    "waitlist_leave",
]
