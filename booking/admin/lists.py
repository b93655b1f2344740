"""Reception's booking list: its filters, its order and its search (booking/admin.py uses them)."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import admin
from django.db.models import Case, F, IntegerField, Q, When
from django.utils import timezone

from clinic.patients import clean_personnummer, clean_phone

from ..models import Booking

ALL = "alla"


class StatusFilter(admin.SimpleListFilter):
    """Active visits unless asked: cancelled ones are one click away under "Alla"."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [(ALL, "Alla"), *Booking.Status.choices]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Aktiva (ej avbokade)",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset.active()
        if value in Booking.Status.values:
            return queryset.filter(status=value)
        return queryset


def local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time()))


class VisitDayFilter(admin.SimpleListFilter):
    """Visits of today, tomorrow or this week (Monday to Sunday), by Stockholm dates."""

    title = "besöksdag"
    parameter_name = "dag"

    def lookups(self, request, model_admin):
        return [("i-dag", "I dag"), ("i-morgon", "I morgon"), ("denna-vecka", "Denna vecka")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        first, days = {
            "i-dag": (today, 1),
            "i-morgon": (today + timedelta(days=1), 1),
            "denna-vecka": (today - timedelta(days=today.weekday()), 7),
        }.get(self.value(), (None, 0))
        if first is None:
            return queryset
        return queryset.filter(
            slot__start__gte=local_midnight(first),
            slot__start__lt=local_midnight(first + timedelta(days=days)),
        )


def upcoming_first():
    """Today's and later visits first, soonest first; then past ones, latest first."""
    today = local_midnight(timezone.localdate())
    past = Case(When(slot__start__lt=today, then=1), default=0, output_field=IntegerField())
    upcoming_start = Case(When(slot__start__gte=today, then=F("slot__start")))
    return [past.asc(), upcoming_start.asc(nulls_last=True), F("slot__start").desc()]


def exact_matches(term):
    """A phone or personnummer however it is written, as the patient forms store it."""
    query = Q()
    for normalise, field in [(clean_phone, "phone"), (clean_personnummer, "personnummer")]:
        try:
            query |= Q(**{field: normalise(term)})
        except forms.ValidationError:
            continue
    return query
