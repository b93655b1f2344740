"""E-mail each patient a reminder before the visit (run from cron, e.g. every 15 minutes)."""

from django.core.management.base import BaseCommand

from booking.emails import send_reminders


class Command(BaseCommand):
    help = (
        "Queues a reminder e-mail for every booking within BOOKING_REMINDER_HOURS of its visit; "
        "each booking gets one reminder, however often this runs."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"queued {send_reminders()} reminders")
