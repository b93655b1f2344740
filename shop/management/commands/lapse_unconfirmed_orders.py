"""Let orders staff have not confirmed in time give back their laser units and stock."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from shop.services import lapse_unconfirmed_orders


class Command(BaseCommand):
    help = (
        "Lapses new orders that staff have not confirmed within SHOP_UNCONFIRMED_LAPSE_DAYS "
        f"(now {settings.SHOP_UNCONFIRMED_LAPSE_DAYS}) and that hold a home-laser unit or "
        "tracked stock: the stock goes back, the unit is free again and the patient gets one "
        "e-mail. Run from cron; running it twice acts once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only list, change nothing.")

    @transaction.atomic
    def handle(self, *args, dry_run=False, **options):
        orders = lapse_unconfirmed_orders(dry_run=dry_run)
        verb = "would lapse" if dry_run else "lapsed"
        numbers = ", ".join(order.number for order in orders)
        self.stdout.write(
            f"{verb} {len(orders)} unconfirmed orders" + (f": {numbers}" if numbers else "")
        )
