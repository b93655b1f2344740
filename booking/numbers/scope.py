"""What the numbers page shows: which locations and which days (the filter form)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils import timezone

from ..weeks import local_midnight

MONTHS = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
LONGEST = timedelta(days=3 * 366)  # a custom period: at most three years (157 weeks)


@dataclass(frozen=True)
class Scope:
    """Locations and the local days from `first` to `last` (both included)."""

    locations: tuple
    first: date
    last: date

    @property
    def start(self):
        return local_midnight(self.first)

    @property
    def end(self):
        return local_midnight(self.last + timedelta(days=1))

    def weeks(self):
        """The Mondays of the weeks the period touches."""
        monday = self.first - timedelta(days=self.first.weekday())
        return [monday + timedelta(weeks=n) for n in range((self.last - monday).days // 7 + 1)]

    def months(self):
        """The first days of the months the period touches."""
        months, month = [], self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


def week_label(monday):
    year, week, _ = monday.isocalendar()
    return f"v. {week} {year}"


def week_tick(monday):
    return f"v. {monday.isocalendar()[1]}"


def month_label(first):
    return f"{MONTHS[first.month - 1]} {first.year}"


def month_tick(first):
    return MONTHS[first.month - 1] if first.month != 1 else f"jan {first.year % 100:02}"


def period_days(period, today):
    """(first, last) of a named period; today's week, month or the last twelve months."""
    if period == "vecka":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    month = today.replace(day=1)
    last = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    if period == "manad":
        return month, last
    year, number = divmod(month.year * 12 + month.month - 1 - 11, 12)
    return date(year, number + 1, 1), last


class ScopeForm(forms.Form):
    PERIODS = [
        ("vecka", "Denna vecka"),
        ("manad", "Denna månad"),
        ("12-manader", "Senaste 12 månaderna"),
        ("datum", "Egna datum"),
    ]
    ort = forms.ChoiceField(label="Mottagning", required=False)
    period = forms.ChoiceField(label="Period", choices=PERIODS, required=False)
    fran = forms.DateField(
        label="Från och med",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Skriv datumet som ÅÅÅÅ-MM-DD."},
    )
    till = forms.DateField(
        label="Till och med",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Skriv datumet som ÅÅÅÅ-MM-DD."},
    )

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.locations = list(locations)
        self.fields["ort"].choices = [("", "Båda mottagningarna")] + [
            (location.slug, location.city) for location in self.locations
        ]
        for name in ("ort", "period"):
            self.fields[name].error_messages["invalid_choice"] = "Välj ett av alternativen."

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        period = data.get("period") or "12-manader"
        if period == "datum":
            first, last = data.get("fran"), data.get("till")
            if first is None:
                self.add_error("fran", "Ange från vilket datum.")
            if last is None:
                self.add_error("till", "Ange till vilket datum.")
            if first is None or last is None:
                return data
            if not (date(2000, 1, 1) <= first <= date(2100, 12, 31)):
                self.add_error("fran", "Datumet ligger utanför det vi kan visa.")
            elif not (date(2000, 1, 1) <= last <= date(2100, 12, 31)):
                self.add_error("till", "Datumet ligger utanför det vi kan visa.")
            elif last < first:
                self.add_error(
                    "till", "”Till och med” måste vara samma dag som eller efter ”från”."
                )
            elif last - first > LONGEST:
                self.add_error("till", "Välj högst tre år åt gången.")
            data["first"], data["last"] = first, last
        else:
            data["first"], data["last"] = period_days(period, today)
        data["period"] = period
        return data

    def scope(self):
        """The Scope asked for (call after is_valid())."""
        slug = self.cleaned_data.get("ort")
        chosen = tuple(loc for loc in self.locations if not slug or loc.slug == slug)
        return Scope(chosen, self.cleaned_data["first"], self.cleaned_data["last"])
