"""Turn weekly schedules into bookable slots, correctly across daylight-saving changes."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import waitlist
from .models import Booking, ScheduleException, Slot, WeeklySchedule
from .slotcache import booking_state_changes


@dataclass
class GenerationResult:
    created: int = 0
    removed: int = 0


def local_instant(day: date, at, zone: ZoneInfo):
    """The UTC instant of a local wall-clock time, or None when that time does not exist.

    On the spring change (02:00 → 03:00) 02:30 never happens: no slot. On the
    autumn change 02:30 happens twice: the first one (fold=0) is used.
    """
    local = datetime.combine(day, at, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def planned_slots(schedule: WeeklySchedule, day: date, zone: ZoneInfo):
    step = timedelta(minutes=schedule.slot_minutes)
    start = datetime.combine(day, schedule.start_time)
    end_of_day = datetime.combine(day, schedule.end_time)
    while start + step <= end_of_day:
        begin = local_instant(day, start.time(), zone)
        if begin:
            yield begin, begin + step
        start += step


@transaction.atomic
def generate_slots(*, weeks: int, start_day: date | None = None, locations=None, dry_run=False):
    """Create the slots of the next `weeks` weeks from the schedules; safe to run again.

    Existing slots are never moved. Free future slots that a closure now covers
    are removed; booked slots are never touched.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    first = start_day or timezone.localdate()
    last = first + timedelta(weeks=weeks)
    schedules = WeeklySchedule.objects.select_related("location").filter(location__is_active=True)
    closures = list(ScheduleException.objects.filter(date_to__gte=first, date_from__lte=last))
    if locations is not None:
        schedules = schedules.filter(location__in=locations)

    wanted = []
    for schedule in schedules:
        day = first
        while day < last:
            if schedule.applies_on(day) and not any(
                c.location_id == schedule.location_id and c.covers(day, schedule.practitioner_id)
                for c in closures
            ):
                for begin, finish in planned_slots(schedule, day, zone):
                    wanted.append(
                        Slot(
                            location_id=schedule.location_id,
                            practitioner_id=schedule.practitioner_id,
                            start=begin,
                            end=finish,
                        )
                    )
            day += timedelta(days=1)

    existing = set(
        Slot.objects.filter(
            start__gte=datetime.combine(first, datetime.min.time(), tzinfo=zone),
            start__lt=datetime.combine(last, datetime.min.time(), tzinfo=zone),
        ).values_list("location_id", "start")
    )
    new = [slot for slot in wanted if (slot.location_id, slot.start) not in existing]
    result = GenerationResult(created=len(new))

    closed_free = Slot.objects.none()
    for closure in closures:
        closed = Slot.objects.filter(
            location_id=closure.location_id,
            start__date__gte=closure.date_from,
            start__date__lte=closure.date_to,
            start__gt=timezone.now(),
        ).exclude(bookings__in=Booking.objects.all())
        if closure.practitioner_id:
            closed = closed.filter(practitioner_id=closure.practitioner_id)
        closed_free = closed_free | closed
    result.removed = closed_free.count()

    if not dry_run and (new or result.removed):
        booking_state_changes()  # bulk_create sends no signals
    if not dry_run:
        Slot.objects.bulk_create(new, ignore_conflicts=True)
        closed_free.delete()
        if new:
            wanted = {(slot.location_id, slot.start) for slot in new}
            starts = [start for _, start in wanted]
            created = Slot.objects.filter(start__range=(min(starts), max(starts)))
            waitlist.offer_new_slots_after_commit(
                slot.pk for slot in created if (slot.location_id, slot.start) in wanted
            )
    return result
