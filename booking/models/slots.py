"""Start times, and the practitioners' time that visits, holds and offers take.

A `Slot` is a time a practitioner may start a visit: one row per practitioner and start on
the grid (settings.BOOKING_GRID_MINUTES), made from their weekly hours by `generate_slots`.
Its `end` is when that stretch of working hours ends, so a visit fits when it ends by then.

A `Reservation` is the practitioner's time one visit takes, from its start to the end of
the buffer after it: a booking's, or a hold's (a patient typing their details, a waitlist
offer) until it expires. No practitioner ever has two live reservations that overlap, and
the database says so (migration 0008):
- PostgreSQL: an exclusion constraint over (practitioner, [start, blocked_until)) for the
  rows not released;
- SQLite: triggers that refuse such an insert or update (writes are serialised there:
  settings' transaction_mode IMMEDIATE).
A hold ends by time alone: an expired one is released by the next writer that needs its
time (booking.reservations.reserve), in the same transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone

from clinic.models import Location, Practitioner


class ReservationQuerySet(models.QuerySet):
    def live(self, now=None):
        """Reservations that block time now: not released, and (a hold) not expired."""
        return self.filter(released_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now or timezone.now())
        )

    def overlapping(self, start, blocked_until):
        return self.filter(start__lt=blocked_until, blocked_until__gt=start)


class Reservation(models.Model):
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name="fotspecialist",
    )
    start = models.DateTimeField("start")
    end = models.DateTimeField("besöket slutar")
    blocked_until = models.DateTimeField("upptagen till")
    expires_at = models.DateTimeField(
        "reserverad till", null=True, blank=True, help_text="Tomt för en bokning."
    )
    released_at = models.DateTimeField("släppt", null=True, blank=True)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name = "reserverad tid"
        verbose_name_plural = "reserverade tider"
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")) & Q(end__lte=F("blocked_until")),
                name="reservation_times_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["practitioner", "start"], name="reservation_practitioner_idx"),
            # "Is this start free?" (SlotQuerySet.free) looks only at reservations that end
            # after it: a few to come, not years of past visits.
            models.Index(
                fields=["practitioner", "blocked_until"], name="reservation_blocks_until_idx"
            ),
        ]

    def __str__(self):
        return f"{self.practitioner} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"


class SlotQuerySet(models.QuerySet):
    def at(self, location):
        return self.filter(location=location)

    def bookable_from(self):
        """The earliest start a patient may book now (the lead time)."""
        return timezone.now() + timedelta(minutes=settings.BOOKING_LEAD_MINUTES)

    def upcoming(self):
        return self.filter(start__gte=self.bookable_from())

    def free(self, minutes=None, holder=None, ignore=None, within=None):
        """Starts where the practitioner has `minutes` (default one grid step) with no live
        reservation, but `holder`'s hold or the reservation `ignore` (a visit being moved).

        `within` = (start, end): the caller asks only for starts in that window, so only the
        reservations that reach into it are looked at (the database then compares each start
        with a few of them, not with every reservation to come)."""
        span = timedelta(minutes=minutes or settings.BOOKING_GRID_MINUTES)
        taken = (
            Reservation.objects.live()
            .filter(practitioner=OuterRef("practitioner"), blocked_until__gt=OuterRef("start"))
            .filter(start__lt=ExpressionWrapper(OuterRef("start") + span, DateTimeField()))
        )
        if within is not None:
            taken = taken.filter(blocked_until__gt=within[0], start__lt=within[1] + span)
        if holder:
            taken = taken.exclude(hold__holder=holder)
        if ignore:
            taken = taken.exclude(pk=ignore.pk)
        return self.exclude(Exists(taken))

    def long_enough_for(self, package):
        return self.filter(end__gte=F("start") + timedelta(minutes=package.duration_minutes))

    def performing(self, package):
        """Starts of practitioners who take bookings and perform the package."""
        return self.filter(practitioner__is_active=True).exclude(
            practitioner__excluded_packages=package
        )

    def bookable(
        self, *, location, package, holder=None, practitioner=None, ignore=None, within=None
    ):
        """Free, upcoming starts at a location where the whole visit fits, of practitioners
        who perform the package (one practitioner's if given), in time order; with `within`
        = (start, end), only those from start until before end."""
        slots = self.at(location) if location else self
        if practitioner is not None:
            slots = slots.filter(practitioner=practitioner)
        if within is not None:
            slots = slots.filter(start__gte=within[0], start__lt=within[1])
        return (
            slots.upcoming()
            .performing(package)
            .long_enough_for(package)
            .free(package.blocked_minutes, holder=holder, ignore=ignore, within=within)
            .order_by("start", "practitioner_id")
        )


class Slot(models.Model):
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="slots", verbose_name="mottagning"
    )
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="slots", verbose_name="fotspecialist"
    )
    start = models.DateTimeField("start")
    end = models.DateTimeField(
        "arbetar till", help_text="Besök som börjar här måste vara slut senast då."
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["start", "practitioner_id"]
        verbose_name = "starttid"
        verbose_name_plural = "starttider"
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "start"],
                name="one_slot_per_practitioner_and_start",
                violation_error_message="Fotspecialisten har redan en tid med den starten.",
            ),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")),
                name="slot_starts_before_it_ends",
                violation_error_message="Tiden måste börja innan den slutar.",
            ),
        ]
        indexes = [models.Index(fields=["location", "start"], name="slot_location_start_idx")]

    def __str__(self):
        local = timezone.localtime(self.start)
        return f"{self.location} {local:%Y-%m-%d %H:%M} ({self.practitioner})"

    @property
    def minutes(self):
        return int((self.end - self.start).total_seconds() // 60)


class SlotHoldQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(reservation__expires_at__gt=now or timezone.now())


class SlotHold(models.Model):
    """A time kept for one holder for a while: a patient typing their details, or an offer.

    One per holder; its reservation keeps the practitioner's time for the package's length
    until the reservation's `expires_at`. A hold ends by time alone: an expired one blocks
    nothing.
    """

    slot = models.OneToOneField(
        Slot, on_delete=models.CASCADE, related_name="hold", verbose_name="tid"
    )
    reservation = models.OneToOneField(
        Reservation, on_delete=models.CASCADE, related_name="hold", verbose_name="reserverad tid"
    )
    holder = models.CharField("hållare", max_length=80, unique=True)
    client_address = models.GenericIPAddressField("adress", null=True, blank=True)
    created_at = models.DateTimeField("skapad", auto_now_add=True)

    objects = SlotHoldQuerySet.as_manager()

    class Meta:
        verbose_name = "reserverad tid"
        verbose_name_plural = "reserverade tider"

    def __str__(self):
        return f"{self.slot} ({self.holder})"

    @property
    def expires_at(self):
        return self.reservation.expires_at

    @property
    def is_active(self):
        return self.expires_at > timezone.now()
