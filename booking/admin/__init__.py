"""Booking's admin: working hours and start times, bookings (reception), the waitlist."""

from . import bookings, schedule, waitlist

__all__ = ["bookings", "schedule", "waitlist"]
