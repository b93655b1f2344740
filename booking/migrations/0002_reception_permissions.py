from django.db import migrations

from clinic.groups import sync_groups


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0001_initial"),
        ("clinic", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]
