"""Bookable times and the bookings that take them.

Slots are generated from each location's weekly schedule. A booking takes one
slot; "one active booking per slot" is a database constraint, so two patients
can never hold the same time, whatever the timing of their requests.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from clinic.models import Location, Practitioner, Weekday
from shop.models import TreatmentPackage

__all__ = ["Weekday"]  # booking's forms and admin take it from here too


class WeeklySchedule(models.Model):
    """Opening hours for booking: every <weekday> from <start> to <end>, in slots of N minutes."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="schedules", verbose_name="mottagning"
    )
    weekday = models.PositiveSmallIntegerField("veckodag", choices=Weekday.choices)
    start_time = models.TimeField("från")
    end_time = models.TimeField("till")
    slot_minutes = models.PositiveSmallIntegerField("tidslängd (minuter)", default=60)
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schedules",
        verbose_name="fotspecialist",
    )
    valid_from = models.DateField("gäller från", null=True, blank=True)
    valid_until = models.DateField("gäller till och med", null=True, blank=True)

    class Meta:
        ordering = ["location", "weekday", "start_time"]
        verbose_name = "veckoschema"
        verbose_name_plural = "veckoscheman"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")),
                name="schedule_starts_before_it_ends",
                violation_error_message="Starttiden måste vara före sluttiden.",
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=10), name="schedule_slots_at_least_10_minutes"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_from__lte=F("valid_until")),
                name="schedule_valid_period_in_order",
                violation_error_message="”Gäller från” måste vara före ”gäller till”.",
            ),
        ]

    def __str__(self):
        return (
            f"{self.location} {self.get_weekday_display()} "
            f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"
        )

    def applies_on(self, day):
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


