from django.utils import timezone
from django.utils.formats import date_format


def local(dt):
    """ "fre 4 dec 2026 10:00": Swedish and lower case ("M" would give "Dec")."""
    return date_format(timezone.localtime(dt), "D j b Y H:i") if dt else ""
