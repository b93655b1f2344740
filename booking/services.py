"""Every write that books, cancels or moves a visit; views and the admin call these."""

import logging
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import CharField, Count, DateTimeField, Exists, F, IntegerField, OuterRef
from django.utils import timezone

from clinic.models import Practitioner

from . import prepared, waitlist
from .emails import send_booking_email
from .errors import (
    BookingError,
    ChangeNotAllowed,
    OfferGone,
    SlotNotBookable,
    SlotTaken,
    StatusChangeNotAllowed,
)
from .models import Booking, Recall, Reservation, Slot, SlotHold, WaitlistOffer
from .reservations import (
    deadlock,
    raise_taken,
    refused,
    release,
    release_ended,
    reserve,
    reserve_in_transaction,
)
from .rules import Patient, check_bookable, rule_annotations
from .weeks import day_bounds

logger = logging.getLogger(__name__)


def fair_choices(slot, package, holder=None):
    """The free starts at the slot's time and location for the package, of any practitioner
    who performs it, the one with the fewest visits that day first ("Första lediga")."""
    choices = list(
        Slot.objects.bookable(location=slot.location, package=package, holder=holder).filter(
            start=slot.start
        )
    )
    if len(choices) < 2:
        return choices
    day_starts, day_ends = day_bounds(timezone.localdate(slot.start))
    visits = dict(
        Reservation.objects.live()
        .filter(
            practitioner__in=[choice.practitioner_id for choice in choices],
            booking__isnull=False,
            start__gte=day_starts,
            start__lt=day_ends,
        )
        .values("practitioner")
        .annotate(count=Count("pk"))
        .values_list("practitioner", "count")
    )
    return sorted(choices, key=lambda s: (visits.get(s.practitioner_id, 0), s.pk))


def book_slot(
    *,
    slot,
    package,
    patient: Patient,
    request_token=None,
    holder=None,
    by_staff=False,
    location=None,
):
    """Book the visit at the slot's start for the patient, once. A repeated request_token returns
    the first booking (the token is unique: the database refuses the second).

    `slot` is the Slot or its id. `location`, if given, is where the patient booked: a slot
    elsewhere is not bookable. `holder` is whoever holds the time for this patient (their
    session, or a waitlist offer): their hold becomes the booking's reservation. Anyone else's
    reservation that overlaps the visit makes the time taken.

    What the database refuses (an overlap, the token used twice, a deadlock with another
    writer of the same time: booking/reservations.py) rolls back everything this booking
    wrote, and only then is looked into: after a deadlock the booking is tried once more;
    else the same form's first booking, holds that ended by time in the way (released, and
    the booking tried once more), or SlotTaken.
    """
    slot_id = getattr(slot, "pk", slot)
    for last_try in (False, True):
        try:
            return _book(
                slot_id=slot_id,
                package=package,
                patient=patient,
                request_token=request_token,
                holder=holder,
                by_staff=by_staff,
                location=location,
            )
        except DatabaseError as refusal:
            if not refused(refusal):
                raise
            if deadlock(refusal) and not last_try:
                continue  # the other writer goes on; tried again, this one waits for it
            # The same form sent twice (a double click): the first one's booking.
            if request_token and (
                earlier := Booking.objects.filter(request_token=request_token).first()
            ):
                return earlier
            slot = Slot.objects.get(pk=slot_id)
            now = timezone.now()
            if last_try or not release_ended(slot=slot, package=package, now=now):
                mine = SlotHold.objects.filter(holder=holder).values("reservation")
                raise_taken(
                    slot=slot,
                    package=package,
                    refusal=refusal,
                    now=now,
                    exclude=mine if holder else (),
                )


