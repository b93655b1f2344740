"""Benchmark data, written into the benchmark database by `bench/run.py` (never elsewhere).

    DJANGO_SETTINGS_MODULE=clinic.settings.prod DATABASE_URL=... python bench/prepare.py

- the next weeks' bookable times from the clinic's schedules (`generate_slots`), so the slot
  list shows a real week;
- BOOKING_SLOTS extra free times for the booking POST, far ahead (from a year on) so that
  they never show on the weeks the slot list is measured on, one every 5 minutes;
- a price on a product (the fixtures have none: the source gives none), so it can go in a
  cart.

Prints one JSON line: {"booking_location": ..., "booking_package": ..., "booking_from": ...,
"product": ...}.
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BOOKING_SLOTS = int(os.environ.get("BENCH_BOOKING_SLOTS", "30000"))
PRODUCT = "halkoppar-och-skoinlagg"


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from booking.models import Slot
    from booking.schedule import generate_slots
    from booking.slotcache import booking_state_changes
    from clinic.models import Location
    from shop.models import Product, TreatmentPackage

    if not settings.BENCH:
        sys.exit("bench/prepare.py writes benchmark data: only with BENCH=1")
    generate_slots(weeks=settings.BOOKING_WEEKS_AHEAD)
    location = Location.objects.get(slug="stockholm")
    package = TreatmentPackage.objects.get(slug="nybesok")
    first = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=400)
    length = timedelta(minutes=package.duration_minutes)
    with transaction.atomic():
        booking_state_changes()  # bulk_create sends no signals
        Slot.objects.bulk_create(
            [
                Slot(location=location, start=start, end=start + length)
                for start in (first + timedelta(minutes=5 * n) for n in range(BOOKING_SLOTS))
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
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
            }
        )
    )


if __name__ == "__main__":
    main()
