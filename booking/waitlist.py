"""The waitlist: freed times are offered by themselves, first come, first served.

Only a slot that BECOMES free while patients wait (a cancellation, a move, a time staff
add, new times from the schedule) is offered: the first confirmed patient in line whose
wishes match gets it by e-mail, and the slot is held for them (a SlotHold owned by the
offer), so the public calendar does not show it. Declined or expired, it goes to the next;
with no one left the hold ends and the slot is public again. A time that was already free
is never held for anyone: a patient whose wishes match such times is shown them when they
confirm (booking/waitlist_signup.py) and books like anyone else. One inbox (the e-mail
without +tag) and one client address (IPv6 by /64) have at most WAITLIST_MAX_OPEN_OFFERS
open offers at once. `manage.py process_waitlist` (cron) expires offers and passes them on.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Value
from django.db.models.functions import Upper
from django.db.models.lookups import Exact
from django.utils import timezone

from clinic.mail import queue_email

from .errors import BookingError, CannotOffer, SlotTaken
from .models import Reservation, Slot, SlotHold, WaitlistEntry, WaitlistOffer
from .reservations import reserve
from .rules import check_bookable
from .weeks import distinct_starts

logger = logging.getLogger(__name__)


def offer_after_commit(slot_id):
    """Offer a freed slot once the freeing transaction has committed; never fails the caller."""
    transaction.on_commit(lambda: offer_slot(slot_id), robust=True)


def offer_new_slots_after_commit(slot_ids):
    """Offer newly created slots to waiting patients once they are committed."""
    slot_ids = list(slot_ids)

    def offer_all():
        if not WaitlistEntry.objects.waiting().exists():
            return
        for slot_id in slot_ids:
            offer_slot(slot_id)

    transaction.on_commit(offer_all, robust=True)


def open_offers_limit_reached(entry):
    """Whether the entry's inbox or client address already has the most open offers allowed."""
    limit = settings.WAITLIST_MAX_OPEN_OFFERS
    open_offers = WaitlistOffer.objects.filter(status=WaitlistOffer.Status.OPEN)
    if entry.email_key and open_offers.filter(entry__email_key=entry.email_key).count() >= limit:
        return True
    return bool(entry.client_address) and (
        open_offers.filter(entry__client_address=entry.client_address).count() >= limit
    )


def hold_until(slot, now):
    """How long an offer holds its slot: shorter when the visit is close, never past the lead."""
    minutes = (
        settings.OFFER_HOLD_MINUTES_SOON
        if slot.start - now < timedelta(days=1)
        else settings.OFFER_HOLD_MINUTES
    )
    return min(
        now + timedelta(minutes=minutes),
        slot.start - timedelta(minutes=settings.BOOKING_LEAD_MINUTES),
    )


def offerable(slot, package, now):
    """Whether the whole visit of the package fits at the slot's start, free, and no one has
    been offered that start."""
    try:
        check_bookable(slot=slot, package=package, now=now)
    except BookingError:
        return False
    return (
        Slot.objects.free(package.blocked_minutes).filter(pk=slot.pk).exists()
        and not WaitlistOffer.objects.filter(slot=slot, status=WaitlistOffer.Status.OPEN).exists()
    )


def make_offer(*, entry, slot, now=None, by_staff=False):
    """Offer the slot to the entry and hold it for them; CannotOffer when it can't be."""
    now = now or timezone.now()
    with transaction.atomic():
        slot = (
            Slot.objects.select_for_update(of=("self",))
            .select_related("location", "practitioner")
            .get(pk=slot.pk)
        )
        entry = WaitlistEntry.objects.select_for_update().select_related("package").get(pk=entry.pk)
        if entry.status != WaitlistEntry.Status.WAITING or entry.confirmed_at is None:
            raise CannotOffer("Patienten står inte (bekräftad) på väntelistan.")
        if entry.offers.filter(status=WaitlistOffer.Status.OPEN).exists():
            raise CannotOffer("Patienten har redan ett öppet erbjudande.")
        if not by_staff and open_offers_limit_reached(entry):
            raise CannotOffer("Samma e-post eller adress har redan för många öppna erbjudanden.")
        if slot.location_id != entry.location_id or not offerable(slot, entry.package, now):
            raise CannotOffer("Tiden är inte ledig för den behandlingen på den mottagningen.")
        expires = hold_until(slot, now)
        if expires <= now + timedelta(minutes=5):
            raise CannotOffer("Tiden ligger för nära i tid för att erbjudas.")
        try:
            with transaction.atomic():
                offer = WaitlistOffer.objects.create(
                    entry=entry, slot=slot, expires_at=expires, made_by_staff=by_staff
                )
                Reservation.objects.filter(hold__slot=slot, expires_at__lte=now).delete()
                reservation = reserve(slot=slot, package=entry.package, expires_at=expires, now=now)
                SlotHold.objects.create(slot=slot, reservation=reservation, holder=offer.holder)
        except (IntegrityError, SlotTaken):
            raise CannotOffer("Tiden hann tas av någon annan.") from None
        queue_email(
            key=f"waitlist-offer:{offer.pk}",
            to=[entry.email],
            template="booking/email/waitlist_offer",
            context={"offer": offer, "entry": entry, "slot": slot, "location": slot.location},
        )
    logger.info("waitlist offer %s: slot %s to entry %s", offer.pk, slot.pk, entry.pk)
    return offer


