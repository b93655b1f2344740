"""E-mail patients who asked for it an invitation to a return visit (cron, e.g. daily)."""

from django.core.management.base import BaseCommand

from booking.recall import send_recalls


class Command(BaseCommand):
    help = (
        "Queues the recall e-mail (an invitation to book Återbesök with the same specialist) "
        "for every attended visit whose package leads to a return visit, its number of weeks "
        "after the visit; each visit gets one, however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count; send nothing.")

    def handle(self, *args, dry_run=False, **options):
        count = send_recalls(dry_run=dry_run)
        self.stdout.write(f"{'would queue' if dry_run else 'queued'} {count} recalls")
