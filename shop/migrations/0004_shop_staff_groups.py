from django.db import migrations

from clinic.groups import sync_groups


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0003_rental_no_overlap_on_postgresql"),
        ("clinic", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]
