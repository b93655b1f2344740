"""Weeks as the patient pages them: ISO weeks in Stockholm time ("2026-W49")."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def this_monday() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def parse_week(value: str | None) -> date:
    """The Monday of an ISO week like "2026-W49"; this week for anything else or for the past."""
    current = this_monday()
    try:
        year, week = (value or "").split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, TypeError):
        return current
    latest = current + timedelta(weeks=settings.BOOKING_WEEKS_AHEAD + 52)
    return min(max(monday, current), latest)


def parse_day(value: str | None) -> date | None:
    """A date typed as YYYY-MM-DD (staff pages' ?datum=), or None for anything else or for a
    date no calendar shows (before 2000 or after 2100)."""
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return day if date(2000, 1, 1) <= day <= date(2100, 12, 31) else None


def week_param(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def local_midnight(day: date):
    """The instant a local day begins (Stockholm time)."""
    return datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def day_bounds(day: date):
    """The instants where a local day starts and ends (23 or 25 hours apart on DST days)."""
    return local_midnight(day), local_midnight(day + timedelta(days=1))


def week_bounds(monday: date):
    """The instants where a local week starts and ends."""
    return local_midnight(monday), local_midnight(monday + timedelta(days=7))


def group_by_day(slots, monday: date):
    """[(day, [slots of that day])] for the days of the week that have slots or are weekdays."""
    days = {monday + timedelta(days=n): [] for n in range(7)}
    for slot in slots:
        days[timezone.localtime(slot.start).date()].append(slot)
    today = timezone.localdate()
    return [
        (day, day_slots)
        for day, day_slots in days.items()
        if day_slots or (day.weekday() < 5 and day >= today)
    ]


def distinct_starts(slots):
    """One start per time: the first practitioner's (the list a patient sees for "Första
    lediga fotspecialist"; booking picks the practitioner fairly, services.fair_choices)."""
    seen, first = set(), []
    for slot in slots:
        if slot.start not in seen:
            seen.add(slot.start)
            first.append(slot)
    return first
