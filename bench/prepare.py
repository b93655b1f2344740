"""Benchmark data, written into the benchmark database by `bench/run.py` (never elsewhere).

    DJANGO_SETTINGS_MODULE=clinic.settings.prod DATABASE_URL=... python bench/prepare.py

- three practitioners per location: the fixtures' specialist and two more ("Bänkspecialist 1"
  and "2") with the same weekly hours;
- the next weeks' start times from those hours (`generate_slots`), and next week half booked:
  every practitioner's first visit at 08, 10, 12 and 14 every weekday (booked by reception,
  through `book_slot`), so the slot list and the calendar show a real, busy week;
- BOOKING_SLOTS extra free times for the booking POST, far ahead (from 400 days on) so that
  they never show on the weeks the slot list is measured on: one every 90 minutes, taking
  turns among the Stockholm practitioners, so a first visit (60 minutes) at one never
  overlaps the next;
- a reception user (groups "Reception" and "Ledning") for the calendar's day view and the
  numbers page;
- a price on a product (the fixtures have none: the source gives none), so it can go in a
  cart.

Prints, as the last line of its output (the site logs to stdout too), one JSON line:
{"booking_location": ..., "booking_package": ..., "booking_from": ..., "product": ...,
"staff_username": ..., "staff_password": ..., "next_monday": ..., "bookings": ...}.
"""

import json
import os
import secrets
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BOOKING_SLOTS = int(os.environ.get("BENCH_BOOKING_SLOTS", "30000"))
BOOKING_SPACING = timedelta(minutes=90)  # longer than any visit and its buffer
PRODUCT = "halkoppar-och-skoinlagg"
EXTRA_PRACTITIONERS = 2
VISIT_HOURS = (8, 10, 12, 14)  # each practitioner's booked visits next week: half the day
STAFF_USERNAME = "bench-reception"


def add_practitioners(location):
    """The location's fixture specialist and two more with the same weekly hours."""
    from booking.models import WeeklySchedule
    from clinic.models import Practitioner

    first = Practitioner.objects.get(slug=f"{location.slug}-fotspecialist")
    hours = list(WeeklySchedule.objects.filter(location=location, practitioner=first))
    team = [first]
    for n in range(1, EXTRA_PRACTITIONERS + 1):
        practitioner = Practitioner.objects.create(
            name=f"Bänkspecialist {n}", slug=f"{location.slug}-bankspecialist-{n}"
        )
        practitioner.locations.add(location)
        WeeklySchedule.objects.bulk_create(
            WeeklySchedule(
                location=location,
                practitioner=practitioner,
                weekday=row.weekday,
                start_time=row.start_time,
                end_time=row.end_time,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
            )
            for row in hours
        )
        team.append(practitioner)
    return team


def book_next_week(location, team, package, monday):
    """Each practitioner's visits at VISIT_HOURS on every weekday of the week of `monday`."""
    from django.utils import timezone

    from booking import services
    from booking.models import Slot

    zone = timezone.get_current_timezone()
    count = 0
    for practitioner in team:
        for day in (monday + timedelta(days=n) for n in range(5)):
            for hour in VISIT_HOURS:
                start = datetime.combine(day, time(hour), tzinfo=zone)
                slot = Slot.objects.filter(practitioner=practitioner, start=start).first()
                if slot is None:  # a closure or a holiday in the fixtures
                    continue
                services.book_slot(
                    slot=slot,
                    package=package,
                    patient=services.Patient(
                        name=f"Bänkpatient {count + 1}",
                        email=f"bankpatient{count + 1}@example.com",
                        phone="070-123 45 67",
                        date_of_birth=date(1985, 7, 9),
                    ),
                    by_staff=True,
                )
                count += 1
    return count


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.db import transaction
    from django.utils import timezone

    from booking.models import Slot
    from booking.schedule import generate_slots
    from clinic.models import Location
    from shop.models import Product, TreatmentPackage

    if not settings.BENCH:
        sys.exit("bench/prepare.py writes benchmark data: only with BENCH=1")
    package = TreatmentPackage.objects.get(slug="nybesok")
    locations = list(Location.objects.active())
    with transaction.atomic():
        teams = {location.slug: add_practitioners(location) for location in locations}
    generate_slots(weeks=settings.BOOKING_WEEKS_AHEAD)

    today = timezone.localdate()
    next_monday = today + timedelta(days=7 - today.weekday())
    booked = sum(
        book_next_week(location, teams[location.slug], package, next_monday)
        for location in locations
        if location.packages.filter(pk=package.pk).exists()
    )

    location = Location.objects.get(slug="stockholm")
    team = teams[location.slug]
    first = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=400)
    length = timedelta(minutes=package.duration_minutes)
    with transaction.atomic():
        Slot.objects.bulk_create(
            [
                Slot(
                    location=location,
                    practitioner=team[n % len(team)],
                    start=first + n * BOOKING_SPACING,
                    end=first + n * BOOKING_SPACING + length,
                )
                for n in range(BOOKING_SLOTS)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )

    password = secrets.token_urlsafe(16)
    staff = User.objects.create_user(STAFF_USERNAME, password=password, is_staff=True)
    staff.groups.add(Group.objects.get(name="Reception"), Group.objects.get(name="Ledning"))

    product = Product.objects.get(slug=PRODUCT)
    product.price = 299
    product.save()
    print(
        json.dumps(
            {
                "booking_location": location.pk,
                "booking_package": package.slug,
                "booking_from": first.isoformat(),
                "product": PRODUCT,
                "staff_username": STAFF_USERNAME,
                "staff_password": password,
                "next_monday": next_monday.isoformat(),
                "bookings": booked,
            }
        )
    )


if __name__ == "__main__":
    main()