def offer_slot(slot_id, now=None):
    """Offer a free slot to the first matching patient in line; None when no one matches."""
    now = now or timezone.now()
    slot = Slot.objects.filter(pk=slot_id).select_related("location").first()
    if slot is None:
        return None
    candidates = (
        WaitlistEntry.objects.waiting(timezone.localdate(now))
        .filter(location=slot.location_id, package__is_active=True)
        .filter(Q(practitioner__isnull=True) | Q(practitioner=slot.practitioner_id))
        .exclude(offers__status=WaitlistOffer.Status.OPEN)
        .exclude(offers__slot=slot)
        .select_related("package")
        .order_by("created_at", "pk")
    )
    for entry in candidates:
        if not entry.matches(slot, timezone.localdate(now)) or open_offers_limit_reached(entry):
            continue
        if not offerable(slot, entry.package, now):
            continue
        try:
            return make_offer(entry=entry, slot=slot, now=now)
        except CannotOffer:
            continue
    return None


@transaction.atomic
def expire_offers(now=None):
    """Close offers whose time ran out; returns their slots (to be offered to the next)."""
    now = now or timezone.now()
    due = WaitlistOffer.objects.filter(status=WaitlistOffer.Status.OPEN, expires_at__lte=now)
    if not due.exists():
        return []
    overdue = list(due.select_for_update())
    for offer in overdue:
        offer.status, offer.closed_at = WaitlistOffer.Status.EXPIRED, now
        offer.save(update_fields=["status", "closed_at"])
        Reservation.objects.filter(hold__holder=offer.holder).delete()
    return [offer.slot_id for offer in overdue]


def process_waitlist(now=None):
    """Expire old offers and pass their slots on to the next matching patient in line.

    Times that were free all along are never offered here: they stay in the public calendar
    (a newly confirmed patient is shown them, booking/waitlist_signup.py).
    """
    now = now or timezone.now()
    made = 0
    for slot_id in expire_offers(now):
        made += offer_slot(slot_id, now) is not None
    return made


def matching_free_slots(entry, now=None, limit=10):
    """Free times that fit the entry's wishes, for anyone to book (nothing is held)."""
    now = now or timezone.now()
    zone_day = timezone.localdate(now)
    start = max(entry.earliest_date, zone_day)
    slots = (
        Slot.objects.bookable(
            location=entry.location, package=entry.package, practitioner=entry.practitioner
        )
        .filter(start__date__gte=start, start__date__lte=entry.latest_date)
        .exclude(offers__status=WaitlistOffer.Status.OPEN)[:200]
    )
    return distinct_starts(slot for slot in slots if entry.matches(slot, zone_day))[:limit]


@transaction.atomic
def decline_offer(*, offer, now=None):
    offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != WaitlistOffer.Status.OPEN:
        return offer
    offer.status, offer.closed_at = WaitlistOffer.Status.DECLINED, now or timezone.now()
    offer.save(update_fields=["status", "closed_at"])
    Reservation.objects.filter(hold__holder=offer.holder).delete()
    offer_after_commit(offer.slot_id)
    return offer


@transaction.atomic
def leave(*, entry, now=None):
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == WaitlistEntry.Status.WAITING:
        entry.status = WaitlistEntry.Status.LEFT
        entry.save(update_fields=["status"])
        withdraw_open_offers(entry, now)
    return entry


def withdraw_open_offers(entry, now=None):
    for offer in entry.offers.filter(status=WaitlistOffer.Status.OPEN):
        offer.status, offer.closed_at = WaitlistOffer.Status.WITHDRAWN, now or timezone.now()
        offer.save(update_fields=["status", "closed_at"])
        Reservation.objects.filter(hold__holder=offer.holder).delete()
        offer_after_commit(offer.slot_id)


def waiting(*, location, package, email):
    """The e-mail's entries waiting for the package at the location, the e-mail's case aside.
    `location` may be an OuterRef and `email` an expression: services.slot_for_booking asks
    in the query that fetches the slot."""
    if isinstance(email, str):
        email = Value(email)
    return WaitlistEntry.objects.filter(
        Exact(Upper("email"), Upper(email)),
        location=location,
        package=package,
        status=WaitlistEntry.Status.WAITING,
    )


def leave_after_booking(booking):
    """A patient who books this package at this location has no more need to wait for it."""
    if not booking.email:
        return
    for entry in waiting(
        location=booking.slot.location_id, package=booking.package_id, email=booking.email
    ):
        entry.status = WaitlistEntry.Status.BOOKED
        entry.save(update_fields=["status"])
        open_offers = entry.offers.filter(status=WaitlistOffer.Status.OPEN)
        open_offers.filter(slot=booking.slot).update(
            status=WaitlistOffer.Status.ACCEPTED, closed_at=timezone.now(), booking=booking
        )
        withdraw_open_offers(entry)


@transaction.atomic
def anonymise(*, older_than_days, now=None, dry_run=False):
    now = now or timezone.now()
    old = WaitlistEntry.objects.filter(
        latest_date__lt=timezone.localdate(now) - timedelta(days=older_than_days),
        anonymised_at__isnull=True,
    )
    count = old.count()
    if not dry_run:
        old.update(
            name="",
            email="",
            phone="",
            personnummer="",
            date_of_birth=None,
            token=None,
            email_key="",
            client_address=None,
            pending_change=None,
            change_token=None,
            anonymised_at=now,
        )
    return count
