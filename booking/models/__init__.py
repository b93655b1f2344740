"""Booking's models: working hours, start times, reserved time, bookings and the waitlist."""

from clinic.models import Weekday

from .bookings import Booking, BookingQuerySet
from .patients import PatientDetails, new_token
from .recalls import Recall
from .schedule import ScheduleException, WeeklySchedule
from .slots import Reservation, Slot, SlotHold, SlotQuerySet
from .waitlist import TimeOfDay, WaitlistEntry, WaitlistOffer, email_key

__all__ = [
    "Booking",
    "BookingQuerySet",
    "PatientDetails",
    "Recall",
    "Reservation",
    "ScheduleException",
    "Slot",
    "SlotHold",
    "SlotQuerySet",
    "TimeOfDay",
    "WaitlistEntry",
    "WaitlistOffer",
    "Weekday",
    "WeeklySchedule",
    "email_key",
    "new_token",
]
