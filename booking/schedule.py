"""Turn practitioners' weekly hours into start times, correctly across daylight-saving changes."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import waitlist
from .models import ScheduleException, Slot, WeeklySchedule


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
    """(start, end of the working stretch) for every start on the grid from the schedule's start
    while a grid step still fits. Local times that do not exist that day (spring) are skipped;
    the end is the stretch's end as the clock on the wall shows it."""
    step = timedelta(minutes=settings.BOOKING_GRID_MINUTES)
    start = datetime.combine(day, schedule.start_time)
    end_of_stretch = datetime.combine(day, schedule.end_time)
    finish = local_instant(day, schedule.end_time, zone) or (
        local_instant(day, (end_of_stretch + timedelta(hours=1)).time(), zone)
    )
    while start + step <= end_of_stretch:
        begin = local_instant(day, start.time(), zone)
        if begin and begin < finish:
            yield begin, finish
        start += step


@transaction.atomic
def generate_slots(*, weeks: int, start_day: date | None = None, locations=None, dry_run=False):
    """Create the start times of the next `weeks` weeks from the schedules; safe to run again.

    Existing starts are never moved. Free future starts that a closure now covers are
    removed; booked ones are never touched.
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
        ).values_list("practitioner_id", "start")
    )
    new = [slot for slot in wanted if (slot.practitioner_id, slot.start) not in existing]
    new = list({(slot.practitioner_id, slot.start): slot for slot in new}.values())
    result = GenerationResult(created=len(new))

    closed_free = Slot.objects.none()
    for closure in closures:
        closed = Slot.objects.filter(
            location_id=closure.location_id,
            start__date__gte=closure.date_from,
            start__date__lte=closure.date_to,
            start__gt=timezone.now(),
        ).filter(bookings__isnull=True, hold__isnull=True, offers__isnull=True)
        if closure.practitioner_id:
            closed = closed.filter(practitioner_id=closure.practitioner_id)
        closed_free = closed_free | closed
    result.removed = closed_free.count()

    if not dry_run:
        Slot.objects.bulk_create(new, ignore_conflicts=True)
        closed_free.delete()
        if new:
            wanted = {(slot.practitioner_id, slot.start) for slot in new}
            starts = [start for _, start in wanted]
            created = Slot.objects.filter(start__range=(min(starts), max(starts)))
            waitlist.offer_new_slots_after_commit(
                slot.pk for slot in created if (slot.practitioner_id, slot.start) in wanted
            )
    return result
