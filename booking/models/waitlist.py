"""The waitlist: patients waiting for a freed time, and the times offered to them."""

from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from clinic.models import Location, Practitioner
from shop.models import TreatmentPackage

from .bookings import Booking
from .patients import PatientDetails, new_token
from .slots import Slot


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
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist",
        verbose_name="fotspecialist",
        help_text="Tomt = första lediga.",
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
        """Whether the patient's wishes fit the slot (practitioner if chosen, dates, weekday,
        time of day; local time)."""
        if self.practitioner_id and slot.practitioner_id != self.practitioner_id:
            return False
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
    def end(self):
        """When the offered visit would end: its package's length from the start."""
        return self.slot.start + timedelta(minutes=self.entry.package.duration_minutes)

    @property
    def holder(self):
        return f"offer:{self.pk}"
