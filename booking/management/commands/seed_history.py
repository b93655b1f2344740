"""Seed anonymised history for development and the bench: never in production.

Two years (by default) up to yesterday at two locations with two practitioners each: their
start times on the grid (08–12 and 13–16 on their working days, July off), visits of the
locations' packages with every status, cancellations by patients and by the clinic (some late),
waitlist offers declined, expired and accepted (the freed time booked again), shop orders and
rentals of the home lasers. Patients' details are blank and marked anonymised, as the retention
job leaves old records. The same --seed on the same day gives the same history.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from booking.models import Booking, Reservation, Slot, WaitlistEntry, WaitlistOffer
from booking.weeks import local_midnight
from clinic.models import Location, Practitioner
from shop.models import Order, OrderLine, Rental, RentalUnit

STRETCHES = [(time(8), time(12)), (time(13), time(16))]
NAMES = ["Anna Ek", "Bo Lind", "Carin Holm", "David Berg"]
# Which weekdays each of a location's two practitioners works (Monday = 0).
WEEKDAYS = [(0, 1, 2, 3, 4), (0, 1, 3)]
BATCH = 2000


@dataclass
class Made:
    slots: int = 0
    bookings: int = 0
    offers: int = 0
    orders: int = 0
    rentals: int = 0


class Command(BaseCommand):
    help = (
        "Creates realistic anonymised history (two locations, four practitioners, visits of "
        "every status, waitlist offers, orders and rentals) for development and the bench. "
        "Only with DEBUG on or --i-know; never with the production settings outside the bench."
    )

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=104, help="How far back (default 104).")
        parser.add_argument("--seed", type=int, default=16, help="Random seed (default 16).")
        parser.add_argument("--i-know", action="store_true", help="Run although DEBUG is off.")
        parser.add_argument("--dry-run", action="store_true", help="Make it, then roll back.")

    def handle(self, *args, weeks, seed, i_know, dry_run, **options):
        if settings.PRODUCTION and not settings.BENCH:
            raise CommandError("seed_history never runs with the production settings.")
        if not (settings.DEBUG or i_know):
            raise CommandError("seed_history writes made-up history: only with DEBUG or --i-know.")
        if not 1 <= weeks <= 260:
            raise CommandError("--weeks must be between 1 and 260.")
        with transaction.atomic():
            made = History(random.Random(seed), weeks).make()
            verb = "would create" if dry_run else "created"
            self.stdout.write(
                f"{verb} {made.slots} start times, {made.bookings} bookings, {made.offers} "
                f"waitlist offers, {made.orders} orders and {made.rentals} rentals"
            )
            if dry_run:
                transaction.set_rollback(True)
        if connection.vendor == "postgresql" and not dry_run:
            # Fresh statistics: the planner otherwise takes the new tables for nearly empty.
            tables = [m._meta.db_table for m in (Slot, Reservation, Booking, WaitlistOffer, Order)]
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(tables)}")


class History:
    def __init__(self, rng, weeks):
        self.rng = rng
        self.last = timezone.localdate() - timedelta(days=1)
        self.first = self.last - timedelta(weeks=weeks) + timedelta(days=1)
        self.made = Made()

    def make(self):
        locations = list(Location.objects.active().order_by("pk")[:2])
        if len(locations) < 2:
            raise CommandError("Two active locations are needed: run load_clinic_content first.")
        self.locations = locations
        teams = {location: self.team(location, n) for n, location in enumerate(locations)}
        people = [p for team in teams.values() for p in team]
        if Reservation.objects.filter(
            practitioner__in=people, start__gte=local_midnight(self.first)
        ).exists():
            raise CommandError("These practitioners already have visits in the period.")
        for location, team in teams.items():
            packages = list(location.packages.filter(is_active=True).order_by("pk"))
            for n, practitioner in enumerate(team):
                slots = self.slots(location, practitioner, WEEKDAYS[n])
                self.visits(slots, packages)
        self.shop()
        return self.made

    def team(self, location, index):
        """The location's first two active practitioners not in another team; made when
        missing."""
        taken = getattr(self, "taken", set())
        team = list(
            Practitioner.objects.filter(is_active=True, locations=location)
            .exclude(pk__in=taken)
            .order_by("pk")[:2]
        )
        while len(team) < 2:
            name = NAMES[index * 2 + len(team)]
            person, _ = Practitioner.objects.get_or_create(
                slug=f"historik-{location.slug}-{len(team) + 1}",
                defaults={"name": name, "title": "Medicinsk fotterapeut"},
            )
            person.locations.add(location)
            team.append(person)
        self.taken = taken | {person.pk for person in team}
        return team

    def days(self, weekdays):
        day = self.first
        while day <= self.last:
            if day.weekday() in weekdays and day.month != 7:
                yield day
            day += timedelta(days=1)

    def slots(self, location, practitioner, weekdays):
        """The practitioner's start times of the period; {day: [(stretch end, [slots])]}."""
        zone, step = (
            timezone.get_current_timezone(),
            timedelta(minutes=settings.BOOKING_GRID_MINUTES),
        )
        new = []
        for day in self.days(weekdays):
            for begin, finish in STRETCHES:
                start = timezone.make_aware(day_at(day, begin), zone)
                end = timezone.make_aware(day_at(day, finish), zone)
                while start + step <= end:
                    new.append(
                        Slot(location=location, practitioner=practitioner, start=start, end=end)
                    )
                    start += step
        Slot.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        self.made.slots += len(new)
        return list(
            Slot.objects.filter(
                practitioner=practitioner,
                location=location,
                start__gte=local_midnight(self.first),
                start__lt=local_midnight(self.last + timedelta(days=1)),
            ).order_by("start")
        )

    def visits(self, slots, packages):
        """Visits one after another through each working stretch, busier in spring and autumn."""
        rng, step = self.rng, timedelta(minutes=settings.BOOKING_GRID_MINUTES)
        weights = [
            5 if p.slug == "aterbesok" else 3 if p.slug == "nybesok" else 1 for p in packages
        ]
        by_start = {slot.start: slot for slot in slots}
        planned, free_after = [], None
        for slot in slots:
            if free_after and slot.start < free_after:
                continue
            busy = 0.55 + 0.2 * (slot.start.month in (3, 4, 5, 9, 10, 11))
            if rng.random() > busy:
                free_after = slot.start + step * rng.choice([1, 2])
                continue
            package = rng.choices(packages, weights)[0]
            length = timedelta(minutes=package.duration_minutes)
            if slot.start + length > slot.end:
                continue
            planned.append((slot, package))
            free_after = slot.start + length + timedelta(minutes=package.buffer_minutes or 0)
        self.book(planned, by_start)

    def book(self, planned, by_start):
        rng, now = self.rng, timezone.now()
        deadline = timedelta(hours=settings.BOOKING_CHANGE_DEADLINE_HOURS)
        reservations, bookings, offers = [], [], []
        for slot, package in planned:
            length = timedelta(minutes=package.duration_minutes)
            blocked = slot.start + length + timedelta(minutes=package.buffer_minutes or 0)
            age = (slot.start.date() - self.first).days / max((self.last - self.first).days, 1)
            price = round(package.price * (0.9 + 0.1 * age), -1)
            created = slot.start - timedelta(hours=rng.randint(3, 24 * 40))
            roll = rng.random()
            status = (
                "attended"
                if roll < 0.82
                else "no_show"
                if roll < 0.87
                else "booked"
                if roll < 0.88
                else "cancelled"
            )
            cancelled_at, by_clinic = None, False
            if status == "cancelled":
                by_clinic = rng.random() < 0.25
                late = rng.random() < 0.2
                hours_before = rng.randint(2, 23) if late else rng.randint(25, 24 * 10)
                cancelled_at = max(slot.start - timedelta(hours=hours_before), created)
            reservation = Reservation(
                practitioner_id=slot.practitioner_id,
                start=slot.start,
                end=slot.start + length,
                blocked_until=blocked,
                released_at=cancelled_at,
            )
            booking = anonymous(
                Booking(
                    slot=slot,
                    package=package,
                    price=price,
                    status=status,
                    booked_by_staff=rng.random() < 0.4,
                    cancelled_at=cancelled_at,
                    cancelled_by_clinic=by_clinic,
                    token=None,
                ),
                now,
            )
            reservations.append(reservation)
            bookings.append((booking, created))
            if cancelled_at and cancelled_at < slot.start - timedelta(hours=3):
                self.refill(
                    slot,
                    package,
                    price,
                    cancelled_at,
                    length,
                    blocked,
                    reservations,
                    bookings,
                    offers,
                    now,
                    deadline,
                )
        Reservation.objects.bulk_create(reservations, batch_size=BATCH)
        for reservation, (booking, _) in zip(reservations, bookings, strict=True):
            booking.reservation = reservation
        made = Booking.objects.bulk_create([b for b, _ in bookings], batch_size=BATCH)
        for booking, (_, created) in zip(made, bookings, strict=True):
            booking.created_at = created
        Booking.objects.bulk_update(made, ["created_at"], batch_size=BATCH)
        self.offers(offers)
        self.made.bookings += len(made)

    def refill(
        self,
        slot,
        package,
        price,
        cancelled_at,
        length,
        blocked,
        reservations,
        bookings,
        offers,
        now,
        deadline,
    ):
        """Offers for a freed time: maybe declined or expired first, then maybe accepted."""
        rng = self.rng
        moment = cancelled_at + timedelta(minutes=rng.randint(5, 60))
        for outcome in rng.choices(["declined", "expired", "accepted", None], [2, 2, 5, 3], k=2):
            if outcome is None or moment >= slot.start - timedelta(hours=2):
                return
            closed = min(moment + timedelta(hours=rng.randint(1, 12)), slot.start)
            entry = anonymous(
                WaitlistEntry(
                    location_id=slot.location_id,
                    package=package,
                    status="booked" if outcome == "accepted" else "waiting",
                    earliest_date=slot.start.date(),
                    latest_date=slot.start.date() + timedelta(days=14),
                    token=None,
                ),
                now,
            )
            offer = WaitlistOffer(
                slot=slot, status=outcome, expires_at=moment + deadline / 12, closed_at=closed
            )
            offers.append((entry, offer, moment))
            if outcome == "accepted":
                reservations.append(
                    Reservation(
                        practitioner_id=slot.practitioner_id,
                        start=slot.start,
                        end=slot.start + length,
                        blocked_until=blocked,
                    )
                )
                status = rng.choices(["attended", "no_show"], [19, 1])[0]
                booking = anonymous(
                    Booking(slot=slot, package=package, price=price, status=status, token=None),
                    now,
                )
                bookings.append((booking, closed))
                offer.booking = booking
                return
            moment = closed

    def offers(self, offers):
        entries = WaitlistEntry.objects.bulk_create([e for e, _, _ in offers], batch_size=BATCH)
        for entry, (_, offer, _) in zip(entries, offers, strict=True):
            offer.entry = entry
            if offer.booking is not None:
                offer.booking_id = offer.booking.pk
        made = WaitlistOffer.objects.bulk_create([o for _, o, _ in offers], batch_size=BATCH)
        for offer, (_, _, created) in zip(made, offers, strict=True):
            offer.created_at = created
        WaitlistOffer.objects.bulk_update(made, ["created_at"], batch_size=BATCH)
        self.made.offers += len(made)

    def shop(self):
        """A few orders a week (one in fifteen cancelled) and the home lasers rented in turn."""
        rng = self.rng
        orders, lines, rentals = [], [], []
        day = self.first
        while day <= self.last:
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                total = rng.choice([299, 598, 1195, 1494])
                orders.append(
                    self.order(day, total, "cancelled" if rng.random() < 1 / 15 else "collected")
                )
            day += timedelta(days=1)
        for unit in RentalUnit.objects.filter(is_active=True).order_by("pk"):
            start = self.first + timedelta(days=rng.randint(0, 14))
            while start + timedelta(weeks=6) <= self.last:
                weeks = rng.randint(2, 6)
                order = self.order(start - timedelta(days=2), 350 * weeks, "collected")
                orders.append(order)
                end = start + timedelta(weeks=weeks)
                lines.append(
                    (
                        order,
                        OrderLine(
                            product=unit.product,
                            product_name=unit.product.name,
                            is_rental=True,
                            unit_price=350,
                            weeks=weeks,
                            line_total=350 * weeks,
                        ),
                    )
                )
                rentals.append((order, unit, start, end))
                start = end + timedelta(days=rng.randint(0, 21))
        Order.objects.bulk_create([o for o, _ in orders], batch_size=BATCH)
        for order, created in orders:
            order.created_at = created
        Order.objects.bulk_update([o for o, _ in orders], ["created_at"], batch_size=BATCH)
        for (order, _), line in lines:
            line.order = order
        OrderLine.objects.bulk_create([line for _, line in lines], batch_size=BATCH)
        Rental.objects.bulk_create(
            [
                Rental(
                    order=order,
                    order_line=line,
                    unit=unit,
                    start_date=start,
                    end_date=end,
                    status="returned",
                    returned_on=end,
                )
                for ((order, _), unit, start, end), (_, line) in zip(rentals, lines, strict=True)
            ],
            batch_size=BATCH,
        )
        self.made.orders += len(orders)
        self.made.rentals += len(rentals)

    def order(self, day, total, status):
        number = f"H{day:%y%m%d}-{self.rng.randrange(16**6):06x}"
        order = Order(
            number=number,
            checkout_token=f"historik-{number}",
            name="",
            email="anonym@example.invalid",
            phone="",
            delivery_method="pickup",
            pickup_location=self.rng.choice(self.locations),
            payment_method="at_pickup",
            expected_date=day + timedelta(days=3),
            total=total,
            vat_amount=(Decimal(total) / 5).quantize(Decimal("0.01")),
            status=status,
            payment_status="paid",
        )
        created = local_midnight(day) + timedelta(hours=self.rng.randint(8, 21))
        return order, created


def day_at(day: date, clock: time):
    return datetime.combine(day, clock)


def anonymous(record, now):
    """A record of history: no patient details left (as the retention job leaves them)."""
    record.name, record.email, record.phone, record.personnummer = "", "", "", ""
    record.anonymised_at = now
    return record