class ScheduleException(models.Model):
    """Days without bookable times: holidays, closed days, or one practitioner's leave."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="closures", verbose_name="mottagning"
    )
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="fotspecialist",
        help_text="Tomt = hela mottagningen är stängd.",
    )
    date_from = models.DateField("från och med")
    date_to = models.DateField("till och med")
    reason = models.CharField("anledning", max_length=200, blank=True)

    class Meta:
        ordering = ["date_from"]
        verbose_name = "undantag (stängt/ledighet)"
        verbose_name_plural = "undantag (stängt/ledighet)"
        constraints = [
            models.CheckConstraint(
                condition=Q(date_from__lte=F("date_to")),
                name="exception_period_in_order",
                violation_error_message="”Från och med” måste vara före ”till och med”.",
            )
        ]

    def __str__(self):
        return f"{self.location}: {self.date_from}–{self.date_to} {self.reason}".strip()

    def covers(self, day, practitioner_id):
        return self.date_from <= day <= self.date_to and (
            self.practitioner_id is None or self.practitioner_id == practitioner_id
        )


class SlotQuerySet(models.QuerySet):
    def at(self, location):
        return self.filter(location=location)

    def bookable_from(self):
        """The earliest start a patient may book now (the lead time)."""
        return timezone.now() + timedelta(minutes=settings.BOOKING_LEAD_MINUTES)

    def upcoming(self):
        return self.filter(start__gte=self.bookable_from())

    def free(self, holder=None):
        """Not booked, and not held by anyone but `holder` (a hold ends by time alone)."""
        held = SlotHold.objects.active().filter(slot=OuterRef("pk"))
        if holder:
            held = held.exclude(holder=holder)
        booked = Booking.objects.active().filter(slot=OuterRef("pk"))
        return self.exclude(Exists(booked)).exclude(Exists(held))

    def long_enough_for(self, package):
        return self.filter(end__gte=F("start") + timedelta(minutes=package.duration_minutes))

    def bookable(self, *, location, package, holder=None):
        """Free, upcoming slots at a location, long enough for the package."""
        return self.at(location).upcoming().free(holder).long_enough_for(package).order_by("start")


class Slot(models.Model):
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="slots", verbose_name="mottagning"
    )
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name="fotspecialist",
    )
    start = models.DateTimeField("start")
    end = models.DateTimeField("slut")

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name = "bokningsbar tid"
        verbose_name_plural = "bokningsbara tider"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "start"],
                name="one_slot_per_location_and_start",
                violation_error_message="Det finns redan en tid med den starten på mottagningen.",
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
        return f"{self.location} {local:%Y-%m-%d %H:%M}"

    @property
    def minutes(self):
        return int((self.end - self.start).total_seconds() // 60)


class PatientDetails(models.Model):
    """Who the patient is: the same fields, validated the same way, wherever we ask."""

    name = models.CharField("namn", max_length=120)
    email = models.EmailField("e-post", max_length=254)
    phone = models.CharField("mobiltelefon", max_length=20)
    personnummer = models.CharField("personnummer", max_length=12, blank=True)
    date_of_birth = models.DateField("födelsedatum", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def masked_personnummer(self):
        if self.personnummer:
            return f"{self.personnummer[:8]}-****"
        if self.date_of_birth:
            return f"{self.date_of_birth:%Y%m%d} (födelsedatum)"
        return ""

    @property
    def formatted_personnummer(self):
        if not self.personnummer:
            return ""
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"


def new_token():
    return secrets.token_urlsafe(32)


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Booking.Status.CANCELLED)

    def for_day_view(self, *, location, day):
        return (
            self.active()
            .filter(slot__location=location, slot__start__date=day)
            .select_related("slot", "package", "slot__practitioner")
            .order_by("slot__start")
        )


class Booking(PatientDetails):
    class Status(models.TextChoices):
        BOOKED = "booked", "Bokad"
        CANCELLED = "cancelled", "Avbokad"
        ATTENDED = "attended", "Genomförd"
        NO_SHOW = "no_show", "Uteblev"

    # Optional here: reception books for patients without e-mail (the patient's form asks).
    email = models.EmailField("e-post", max_length=254, blank=True)
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name="tid"
    )
    package = models.ForeignKey(
        TreatmentPackage,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name="behandlingspaket",
    )
    price = models.PositiveIntegerField("pris vid bokning (kr)")
    status = models.CharField(
        "status", max_length=12, choices=Status.choices, default=Status.BOOKED
    )
    message = models.TextField("meddelande till mottagningen", max_length=1000, blank=True)
    consent_at = models.DateTimeField("samtycke lämnat", null=True, blank=True)
    # NULL, not "", once anonymised: unique columns allow many NULLs.
    token = models.CharField(  # noqa: DJ001
        "hanteringsnyckel", max_length=64, unique=True, null=True, default=new_token, editable=False
    )
    request_token = models.CharField(  # noqa: DJ001
        "formulärnyckel", max_length=64, unique=True, null=True, blank=True, editable=False
    )
    booked_by_staff = models.BooleanField("bokad av personal", default=False)
    created_at = models.DateTimeField("bokad", auto_now_add=True)
    cancelled_at = models.DateTimeField("avbokad", null=True, blank=True)
    cancelled_by_clinic = models.BooleanField("avbokad av mottagningen", default=False)
    cancel_reason = models.TextField(
        "orsak till patienten",
        max_length=500,
        blank=True,
        help_text="Valfritt. Skickas till patienten när mottagningen avbokar besöket eller "
        "flyttar det (ändrar tiden här), till exempel ”Fotspecialisten är sjuk”.",
    )
    reminder_sent_at = models.DateTimeField("påminnelse skickad", null=True, blank=True)
    anonymised_at = models.DateTimeField("anonymiserad", null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["-slot__start"]
        verbose_name = "bokning"
        verbose_name_plural = "bokningar"
        permissions = [("view_full_personnummer", "Kan se fullständigt personnummer")]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=~Q(status="cancelled"),
                name="one_active_booking_per_slot",
                violation_error_message="Tiden är redan bokad.",
            ),
            models.CheckConstraint(
                condition=~Q(personnummer="")
                | Q(date_of_birth__isnull=False)
                | Q(anonymised_at__isnull=False),
                name="booking_identifies_the_patient",
                violation_error_message="Ange personnummer eller födelsedatum.",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="cancelled_booking_has_cancel_time",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="booking_status_idx")]

    def __str__(self):
        return f"{self.package} {self.slot}"

    def get_absolute_url(self):
        return reverse("booking:manage", kwargs={"token": self.token})

    @property
    def location(self):
        return self.slot.location

    @property
    def is_active(self):
        return self.status != self.Status.CANCELLED

    @property
    def change_deadline_hours(self):
        return settings.BOOKING_CHANGE_DEADLINE_HOURS

    def change_deadline(self):
        return self.slot.start - timedelta(hours=settings.BOOKING_CHANGE_DEADLINE_HOURS)

    def can_be_changed(self, now=None):
        now = now or timezone.now()
        return self.status == self.Status.BOOKED and now < self.change_deadline()


class SlotHoldQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class SlotHold(models.Model):
    """A slot kept for one holder for a while: a patient typing their details, or an offer.

    One row per slot at most (a database constraint), and one per holder. A hold
    ends by time alone: an expired row blocks nothing and is taken over or tidied.
    """

    slot = models.OneToOneField(
        Slot, on_delete=models.CASCADE, related_name="hold", verbose_name="tid"
    )
    holder = models.CharField("hållare", max_length=80, unique=True)
    client_address = models.GenericIPAddressField("adress", null=True, blank=True)
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    expires_at = models.DateTimeField("gäller till")

    objects = SlotHoldQuerySet.as_manager()

    class Meta:
        verbose_name = "reserverad tid"
        verbose_name_plural = "reserverade tider"
        indexes = [models.Index(fields=["expires_at"], name="hold_expires_idx")]

    def __str__(self):
        return f"{self.slot} ({self.holder})"

    @property
    def is_active(self):
        return self.expires_at > timezone.now()


class TimeOfDay(models.TextChoices):
    ANY = "any", "Hela dagen"
    MORNING = "morning", "Förmiddag (före kl. 12)"
    AFTERNOON = "afternoon", "Eftermiddag (från kl. 12)"


def email_key(address):
    """One inbox's addresses as one: lower case, without a +tag ("Ann+2@x.se" is "ann@x.se")."""
    local, at, domain = (address or "").strip().lower().rpartition("@")
    if not at:
        return domain
    return f"{local.split('+', 1)[0]}@{domain}"


