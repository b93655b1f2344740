"""E-mail each patient renting a home laser two days before it is due back (cron, daily)."""

from django.core.management.base import BaseCommand

from shop.notifications import RENTAL_REMINDER_DAYS, send_rental_reminders


class Command(BaseCommand):
    help = (
        f"Queues a reminder e-mail for every rental with the patient that is due back within "
        f"{RENTAL_REMINDER_DAYS} days; each rental gets one reminder, however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, queue nothing.")

    def handle(self, *args, dry_run=False, **options):
        count = send_rental_reminders(dry_run=dry_run)
        self.stdout.write(f"{'would queue' if dry_run else 'queued'} {count} rental reminders")
