"""Send the e-mails waiting in the outbox: from cron (e.g. every 5 minutes) for retries, and
with `--follow` as the outbox worker beside gunicorn (settings.OUTBOX_WORKER)."""

import signal

from django.core.management.base import BaseCommand

from clinic.mail import follow, send_pending
from clinic.models import OutboxEmail


class Command(BaseCommand):
    help = "Sends pending e-mails from the outbox; each is sent once, however often it runs."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what is pending.")
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")
        parser.add_argument(
            "--follow",
            action="store_true",
            help="Keep running: send each new e-mail as it is queued (the outbox worker).",
        )

    def handle(self, *args, dry_run=False, limit=None, **options):
        if dry_run:
            self.stdout.write(f"{OutboxEmail.objects.pending().count()} e-mails pending")
            return
        if options["follow"]:
            stopping = []
            # SIGTERM (systemd, the bench) ends the loop between messages, never mid-send.
            signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
            self.stdout.write("outbox worker: sending new e-mail as it is queued")
            follow(stop=lambda: bool(stopping))
            return
        sent, failed = send_pending(limit=limit)
        self.stdout.write(f"sent {sent}, failed {failed}")