@transaction.atomic
def _book(*, slot_id, package, patient, request_token, holder, by_staff, location):
    """book_slot's one try, in its own transaction (a savepoint inside a caller's): an
    IntegrityError from the database goes up and rolls it all back."""
    try:
        slot = slot_for_booking(slot_id, package=package, holder=holder, email=patient.email)
    except Slot.DoesNotExist:
        raise SlotNotBookable from None
    if location is not None:
        if slot.location_id != location.pk:
            raise SlotNotBookable("Tiden finns på en annan mottagning.")
        slot.location = location  # for the e-mail, without a query
    # The e-mail names the specialist: their name came with the locked read.
    slot.practitioner = Practitioner.from_db(
        slot._state.db, ["id", "name"], [slot.practitioner_id, slot.practitioner_name]
    )
    check_bookable(slot=slot, package=package)
    hold = (
        SlotHold.objects.active().filter(holder=holder, slot=slot).select_related("reservation")
        if slot.held
        else SlotHold.objects.none()
    ).first()
    booking = Booking(
        slot=slot,
        package=package,
        price=package.price,
        name=patient.name,
        email=patient.email,
        phone=patient.phone,
        personnummer=patient.personnummer,
        date_of_birth=patient.date_of_birth,
        message=patient.message,
        consent_at=None if by_staff else timezone.now(),
        request_token=request_token or None,
        booked_by_staff=by_staff,
        wants_recall=patient.wants_recall,
    )
    booking.reservation = reserve_in_transaction(
        slot=slot, package=package, reservation=hold and hold.reservation
    )
    booking.reservation.practitioner = slot.practitioner
    booking.save()
    if hold:
        hold.delete()  # the reservation is the booking's now
    if slot.on_waitlist:
        waitlist.leave_after_booking(booking)
    logger.info("booking %s created for slot %s", booking.pk, slot.pk)
    send_booking_email(booking, "confirmed")
    return booking


def slot_for_booking(slot_id, *, package, holder, email):
    """The slot, locked, and in the same query what booking it asks: the rules
    (rules.rule_annotations), whether `holder` holds it (`held`) and whether `email` waits on
    the waitlist for the package there (`on_waitlist`); not its location.
    The query is written once per package and run with each booking's values
    (booking/prepared.py): building it was half the booking's work. The practitioner's name
    comes too (`practitioner_name`), for the e-mail."""

    def build():
        held = SlotHold.objects.active(now=prepared.Param("now", DateTimeField())).filter(
            holder=prepared.Param("holder", CharField()), slot=OuterRef("pk")
        )
        on_waitlist = waitlist.waiting(
            location=OuterRef("location"),
            package=package,
            email=prepared.Param("email", CharField()),
        )
        return (
            Slot.objects.select_for_update(of=("self",))
            .annotate(
                **rule_annotations(package),
                held=Exists(held),
                on_waitlist=Exists(on_waitlist),
                practitioner_name=F("practitioner__name"),
            )
            .filter(pk=prepared.Param("slot", IntegerField()))
        )

    found = prepared.run(
        Slot,
        ("slot_for_booking", package.pk),
        build,
        slot=slot_id,
        holder=holder or "",
        email=email,
        now=timezone.now(),
    )
    for slot in found:
        return slot
    raise Slot.DoesNotExist


@transaction.atomic
def accept_offer(*, offer, now=None):
    """Book the offered slot with the details the patient gave when joining."""
    now = now or timezone.now()
    offer = (
        WaitlistOffer.objects.select_for_update().select_related("entry__package").get(pk=offer.pk)
    )
    if offer.status != WaitlistOffer.Status.OPEN or offer.expires_at <= now:
        raise OfferGone
    entry = offer.entry
    booking = book_slot(
        slot=offer.slot,
        package=entry.package,
        patient=Patient(
            name=entry.name,
            email=entry.email,
            phone=entry.phone,
            personnummer=entry.personnummer,
            date_of_birth=entry.date_of_birth,
        ),
        holder=offer.holder,
    )
    offer.status, offer.closed_at, offer.booking = WaitlistOffer.Status.ACCEPTED, now, booking
    offer.save(update_fields=["status", "closed_at", "booking"])
    return booking


S = Booking.Status
# Every status a booking may go to next. Back to "booked" undoes "Kom"/"Uteblev".
TRANSITIONS = {
    S.BOOKED: {S.CANCELLED, S.ATTENDED, S.NO_SHOW},
    S.ATTENDED: {S.BOOKED},
    S.NO_SHOW: {S.BOOKED},
    S.CANCELLED: set(),
}


def check_transition(booking, status):
    if status not in TRANSITIONS[booking.status]:
        raise StatusChangeNotAllowed(
            f"kan inte gå från ”{booking.get_status_display()}” till ”{S(status).label}”"
        )


