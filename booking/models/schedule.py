"""When practitioners work: weekly hours per location, and the days they don't."""

from django.db import models
from django.db.models import F, Q

from clinic.models import Location, Practitioner, Weekday


class WeeklySchedule(models.Model):
    """A practitioner's working hours at a location: every <weekday> from <start> to <end>.

    Visits start on the grid of settings.BOOKING_GRID_MINUTES inside these hours and end by
    <end>; a break is two rows (08:00–12:00 and 13:00–17:00)."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="schedules", verbose_name="mottagning"
    )
    weekday = models.PositiveSmallIntegerField("veckodag", choices=Weekday.choices)
    start_time = models.TimeField("från")
    end_time = models.TimeField("till")
    practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.CASCADE,
        related_name="schedules",
        verbose_name="fotspecialist",
    )
    valid_from = models.DateField("gäller från", null=True, blank=True)
    valid_until = models.DateField("gäller till och med", null=True, blank=True)

    class Meta:
        ordering = ["location", "practitioner", "weekday", "start_time"]
        verbose_name = "veckoschema"
        verbose_name_plural = "veckoscheman"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")),
                name="schedule_starts_before_it_ends",
                violation_error_message="Starttiden måste vara före sluttiden.",
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
            f"{self.location}, {self.practitioner}: {self.get_weekday_display()} "
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
