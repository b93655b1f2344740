"""Bookings: a patient's visit in a practitioner's reserved time."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from shop.models import TreatmentPackage

from .patients import PatientDetails, new_token
from .slots import Reservation, Slot


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Booking.Status.CANCELLED)

    def for_day_view(self, *, location, day):
        return (
            self.active()
            .filter(slot__location=location, slot__start__date=day)
            .select_related("slot", "package", "reservation__practitioner")
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
    # The practitioner's time the visit takes (its true length and the buffer after it).
    reservation = models.OneToOneField(
        Reservation,
        on_delete=models.PROTECT,
        related_name="booking",
        verbose_name="reserverad tid",
        editable=False,
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
    # Reception's note for the practitioner (the calendar's "Anteckning"); never mailed.
    staff_note = models.TextField("anteckning till fotspecialisten", max_length=1000, blank=True)
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
    # The patient's own choice at booking (off by default): a recall after a visit whose
    # package leads to a return visit (booking/recall.py).
    wants_recall = models.BooleanField("vill få påminnelse om återbesök", default=False)
    anonymised_at = models.DateTimeField("anonymiserad", null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["-slot__start"]
        verbose_name = "bokning"
        verbose_name_plural = "bokningar"
        permissions = [
            ("view_full_personnummer", "Kan se fullständigt personnummer"),
            ("view_statistics", "Kan se statistik"),
        ]
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
    def start(self):
        return self.reservation.start

    @property
    def end(self):
        """When the visit ends (its package's length when booked; the buffer not included)."""
        return self.reservation.end

    @property
    def practitioner(self):
        return self.reservation.practitioner

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