@transaction.atomic
def mark_visit(*, booking, status, now=None):
    """Reception's "Kom" (attended) and "Uteblev" (no-show), once the visit has started, and
    their undo (back to booked) on the visit's own day (Stockholm date)."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",)).select_related("slot").get(pk=booking.pk)
    )
    if status == booking.status:
        return booking
    check_transition(booking, status)
    if status in (S.ATTENDED, S.NO_SHOW) and booking.slot.start > now:
        raise StatusChangeNotAllowed("besöket har inte börjat")
    if status == S.BOOKED and timezone.localdate(booking.slot.start) != timezone.localdate(now):
        raise StatusChangeNotAllowed("kan bara ångras samma dag som besöket")
    booking.status = status
    booking.save(update_fields=["status"])
    logger.info("booking %s marked %s", booking.pk, status)
    return booking


@transaction.atomic
def cancel_booking(*, booking, by_staff=False, reason=""):
    """Cancel the visit. `by_staff`: the clinic cancels it, and the patient's e-mail says so,
    with the `reason` staff give (optional) and a link to book a new time."""
    booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
    if booking.status == Booking.Status.CANCELLED:
        return booking
    if not by_staff and not booking.can_be_changed():
        raise ChangeNotAllowed
    check_transition(booking, S.CANCELLED)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.cancelled_by_clinic = by_staff
    booking.cancel_reason = reason.strip() if by_staff else ""
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by_clinic", "cancel_reason"])
    release(Reservation.objects.filter(pk=booking.reservation_id))
    logger.info("booking %s cancelled%s", booking.pk, " by the clinic" if by_staff else "")
    send_booking_email(booking, "cancelled_by_clinic" if by_staff else "cancelled")
    waitlist.offer_after_commit(booking.slot_id)
    return booking


@transaction.atomic
def move_booking(*, booking, new_slot, by_staff=False, reason=""):
    """Move the visit to another free start at the same location (any practitioner there who
    performs it). `by_staff`: the clinic moves it, and the patient's e-mail says so, with the
    `reason` staff give (optional)."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot", "package", "reservation")
        .get(pk=booking.pk)
    )
    if booking.status != Booking.Status.BOOKED or (not by_staff and not booking.can_be_changed()):
        raise ChangeNotAllowed
    new_slot = (
        Slot.objects.select_for_update(of=("self",))
        .select_related("practitioner")
        .get(pk=new_slot.pk)
    )
    if new_slot.pk == booking.slot_id:
        return booking
    if new_slot.location_id != booking.slot.location_id:
        raise SlotNotBookable("Tiden finns på en annan mottagning.")
    check_bookable(slot=new_slot, package=booking.package)
    old_slot = booking.slot
    reserve(slot=new_slot, package=booking.package, reservation=booking.reservation)
    booking.slot = new_slot
    fields = ["slot"]
    if by_staff:
        booking.cancel_reason = reason.strip()
        fields.append("cancel_reason")
    try:
        with transaction.atomic():
            booking.save(update_fields=fields)
    except IntegrityError:
        raise SlotTaken from None
    logger.info("booking %s moved from slot %s to %s", booking.pk, old_slot.pk, new_slot.pk)
    kind = "moved_by_clinic" if by_staff else "moved"
    send_booking_email(booking, kind, key_suffix=str(new_slot.pk), old_slot=old_slot)
    waitlist.offer_after_commit(old_slot.pk)
    return booking


@transaction.atomic
def set_note(*, booking, note):
    """Reception's note for the practitioner on the visit (blank removes it); returns the booking.
    The patient never sees it. Free times do not change, so the slot lists keep their cache."""
    note = (note or "").strip()
    max_length = Booking._meta.get_field("staff_note").max_length
    if len(note) > max_length:
        raise BookingError(f"Anteckningen får vara högst {max_length} tecken.")
    booking = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
    booking.staff_note = note
    booking.save(update_fields=["staff_note"])
    logger.info("booking %s note %s", booking.pk, "set" if note else "removed")
    return booking


@transaction.atomic
def anonymise_bookings(*, older_than_days, now=None, dry_run=False):
    """Blank patient details of bookings whose visit ended long ago; rows stay for counts."""
    now = now or timezone.now()
    old = Booking.objects.filter(
        reservation__end__lt=now - timedelta(days=older_than_days), anonymised_at__isnull=True
    )
    count = old.count()
    if not dry_run:
        Recall.objects.filter(booking__in=old).update(token=None)
        old.update(
            name="",
            email="",
            phone="",
            personnummer="",
            date_of_birth=None,
            message="",
            staff_note="",
            cancel_reason="",
            token=None,
            request_token=None,
            anonymised_at=now,
        )
    return count
