"""Two expressions the figures need on both databases: the hours between two instants, and
the median of a group."""

import statistics

from django.db.models import Aggregate, FloatField, Func


class HoursBetween(Func):
    """Hours from `earlier` to `later` (negative when later is earlier), as a float."""

    output_field = FloatField()
    arity = 2

    def __init__(self, later, earlier, **extra):
        super().__init__(later, earlier, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        later, earlier = (compiler.compile(e) for e in self.get_source_expressions())
        return self.sql(connection, later[0], earlier[0]), (*later[1], *earlier[1])

    def sql(self, connection, later, earlier):
        if connection.vendor == "postgresql":
            return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 3600.0)"
        return f"((julianday({later}) - julianday({earlier})) * 24.0)"


class _SqliteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


class Median(Aggregate):
    """The median (the mean of the two middle values when their number is even); NULLs are
    left out. PostgreSQL: percentile_cont; SQLite: an aggregate registered on the connection."""

    function = "MEDIAN"
    name = "Median"
    output_field = FloatField()
    allow_distinct = False

    def as_postgresql(self, compiler, connection, **extra_context):
        # A copy with its own template: Aggregate.as_sql takes no template argument together
        # with a filter.
        median = self.copy()
        median.template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return median.as_sql(compiler, connection, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)
        return self.as_sql(compiler, connection, **extra_context)
