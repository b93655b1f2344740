"""Joining the waitlist, confirming the e-mail, and changing an entry from the inbox.

A new entry waits for its e-mail to be confirmed. Joining again with the same e-mail for
the same package and location never changes the entry at once: the change is kept aside
and takes effect only when confirmed from the address's inbox. Every address gets at most
one confirmation e-mail a day, and mail to an address not yet confirmed carries nothing a
visitor typed (no name, no greeting of their choosing).
"""

from copy import copy
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from clinic.mail import queue_email

from .models import WaitlistEntry, email_key, new_token
from .waitlist import matching_free_slots

CHANGEABLE = (
    "earliest_date",
    "latest_date",
    "weekdays",
    "time_of_day",
    "practitioner_id",
    "name",
    "phone",
    "personnummer",
    "date_of_birth",
)
DATES = ("earliest_date", "latest_date", "date_of_birth")


def _as_json(fields):
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}


def _from_json(fields):
    return {
        k: date.fromisoformat(v) if k in DATES and v else v
        for k, v in fields.items()
        if k in CHANGEABLE
    }


def may_send_confirmation(address, now):
    """At most one e-mail a day per inbox asking to confirm something not yet confirmed."""
    return not WaitlistEntry.objects.filter(
        email_key=email_key(address), confirmation_sent_at__gt=now - timedelta(days=1)
    ).exists()


@transaction.atomic
def join(*, location, package, wishes, patient, client_address=None, now=None):
    """Put the patient on the waitlist, or ask the inbox to confirm a change of their entry.

    Returns the entry as it stands (unchanged when a change waits for confirmation).
    """
    now = now or timezone.now()
    fields = {
        **wishes,
        "name": patient.name,
        "phone": patient.phone,
        "personnummer": patient.personnummer,
        "date_of_birth": patient.date_of_birth,
    }
    entry = (
        WaitlistEntry.objects.select_for_update()
        .filter(
            location=location,
            package=package,
            email__iexact=patient.email,
            status=WaitlistEntry.Status.WAITING,
        )
        .first()
    )
    if entry is None:
        entry = WaitlistEntry(
            location=location,
            package=package,
            email=patient.email,
            client_address=client_address,
            **fields,
        )
        entry.full_clean()
        entry.save()
        _send_confirmation(entry, "waitlist_joined", entry.token, now)
        return entry
    if all(getattr(entry, name) == value for name, value in fields.items()):
        if entry.confirmed_at is None:
            _send_confirmation(entry, "waitlist_joined", entry.token, now)
        return entry
    entry.pending_change = _as_json(fields)
    entry.change_token = new_token()
    entry.save(update_fields=["pending_change", "change_token"])
    _send_confirmation(
        entry, "waitlist_change", entry.change_token, now, wishes=_from_json(entry.pending_change)
    )
    return entry


def _send_confirmation(entry, template, token, now, **extra):
    if not may_send_confirmation(entry.email, now):
        return
    entry.confirmation_sent_at = now
    entry.save(update_fields=["confirmation_sent_at"])
    queue_email(
        key=f"{template}:{entry.pk}:{token}",
        to=[entry.email],
        template=f"booking/email/{template}",
        context={"entry": entry, "location": entry.location, "token": token, **extra},
    )


@transaction.atomic
def confirm(*, entry, now=None):
    """The e-mail is confirmed: the entry waits for freed times, and is shown free ones."""
    now = now or timezone.now()
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.confirmed_at is None:
        entry.confirmed_at = now
        entry.confirmation_sent_at = None  # nothing waits for the inbox any more
        entry.save(update_fields=["confirmed_at", "confirmation_sent_at"])
        _send_confirmed(entry, now)
    return entry


def _with_change(entries, change_token):
    """The waiting entry with a change under this token, or None (used or replaced)."""
    entry = entries.filter(change_token=change_token, status=WaitlistEntry.Status.WAITING).first()
    return entry if entry is not None and entry.pending_change else None


def _apply_change(entry):
    for name, value in _from_json(entry.pending_change).items():
        setattr(entry, name, value)
    return entry


def pending_change(change_token):
    """(entry, the entry as it would be after the change) for the change waiting under this
    token, or None when there is none. Reads only: the link's page shows the change before
    the patient confirms it."""
    related = WaitlistEntry.objects.select_related("location", "package", "practitioner")
    entry = _with_change(related, change_token)
    return None if entry is None else (entry, _apply_change(copy(entry)))


@transaction.atomic
def confirm_change(*, change_token, now=None):
    """Apply the change waiting under this token; None when there is none (used or replaced)."""
    now = now or timezone.now()
    entry = _with_change(WaitlistEntry.objects.select_for_update(), change_token)
    if entry is None:
        return None
    _apply_change(entry)
    entry.pending_change, entry.change_token, entry.confirmation_sent_at = None, None, None
    entry.confirmed_at = entry.confirmed_at or now
    entry.full_clean()
    entry.save()
    _send_confirmed(entry, now, key_suffix=change_token)
    return entry


def _send_confirmed(entry, now, key_suffix=""):
    queue_email(
        key=f"waitlist-confirmed:{entry.pk}:{key_suffix}",
        to=[entry.email],
        template="booking/email/waitlist_confirmed",
        context={
            "entry": entry,
            "location": entry.location,
            "free_slots": matching_free_slots(entry, now),
        },
    )
