from django.db import migrations

from clinic.groups import sync_groups


class Migration(migrations.Migration):
    dependencies = [("booking", "0003_holds_and_waitlist")]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]
