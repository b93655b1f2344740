"""Figures in staff-written text come from the settings: [[lagringstid]] and friends."""

import re

from django.conf import settings

PATTERN = re.compile(r"\[\[\s*([a-z_åäö]+)\s*\]\]")


def _days(days):
    if days % 365 == 0:
        years = days // 365
        return "1 år" if years == 1 else f"{years} år"
    return "1 dag" if days == 1 else f"{days} dagar"


def _hours(hours):
    return "1 timme" if hours == 1 else f"{hours} timmar"


def values():
    """Each placeholder's text, read from the settings now (never cached in the page)."""
    return {
        "lagringstid": _days(settings.RETENTION_DAYS),
        "avbokningsgrans": _hours(settings.BOOKING_CHANGE_DEADLINE_HOURS),
        "paminnelse": _hours(settings.BOOKING_REMINDER_HOURS),
    }


def unknown_placeholders(text):
    known = values()
    return sorted({name for name in PATTERN.findall(text) if name not in known})


def fill(text):
    known = values()
    return PATTERN.sub(lambda match: known.get(match.group(1), match.group(0)), text)
