"""Specialists' working hours, their days away, and the start times made from them."""

from django.conf import settings
from django.contrib import admin
from django.utils import timezone

from clinic import admin as clinic_admin
from clinic.admin_selection import ValidSelectionMixin
from clinic.models import Location, Practitioner

from .. import waitlist
from ..models import (
    Booking,
    ScheduleException,
    Slot,
    WeeklySchedule,
)
from ..schedule import generate_slots
from .dates import local


@admin.register(WeeklySchedule)
class WeeklyScheduleAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["location", "practitioner", "weekday", "start_time", "end_time"]
    list_filter = ["location", "practitioner", "weekday"]
    list_select_related = ["location", "practitioner"]
    actions = ["generate"]

    @admin.action(description="Skapa bokningsbara tider för kommande veckor")
    def generate(self, request, queryset):
        locations = Location.objects.filter(schedules__in=queryset).distinct()
        result = generate_slots(weeks=settings.BOOKING_WEEKS_AHEAD, locations=locations)
        self.message_user(
            request,
            f"{result.created} nya tider skapades, {result.removed} lediga tider togs bort "
            f"på stängda dagar ({settings.BOOKING_WEEKS_AHEAD} veckor framåt).",
        )


@admin.register(ScheduleException)
class ScheduleExceptionAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["location", "date_from", "date_to", "practitioner", "reason"]
    list_filter = ["location"]
    list_select_related = ["location", "practitioner"]


class BookedFilter(admin.SimpleListFilter):
    title = "bokad eller ledig"
    parameter_name = "bokad"

    def lookups(self, request, model_admin):
        return [("ja", "Bokad"), ("nej", "Ledig")]

    def queryset(self, request, queryset):
        booked = Booking.objects.active().values("slot")
        if self.value() == "ja":
            return queryset.filter(pk__in=booked)
        if self.value() == "nej":
            return queryset.exclude(pk__in=booked)
        return queryset


@admin.register(Slot)
class SlotAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["local_start", "local_end", "location", "practitioner"]
    list_filter = ["location", BookedFilter, ("start", admin.DateFieldListFilter)]
    list_select_related = ["location", "practitioner"]
    date_hierarchy = "start"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            waitlist.offer_after_commit(obj.pk)

    @admin.display(description="Tid", ordering="start")
    def local_start(self, slot):
        return local(slot.start)

    @admin.display(description="Arbetar till", ordering="end")
    def local_end(self, slot):
        return timezone.localtime(slot.end).strftime("%H:%M")


class WeeklyScheduleInline(admin.TabularInline):
    model = WeeklySchedule
    extra = 0
    fields = ["location", "weekday", "start_time", "end_time", "valid_from", "valid_until"]


class ScheduleExceptionInline(admin.TabularInline):
    model = ScheduleException
    fk_name = "practitioner"
    extra = 0
    fields = ["location", "date_from", "date_to", "reason"]
    verbose_name = "ledighet eller kurs"
    verbose_name_plural = "ledigheter och kurser"


# A specialist's page shows their working hours and days away (booking's models), so the
# clinic adds a specialist and their week in one place.
admin.site.unregister(Practitioner)


@admin.register(Practitioner)
class PractitionerAdmin(clinic_admin.PractitionerAdmin):
    inlines = [WeeklyScheduleInline, ScheduleExceptionInline]
