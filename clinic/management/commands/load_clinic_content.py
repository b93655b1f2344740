"""Load the clinic's content from fixtures/ into an empty or partly filled database."""

import json

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

# In dependency order. A fixture whose first object is already in the database
# counts as loaded and is skipped, so staff edits survive a second `make run`.
FIXTURES = ["clinic", "catalogue", "halkuddesyndrom", "schedule", "pages"]


class Command(BaseCommand):
    help = "Loads the clinic's fixtures (locations, catalogue, articles). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load every fixture again, overwriting staff edits of those rows.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only say what would load.")

    @transaction.atomic
    def handle(self, *args, force=False, dry_run=False, **options):
        for name in FIXTURES:
            if not force and self.already_loaded(name):
                self.stdout.write(f"{name}: already loaded, skipped")
                continue
            if dry_run:
                self.stdout.write(f"{name}: would load")
                continue
            call_command("loaddata", name, verbosity=0)
            self.stdout.write(self.style.SUCCESS(f"{name}: loaded"))

    def already_loaded(self, name):
        path = settings.FIXTURE_DIRS[0] / f"{name}.json"
        first = json.loads(path.read_text())[0]
        model = apps.get_model(first["model"])
        return model.objects.filter(pk=first["pk"]).exists()
