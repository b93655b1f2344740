"""What every figure is made of: a chart and its table (Figure), the registry of figures in
page order (FIGURES, @figure), and grouping by week or month in Stockholm time."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from clinic.charts import Chart, format_number

from ..models import Booking
from .scope import month_label, month_tick, week_label, week_tick

FIGURES = {}


@dataclass
class Column:
    name: str
    values: list
    unit: str = ""


@dataclass
class Figure:
    key: str
    chart: Chart
    extra: list = field(default_factory=list)  # columns only in the table
    note: str = ""

    @property
    def title(self):
        return self.chart.title

    def columns(self):
        return [Column(s.name, s.values, self.chart.unit) for s in self.chart.series] + self.extra

    def rows(self):
        """[category, value, value, ...] per row of the table (and the CSV)."""
        columns = self.columns()
        return [
            [category, *(column.values[n] for column in columns)]
            for n, category in enumerate(self.chart.categories)
        ]

    def table(self):
        """rows() as the table shows them: Swedish numbers ("1 250", "12,5"), "–" for none."""
        return [[category, *map(format_number, values)] for category, *values in self.rows()]


def figure(key):
    def register(function):
        FIGURES[key] = function
        return function

    return register


def zone():
    return ZoneInfo(settings.TIME_ZONE)


def week(field_name):
    return TruncWeek(field_name, tzinfo=zone())


def month(field_name):
    return TruncMonth(field_name, tzinfo=zone())


def bucket(value):
    """A truncated week or month as a local date."""
    return timezone.localtime(value, zone()).date() if isinstance(value, datetime) else value


def visits(scope):
    """Bookings whose visit starts in the period at the locations."""
    return Booking.objects.filter(
        slot__location__in=scope.locations, slot__start__gte=scope.start, slot__start__lt=scope.end
    )


def weekly(scope):
    weeks = scope.weeks()
    return weeks, [week_label(w) for w in weeks], [week_tick(w) for w in weeks]


def monthly(scope):
    months = scope.months()
    return months, [month_label(m) for m in months], [month_tick(m) for m in months]


def percent(part, whole):
    return round(100 * part / whole, 1) if whole else None
