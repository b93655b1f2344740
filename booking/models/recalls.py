"""Recalls: the one e-mail, weeks after a visit, that invites the patient to a return visit."""

from django.db import models
from django.urls import reverse

from .bookings import Booking
from .patients import new_token


class RecallQuerySet(models.QuerySet):
    def at(self, locations):
        return self.filter(booking__slot__location__in=locations)


class Recall(models.Model):
    """Sent once per visit: the row is the claim (one per booking, by a unique constraint), made
    in the same transaction as the queued e-mail."""

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="recall", verbose_name="besök"
    )
    sent_at = models.DateTimeField("skickad")
    # NULL, not "", once anonymised with its booking: unique columns allow many NULLs.
    token = models.CharField(  # noqa: DJ001
        "avböjningsnyckel", max_length=64, unique=True, null=True, default=new_token, editable=False
    )
    declined_at = models.DateTimeField("avböjd", null=True, blank=True)

    objects = RecallQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "påminnelse om återbesök"
        verbose_name_plural = "påminnelser om återbesök"

    def __str__(self):
        return f"Påminnelse om återbesök: {self.booking}"

    def get_absolute_url(self):
        return reverse("booking:recall-decline", kwargs={"token": self.token})
