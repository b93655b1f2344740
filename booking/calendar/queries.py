"""Reception's calendar: a location's day and week, a column per practitioner.

Everything on the page is placed on a grid of settings.BOOKING_GRID_MINUTES rows from the
first working hour of the day(s) shown: a visit, a hold or an offer is a block of its true
length (CSS classes r-<row> and s-<rows>, static/css/calendar.css: the site's CSP allows no
inline styles); a free start is a one-row link to book a patient there (or, while a visit is
being moved, a button to move it there). The reads of a page are a fixed handful of
queries, however many visits and practitioners it shows (`calendar_days`).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from clinic.models import Practitioner
from shop.models import TreatmentPackage

from ..admin.lists import exact_matches
from ..models import Booking, Reservation, Slot
from ..weeks import local_midnight

DEFAULT_HOURS = (8, 17)  # a day without working hours or visits still shows a frame


@dataclass
class Block:
    """One thing in a practitioner's column: a visit, a hold, an offer or a free start."""

    kind: str  # "visit", "hold", "offer" or "free"
    start: datetime  # local
    end: datetime  # local
    row: int = 1
    span: int = 1
    booking: Booking | None = None
    slot: Slot | None = None
    expires_at: datetime | None = None
    last_start: datetime | None = None  # a joined free stretch's last start

    @property
    def css(self):
        status = f" cal-{self.booking.status}" if self.booking else ""
        return f"cal-block cal-{self.kind}{status} r-{self.row} s-{self.span}"


@dataclass
class Column:
    practitioner: Practitioner
    blocks: list = field(default_factory=list)
    hours: tuple | None = None  # (first start, last end) of working time that day, local


@dataclass
class Day:
    day: date
    columns: list
    is_today: bool = False
    axis: bool = False  # the week view shows the time axis once, on its first day with columns

    @property
    def visit_count(self):
        return sum(1 for c in self.columns for b in c.blocks if b.kind == "visit")


