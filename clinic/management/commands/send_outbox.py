"""Send the e-mails still waiting in the outbox (run from cron, e.g. every 5 minutes)."""

from django.core.management.base import BaseCommand

from clinic.mail import send_pending
from clinic.models import OutboxEmail


class Command(BaseCommand):
    help = "Sends pending e-mails from the outbox; each is sent once, however often it runs."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what is pending.")
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")

    def handle(self, *args, dry_run=False, limit=None, **options):
        if dry_run:
            self.stdout.write(f"{OutboxEmail.objects.pending().count()} e-mails pending")
            return
        sent, failed = send_pending(limit=limit)
        self.stdout.write(f"sent {sent}, failed {failed}")
