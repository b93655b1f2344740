"""The patient's e-mails about a booking: confirmed, moved, cancelled, and the reminder
before the visit. Each is queued in the outbox (clinic/mail.py) inside the change's
transaction; all but the reminder carry the calendar file for the visit (the patient has
it since the booking)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clinic.mail import queue_email

from .ics import booking_calendar
from .models import Booking


def send_booking_email(booking, kind, *, key_suffix="", **extra):
    """Queue the patient's e-mail of this kind; a booking without e-mail (staff) gets none."""
    if not booking.email:
        return
    sequence = {
        "confirmed": 0,
        "moved": 1,
        "moved_by_clinic": 1,
        "cancelled": 2,
        "cancelled_by_clinic": 2,
        "reminder": 0,
    }[kind]
    attachments = []
    if kind != "reminder":
        cancelled = kind.startswith("cancelled")
        ics = booking_calendar(booking, cancelled=cancelled, sequence=sequence)
        attachments.append(("besok.ics", ics, "text/calendar"))
    key = f"booking-{kind}:{booking.pk}" + (f":{key_suffix}" if key_suffix else "")
    queue_email(
        key=key,
        to=[booking.email],
        template=f"booking/email/{kind}",
        context={"booking": booking, "location": booking.slot.location, **extra},
        attachments=attachments,
    )


def send_reminders(*, now=None):
    """Queue one reminder per upcoming booking within the reminder window; returns how many."""
    now = now or timezone.now()
    due = (
        Booking.objects.exclude(email="")
        .filter(
            status=Booking.Status.BOOKED,
            reminder_sent_at__isnull=True,
            slot__start__gt=now,
            slot__start__lte=now + timedelta(hours=settings.BOOKING_REMINDER_HOURS),
        )
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            # The conditional update claims the reminder: run twice, or twice at once, sends once.
            claimed = Booking.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                booking = Booking.objects.select_related(
                    "slot__location", "package", "reservation"
                ).get(pk=pk)
                send_booking_email(booking, "reminder")
                sent += 1
    return sent
