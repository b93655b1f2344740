"""Recalls: after an attended visit of a package that leads to a return visit, once, the
package's `recall_weeks` later, an e-mail inviting the patient to book Återbesök with the same
practitioner at the same location, with a link to say no thanks.

Sent only when the patient asked for it at booking ("Påminn mig om återbesök", off by
default), has an e-mail, and has no later booking at the clinic (same personnummer or e-mail,
either location) that they kept or cancelled themselves; a later visit the clinic cancelled
does not count. A recall more than RECALL_LATEST_DAYS overdue (cron was down) is not sent.

Once per visit, by the database: the Recall row (one per booking, a unique constraint) is
made in the same transaction as the queued e-mail, so run twice, or twice at once, sends once.
"""

import logging
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from clinic.mail import queue_email
from clinic.models import Practitioner
from shop.models import TreatmentPackage

from .models import Booking, Recall

logger = logging.getLogger(__name__)


def return_package():
    """The package a return visit is booked as (RECALL_PACKAGE_SLUG), if it is offered."""
    return TreatmentPackage.objects.active().filter(slug=settings.RECALL_PACKAGE_SLUG).first()


def later_bookings():
    """The patient's bookings after the visit (OuterRef): the same personnummer or e-mail,
    any location, kept or cancelled by the patient."""
    same_patient = Q(email__iexact=OuterRef("email")) | (
        Q(personnummer=OuterRef("personnummer")) & ~Q(personnummer="")
    )
    return (
        Booking.objects.filter(same_patient, slot__start__gt=OuterRef("slot__start"))
        .exclude(pk=OuterRef("pk"))
        .exclude(status=Booking.Status.CANCELLED, cancelled_by_clinic=True)
    )


def due(*, now, returning):
    """The visits whose recall is due now and not yet sent, at locations that offer
    `returning` (the return visit's package)."""
    late = timedelta(days=settings.RECALL_LATEST_DAYS)
    when = Q(pk__in=[])
    for package in TreatmentPackage.objects.filter(leads_to_return_visit=True):
        due_since = now - timedelta(weeks=package.recall_weeks)
        when |= Q(package=package, slot__start__lte=due_since, slot__start__gt=due_since - late)
    return (
        Booking.objects.filter(
            when,
            status=Booking.Status.ATTENDED,
            wants_recall=True,
            recall__isnull=True,
            anonymised_at__isnull=True,
            slot__location__packages=returning,
        )
        .exclude(email="")
        .filter(~Exists(later_bookings()))
        .select_related("slot__location", "package", "reservation__practitioner")
        .order_by("slot__start", "pk")
    )


def booking_path(booking, returning, performing):
    """The practitioner's free times for the return visit at the visit's location; all free
    times there when the practitioner no longer takes it (not in `performing`)."""
    path = returning.booking_url(booking.slot.location)
    if booking.practitioner.pk in performing:
        path += "?" + urlencode({"fotspecialist": booking.practitioner.slug})
    return path


def return_visit_path(booking):
    """booking_path for one visit (the no-thanks page's "book instead"), or None when the
    return visit is not offered at its location."""
    returning = (
        TreatmentPackage.objects.active()
        .filter(slug=settings.RECALL_PACKAGE_SLUG, locations=booking.slot.location_id)
        .first()
    )
    if returning is None:
        return None
    performing = Practitioner.objects.performing(returning).filter(pk=booking.practitioner.pk)
    return booking_path(booking, returning, set(performing.values_list("pk", flat=True)))


def send_recalls(*, now=None, dry_run=False):
    """Queue every recall that is due; returns how many (with dry_run: how many would be)."""
    now = now or timezone.now()
    returning = return_package()
    if returning is None:
        logger.warning("recalls: no active package %r to book", settings.RECALL_PACKAGE_SLUG)
        return 0
    visits = list(due(now=now, returning=returning))
    if dry_run or not visits:
        return len(visits)
    performing = set(Practitioner.objects.performing(returning).values_list("pk", flat=True))
    sent = 0
    for booking in visits:
        book_url = settings.SITE_URL + booking_path(booking, returning, performing)
        try:
            with transaction.atomic():
                recall = Recall.objects.create(booking=booking, sent_at=now)
                queue_email(
                    key=f"booking-recall:{booking.pk}",
                    to=[booking.email],
                    template="booking/email/recall",
                    context={
                        "booking": booking,
                        "location": booking.slot.location,
                        "practitioner": booking.practitioner,
                        "returning": returning,
                        "book_url": book_url,
                        "decline_url": settings.SITE_URL + recall.get_absolute_url(),
                    },
                )
        except IntegrityError:  # another run claimed this visit's recall first
            continue
        logger.info("recall %s sent for booking %s", recall.pk, booking.pk)
        sent += 1
    return sent


@transaction.atomic
def decline_recall(*, recall, now=None):
    """The patient's "Nej tack": recorded once (the first time stays); returns the recall."""
    now = now or timezone.now()
    Recall.objects.filter(pk=recall.pk, declined_at__isnull=True).update(declined_at=now)
    recall.refresh_from_db(fields=["declined_at"])
    logger.info("recall %s declined", recall.pk)
    return recall