class WaitlistEntryQuerySet(models.QuerySet):
    def waiting(self, today=None):
        """Confirmed entries still waiting whose last day has not passed."""
        return self.filter(
            status=WaitlistEntry.Status.WAITING,
            confirmed_at__isnull=False,
            latest_date__gte=today or timezone.localdate(),
        )


class WaitlistEntry(PatientDetails):
    class Status(models.TextChoices):
        WAITING = "waiting", "Väntar"
        BOOKED = "booked", "Har bokat"
        LEFT = "left", "Har lämnat listan"

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="waitlist", verbose_name="mottagning"
    )
    package = models.ForeignKey(
        TreatmentPackage,
        on_delete=models.CASCADE,
        related_name="waitlist",
        verbose_name="behandlingspaket",
    )
    earliest_date = models.DateField("tidigast")
    latest_date = models.DateField("senast")
    weekdays = models.CharField(
        "veckodagar", max_length=7, blank=True, help_text="Siffror 0–6 (måndag = 0); tomt = alla."
    )
    time_of_day = models.CharField(
        "tid på dagen", max_length=10, choices=TimeOfDay.choices, default=TimeOfDay.ANY
    )
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.WAITING
    )
    token = models.CharField(  # noqa: DJ001 - NULL once anonymised
        "nyckel", max_length=64, unique=True, null=True, default=new_token, editable=False
    )
    created_at = models.DateTimeField("anmäld", auto_now_add=True)
    confirmed_at = models.DateTimeField("e-post bekräftad", null=True, blank=True)
    anonymised_at = models.DateTimeField("anonymiserad", null=True, blank=True)
    # Who counts as one patient for WAITLIST_MAX_OPEN_OFFERS: the e-mail without case or
    # +tag, and the client address (IPv6 by its /64) the entry was made from.
    email_key = models.CharField("e-post (räknas som)", max_length=254, blank=True, editable=False)
    client_address = models.GenericIPAddressField("adress", null=True, blank=True, editable=False)
    # A change asked for by joining again: kept aside until confirmed from the inbox.
    pending_change = models.JSONField("ändring som väntar", null=True, blank=True, editable=False)
    change_token = models.CharField(  # noqa: DJ001 - NULL when no change waits
        "ändringsnyckel", max_length=64, unique=True, null=True, blank=True, editable=False
    )
    confirmation_sent_at = models.DateTimeField(
        "bekräftelsemejl skickat", null=True, blank=True, editable=False
    )

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "väntelisteplats"
        verbose_name_plural = "väntelista"
        constraints = [
            models.CheckConstraint(
                condition=Q(earliest_date__lte=F("latest_date")),
                name="waitlist_dates_in_order",
                violation_error_message="Det tidigaste datumet måste vara före det senaste.",
            ),
            models.CheckConstraint(
                condition=~Q(personnummer="")
                | Q(date_of_birth__isnull=False)
                | Q(anonymised_at__isnull=False),
                name="waitlist_identifies_the_patient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["location", "package", "status", "created_at"], name="waitlist_queue_idx"
            ),
            models.Index(fields=["email_key"], name="waitlist_email_key_idx"),
        ]

    def __str__(self):
        return f"{self.name or 'Anonym'}: {self.package} i {self.location}"

    def save(self, *args, **kwargs):
        self.email_key = email_key(self.email)
        if kwargs.get("update_fields") is not None and "email" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "email_key"}
        super().save(*args, **kwargs)

    def matches(self, slot, today=None):
        """Whether the patient's wishes fit the slot (dates, weekday, time of day; local time)."""
        local = timezone.localtime(slot.start)
        day = local.date()
        if not (max(self.earliest_date, today or timezone.localdate()) <= day <= self.latest_date):
            return False
        if self.weekdays and str(day.weekday()) not in self.weekdays:
            return False
        if self.time_of_day == TimeOfDay.MORNING:
            return local.hour < 12
        if self.time_of_day == TimeOfDay.AFTERNOON:
            return local.hour >= 12
        return True