@dataclass
class Frame:
    """The hours shown, the same for every day of a week so the days line up."""

    first: time
    rows: int
    package: TreatmentPackage | None = None  # the package free starts are shown for

    def row_of(self, moment):
        """Grid row (from 1) of a local moment on its own day; clamped into the frame."""
        local = timezone.localtime(moment)
        minutes = (local.hour - self.first.hour) * 60 + local.minute - self.first.minute
        return min(max(minutes // settings.BOOKING_GRID_MINUTES, 0), self.rows - 1) + 1

    def place(self, block):
        block.row = self.row_of(block.start)
        grid = settings.BOOKING_GRID_MINUTES
        minutes = (block.end - block.start).total_seconds() / 60
        rows = max(1, -(-int(minutes) // grid))  # whole rows, rounded up
        block.span = max(1, min(rows, self.rows + 1 - block.row))
        return block

    def hours(self):
        """(label, row) for each whole hour in the frame: the time axis."""
        per_hour = 60 // settings.BOOKING_GRID_MINUTES
        return [
            (f"{self.first.hour + n:02d}:00", 1 + n * per_hour)
            for n in range(self.rows // per_hour)
        ]


def shortest_package(location):
    """The shortest active package offered at the location: free starts are shown for it."""
    return (
        TreatmentPackage.objects.active()
        .offered_at(location)
        .order_by("duration_minutes", "buffer_minutes", "pk")
        .first()
    )


def calendar_days(*, location, days, practitioner=None, moving=None, merge_free=False, now=None):
    """The calendar of `days` (consecutive dates) at the location: (frame, [Day]).

    A day's columns are the practitioners with working hours (start times) at the location
    that day or a visit, hold or offer there. Free starts are those a patient could book for
    the location's shortest package, or, when `moving` a booking, those its own package fits
    (its own time not counted as taken); `merge_free` joins consecutive ones into stretches.
    Five queries, whatever the number of days, visits or practitioners."""
    now = now or timezone.now()
    start, end = local_midnight(days[0]), local_midnight(days[-1] + timedelta(days=1))
    slots = Slot.objects.at(location).filter(start__gte=start, start__lt=end)
    reservations = (
        Reservation.objects.live(now)
        .filter(start__lt=end, blocked_until__gt=start)
        .filter(
            Q(booking__slot__location=location, booking__status__in=SHOWN_STATUSES)
            | Q(hold__slot__location=location)
        )
        .select_related("booking__package", "booking__slot", "hold")
        .order_by("start")
    )
    if practitioner is not None:
        slots = slots.filter(practitioner=practitioner)
        reservations = reservations.filter(practitioner=practitioner)
    working = list(slots.values_list("practitioner_id", "start", "end"))
    reservations = list(reservations)
    package = moving.package if moving else shortest_package(location)
    free = []
    if package is not None:
        free = list(
            Slot.objects.bookable(
                location=location,
                package=package,
                practitioner=practitioner,
                ignore=moving.reservation if moving else None,
            ).filter(start__gte=start, start__lt=end)
        )
    ids = {pid for pid, _, _ in working} | {r.practitioner_id for r in reservations}
    practitioners = {p.pk: p for p in Practitioner.objects.filter(pk__in=ids)}
    frame = frame_for(working, reservations)
    frame.package = package
    by_day = {day: {} for day in days}

    def column(day, pid):
        if pid not in by_day[day]:
            by_day[day][pid] = Column(practitioner=practitioners[pid])
        return by_day[day][pid]

    for pid, slot_start, slot_end in working:
        col = column(timezone.localdate(slot_start), pid)
        first, last = col.hours or (slot_start, slot_end)
        col.hours = (min(first, slot_start), max(last, slot_end))
    for reservation in reservations:
        day = timezone.localdate(reservation.start)
        column(day, reservation.practitioner_id).blocks.append(block_of(reservation, frame))
    grid = timedelta(minutes=settings.BOOKING_GRID_MINUTES)
    for slot in free:
        local = timezone.localtime(slot.start)
        column(local.date(), slot.practitioner_id).blocks.append(
            Block("free", local, local + grid, slot=slot)
        )
    today = timezone.localdate(now)
    result = []
    for day, columns in by_day.items():
        for col in columns.values():
            col.blocks.sort(key=lambda b: b.start)
            if merge_free:
                col.blocks = joined_free(col.blocks, package)
            for block in col.blocks:
                frame.place(block)
            if col.hours:
                col.hours = tuple(timezone.localtime(t) for t in col.hours)
        ordered = sorted(columns.values(), key=lambda c: (c.practitioner.name, c.practitioner.pk))
        result.append(Day(day=day, columns=ordered, is_today=day == today))
    return frame, result


# Cancelled visits' time is released: they are not shown (the booking list has them).
SHOWN_STATUSES = [Booking.Status.BOOKED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW]


def block_of(reservation, frame):
    start, end = timezone.localtime(reservation.start), timezone.localtime(reservation.end)
    booking = getattr(reservation, "booking", None)
    if booking is not None:
        return Block("visit", start, end, booking=booking)
    hold = getattr(reservation, "hold", None)
    kind = "offer" if hold is not None and hold.holder.startswith("offer:") else "hold"
    return Block(kind, start, end, expires_at=reservation.expires_at)


def joined_free(blocks, package):
    """Consecutive free starts as one stretch: from the first start to the end of a visit of
    the package at the last one (the week view, where single starts would not fit)."""
    grid = timedelta(minutes=settings.BOOKING_GRID_MINUTES)
    length = timedelta(minutes=package.duration_minutes) if package else grid
    joined = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (
            block.kind == "free"
            and previous is not None
            and previous.kind == "free"
            and block.start - previous.last_start == grid
        ):
            previous.last_start = block.start
            previous.end = block.start + length
            continue
        if block.kind == "free":
            block.last_start = block.start
            block.end = block.start + length
        joined.append(block)
    return joined


def frame_for(working, reservations):
    """The whole hours from the earliest start to the latest end shown (local times)."""
    spans = [(s, e) for _, s, e in working] + [(r.start, r.end) for r in reservations]
    if not spans:
        first, last = DEFAULT_HOURS
    else:
        first = min(timezone.localtime(s).hour for s, _ in spans)
        last = first + 1
        for s, e in spans:
            s, e = timezone.localtime(s), timezone.localtime(e)
            # An end after midnight (never in practice) is cut at the day's end.
            last = max(last, 24 if e.date() > s.date() else e.hour + bool(e.minute))
    per_hour = 60 // settings.BOOKING_GRID_MINUTES
    return Frame(first=time(first), rows=(last - first) * per_hour)


def returning_patients(term, limit=10):
    """Earlier bookings' patients matching a name (part of it), or a phone or personnummer in
    any format (whole): the latest booking of each patient, at most `limit`."""
    term = " ".join(term.split())[:100]
    if len(term) < 2:
        return []
    # SQLite compares only ASCII letters without case ("öberg" misses "Öberg"): ask for the
    # usual ways of writing a name too. PostgreSQL needs only the first.
    query = exact_matches(term) or Q(pk__in=[])
    for variant in {term, term.lower(), term.capitalize(), term.title()}:
        query |= Q(name__icontains=variant)
    seen, patients = set(), []
    bookings = (
        Booking.objects.filter(query, anonymised_at__isnull=True)
        .select_related("slot__location")
        .order_by("-created_at", "-pk")[:200]
    )
    for booking in bookings:
        key = (booking.name.casefold(), booking.phone, booking.personnummer, booking.date_of_birth)
        if key in seen:
            continue
        seen.add(key)
        patients.append(booking)
        if len(patients) == limit:
            break
    return patients
