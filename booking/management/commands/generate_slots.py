"""Create bookable slots from the weekly schedules (run daily from cron, and by `make run`)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from booking.schedule import generate_slots


class Command(BaseCommand):
    help = (
        "Creates the bookable slots of the next N weeks from each location's weekly schedule. "
        "Idempotent: never duplicates, moves or deletes a booked slot."
    )

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, default=settings.BOOKING_WEEKS_AHEAD)
        parser.add_argument("--dry-run", action="store_true", help="Only count, change nothing.")

    def handle(self, *args, weeks, dry_run=False, **options):
        result = generate_slots(weeks=weeks, dry_run=dry_run)
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"{verb} {result.created} slots, removed {result.removed} free slots on closed days"
        )