class WaitlistOffer(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Erbjuden"
        ACCEPTED = "accepted", "Bokad"
        DECLINED = "declined", "Avböjd"
        EXPIRED = "expired", "Gick ut"
        WITHDRAWN = "withdrawn", "Återtagen"

    entry = models.ForeignKey(
        WaitlistEntry, on_delete=models.CASCADE, related_name="offers", verbose_name="patient"
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.CASCADE, related_name="offers", verbose_name="tid"
    )
    status = models.CharField("status", max_length=10, choices=Status.choices, default=Status.OPEN)
    token = models.CharField(
        "nyckel", max_length=64, unique=True, default=new_token, editable=False
    )
    created_at = models.DateTimeField("erbjuden", auto_now_add=True)
    expires_at = models.DateTimeField("gäller till")
    closed_at = models.DateTimeField("avslutad", null=True, blank=True)
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="bokning"
    )
    made_by_staff = models.BooleanField("erbjuden av personal", default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "erbjudande från väntelistan"
        verbose_name_plural = "erbjudanden från väntelistan"
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=Q(status="open"), name="one_open_offer_per_slot"
            ),
            models.UniqueConstraint(
                fields=["entry"], condition=Q(status="open"), name="one_open_offer_per_patient"
            ),
        ]

    def __str__(self):
        return f"{self.slot} → {self.entry}"

    def get_absolute_url(self):
        return reverse("booking:offer", kwargs={"token": self.token})

    @property
    def holder(self):
        return f"offer:{self.pk}"
