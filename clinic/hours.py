"""A location's opening hours as the contact page and structured data show them."""

from datetime import timedelta

from django.utils import timezone

from .models import OpeningException, Weekday

EXCEPTIONS_AHEAD_DAYS = 90
SCHEMA_DAYS = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
]


def week(location):
    """Seven rows, Monday first: (weekday name, [OpeningHours]) ; an empty list is closed."""
    by_day = {}
    for hours in location.opening_hours_set.all():
        by_day.setdefault(hours.weekday, []).append(hours)
    return [(label.capitalize(), by_day.get(value, [])) for value, label in Weekday.choices]


def upcoming_exceptions(location, today=None):
    today = today or timezone.localdate()
    return OpeningException.objects.filter(
        location=location,
        date__gte=today,
        date__lte=today + timedelta(days=EXCEPTIONS_AHEAD_DAYS),
    )


def schema_hours(location):
    """schema.org OpeningHoursSpecification for the weekly hours (empty when none are set)."""
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[hours.weekday]}",
            "opens": hours.opens.strftime("%H:%M"),
            "closes": hours.closes.strftime("%H:%M"),
        }
        for hours in location.opening_hours_set.all()
    ]
