"""Remove patient details from records older than the retention period."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from booking import waitlist
from booking.services import anonymise_bookings
from clinic.models import OutboxEmail


class Command(BaseCommand):
    help = (
        "Anonymises bookings and waitlist entries older than RETENTION_DAYS (rows stay, so staff "
        "keep their counts) and deletes sent e-mails older than that."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.RETENTION_DAYS)
        parser.add_argument("--dry-run", action="store_true", help="Only count, change nothing.")

    @transaction.atomic
    def handle(self, *args, days, dry_run=False, **options):
        bookings = anonymise_bookings(older_than_days=days, dry_run=dry_run)
        entries = waitlist.anonymise(older_than_days=days, dry_run=dry_run)
        old_mail = OutboxEmail.objects.filter(sent_at__lt=timezone.now() - timedelta(days=days))
        mails = old_mail.count()
        if not dry_run:
            old_mail.delete()
        verb = "would anonymise" if dry_run else "anonymised"
        self.stdout.write(
            f"{verb} {bookings} bookings, {entries} waitlist entries; {mails} old e-mails"
        )
