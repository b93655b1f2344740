"""Small factories for the appointment book: packages of a given length, practitioners' start
times on the grid, and the check that no practitioner's live reservations overlap."""

from datetime import datetime, time, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from booking.models import Reservation, Slot
from clinic.models import Location, Practitioner
from shop.models import TreatmentPackage

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(day, clock):
    """The instant of a Stockholm wall-clock time ("10:30") on a day."""
    hour, minute = map(int, clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def package_of(minutes, *, buffer=0, location_slugs=("stockholm",), slug=None):
    """A bookable package of `minutes` (and `buffer` minutes after it) offered at the locations,
    as staff would set it up in the admin; the fixtures' Nybesök (60) and Återbesök (45) are
    used as they are when they fit."""
    nybesok = TreatmentPackage.objects.get(slug="nybesok")
    package = TreatmentPackage.objects.create(
        treatment=nybesok.treatment,
        name=f"Fotbehandling {minutes} minuter",
        slug=slug or f"fotbehandling-{minutes}-{buffer}",
        price=10 * minutes + 300,
        duration_minutes=minutes,
        buffer_minutes=buffer,
    )
    package.full_clean()
    package.locations.set(Location.objects.filter(slug__in=location_slugs))
    return package


def colleague(location, name):
    """Another practitioner working at the location."""
    slug = name.lower().replace(" ", "-")
    practitioner = Practitioner.objects.create(name=name, slug=slug, title="Fotterapeut")
    practitioner.locations.add(location)
    return practitioner


def starts(practitioner, location, day, first, last, *, works_until):
    """The practitioner's start times on the grid from `first` to `last` (both local, included)
    on `day`, in one working stretch that ends at `works_until`; {"HH:MM": slot}."""
    step = timedelta(minutes=settings.BOOKING_GRID_MINUTES)
    start, end = at(day, first), at(day, works_until)
    made = {}
    while start <= at(day, last):
        slot = Slot.objects.create(
            location=location, practitioner=practitioner, start=start, end=end
        )
        made[timezone.localtime(start).strftime("%H:%M")] = slot
        start += step
    return made


def overlaps_among_live_reservations():
    """Pairs of one practitioner's live reservations whose times (buffer included) overlap."""
    live = list(Reservation.objects.live().order_by("practitioner_id", "start"))
    return [
        (a, b)
        for a, b in combinations(live, 2)
        if a.practitioner_id == b.practitioner_id
        and a.start < b.blocked_until
        and b.start < a.blocked_until
    ]
