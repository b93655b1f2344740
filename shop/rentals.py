"""Dates of delivery and pick-up, and which home-laser unit is free when.

A rental holds one unit for [start, start + weeks) and starts on the day the patient gets
the unit: the expected pick-up or delivery day, or a later weekday the patient chooses.
Working days are Monday to Friday; public holidays are not counted (staff confirm the day).
"""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Order, Product, Rental, RentalUnit

# Weeks a session's cart may hold at all; what may be rented is max_rental_weeks().
SESSION_WEEKS_CEILING = 520
# How far ahead a patient may choose to start a rental.
MAX_START_DAYS_AHEAD = 365


def max_rental_weeks() -> int:
    """The longest rental the clinic allows (SHOP_MAX_RENTAL_WEEKS)."""
    return settings.SHOP_MAX_RENTAL_WEEKS


def today() -> date:
    """The clinic's date (Europe/Stockholm), not the server's UTC date."""
    return timezone.localdate()


def next_weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int) -> date:
    for _ in range(count):
        day = next_weekday(day + timedelta(days=1))
    return next_weekday(day)


def expected_date(delivery_method: str, on: date | None = None) -> date:
    """The day an order placed on `on` is expected to reach the patient."""
    on = on or today()
    if delivery_method == Order.Delivery.PICKUP:
        return add_working_days(on, settings.SHOP_PICKUP_WORKING_DAYS)
    return add_working_days(on, settings.SHOP_DELIVERY_WORKING_DAYS)


def earliest_expected_date(on: date | None = None) -> date:
    return min(expected_date(method, on) for method in Order.Delivery.values)


def rental_start(*, delivery_method: str, wished: date | None, on: date | None = None) -> date:
    """The patient's wished start if it is late enough, else the expected day; a weekday."""
    expected = expected_date(delivery_method, on)
    if wished and wished > expected:
        return next_weekday(wished)
    return expected


def rental_end(start: date, weeks: int) -> date:
    """The return day: the unit is free again from this day."""
    return start + timedelta(weeks=weeks)


def free_unit(product: Product, start: date, end: date, *, lock: bool = False):
    """The first active unit with no rental overlapping [start, end), or None.

    With `lock`, the product's units are locked first (in pk order, as every writer locks
    them), so two orders racing for the last unit are served one after the other.
    """
    units = RentalUnit.objects.active().filter(product=product).order_by("pk")
    if lock:
        units = units.select_for_update()
    units = list(units)
    if not units:
        return None
    busy = set(
        Rental.objects.blocking()
        .overlapping(start, end)
        .filter(unit__in=units)
        .values_list("unit_id", flat=True)
    )
    return next((unit for unit in units if unit.pk not in busy), None)


def next_free_start(product: Product, weeks: int, not_before: date) -> date | None:
    """The first weekday from `not_before` on which some unit is free for `weeks` weeks.

    None when the product has no active units at all. Two queries.
    """
    unit_ids = list(
        RentalUnit.objects.active().filter(product=product).values_list("pk", flat=True)
    )
    if not unit_ids:
        return None
    periods = {pk: [] for pk in unit_ids}
    for unit_id, start, end in (
        Rental.objects.blocking()
        .filter(unit_id__in=unit_ids, end_date__gt=not_before)
        .order_by("start_date")
        .values_list("unit_id", "start_date", "end_date")
    ):
        periods[unit_id].append((start, end))
    best = None
    for busy in periods.values():
        candidate = next_weekday(not_before)
        for start, end in busy:
            if rental_end(candidate, weeks) <= start:
                break
            candidate = next_weekday(max(candidate, end))
        if best is None or candidate < best:
            best = candidate
    return best
