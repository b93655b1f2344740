"""No unit is rented twice for overlapping periods: a rule of the database on PostgreSQL.

    EXCLUDE USING gist (unit_id WITH =, daterange(start_date, end_date, '[)') WITH &&)
    WHERE (status IN ('booked', 'out'))

Exclusion constraints exist only on PostgreSQL (btree_gist lets `=` on the unit id share
the gist index with the date range), so this migration does nothing on SQLite; there the
order service's check inside an IMMEDIATE (serialised) transaction is the guard. The
constraint is kept out of the model's Meta, so the migration state is the same on both
databases. Creating the extension needs a role allowed to (the owner of the database on
PostgreSQL 13+, as btree_gist is a trusted extension).
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import migrations
from django.db.models import F, Func, Q, Value

NAME = "rental_unit_never_rented_twice_at_once"


def constraint():
    return ExclusionConstraint(
        name=NAME,
        expressions=[
            ("unit", RangeOperators.EQUAL),
            (
                Func(
                    F("start_date"),
                    F("end_date"),
                    Value("[)"),
                    function="daterange",
                    output_field=DateRangeField(),
                ),
                RangeOperators.OVERLAPS,
            ),
        ],
        condition=Q(status__in=["booked", "out"]),
    )


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.add_constraint(apps.get_model("shop", "Rental"), constraint())


def remove_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_constraint(apps.get_model("shop", "Rental"), constraint())


class Migration(migrations.Migration):
    dependencies = [("shop", "0002_orders_rentals_enquiries")]

    # The extension stays when migrating backwards: something else may use it.
    operations = [migrations.RunPython(add_constraint, remove_constraint)]
