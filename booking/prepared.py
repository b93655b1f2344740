"""A query the ORM writes once and each call runs with its own values.

Building and compiling the booking's locked read (services.slot_for_booking: the slot and,
in subqueries, the booking rules) took half of the booking POST's processor time, the same
work for every booking. Here the ORM still builds it, from the same querysets as everywhere
else, but once per process and shape; the values that differ between calls are Params in
it, and each call only puts its own values in their places.
"""

from django.db import connections
from django.db.models import Expression


class Param(Expression):
    """A value given at each call of `run`, under `name`; `output_field` says how the
    database takes it (a DateTimeField, say, is made naive on SQLite)."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


_compiled = {}


def run(model, key, build, *, using="default", **values):
    """The instances of `model` (with its annotations, no related objects) that `build()`
    finds with these values for its Params. `key` names the query's shape: everything of
    `build()` that is not a Param. Compiled on first use (inside a transaction, if the query
    locks rows)."""
    connection = connections[using]
    if (compiled := _compiled.get((connection.vendor, key))) is None:
        queryset = build()
        compiled = _compiled[connection.vendor, key] = queryset.query.get_compiler(
            using=using
        ).as_sql()
    sql, params = compiled
    params = [
        p.output_field.get_db_prep_value(values[p.name], connection) if isinstance(p, Param) else p
        for p in params
    ]
    return model.objects.raw(sql, params).using(using)
