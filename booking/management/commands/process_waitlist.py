"""Expire waitlist offers and pass their times on to the next waiting patient."""

from django.core.management.base import BaseCommand

from booking import holds, waitlist


class Command(BaseCommand):
    help = (
        "Run from cron every few minutes: closes expired offers, offers their times to the next "
        "patient in line and tidies old holds. Times that were free all along are never held. "
        "Each offer is made and mailed once, however often it runs."
    )

    def handle(self, *args, **options):
        made = waitlist.process_waitlist()
        tidied = holds.tidy()
        self.stdout.write(f"made {made} offers, tidied {tidied} old holds")
