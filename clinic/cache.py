"""Django's database cache with an atomic incr(), for counters shared by every process.

Django's own DatabaseCache increments by reading and writing back: two requests at the same
moment can both read 4 and both write 5. Rate-limit counters must not lose hits, so incr()
here locks the row (SELECT ... FOR UPDATE on PostgreSQL; SQLite transactions here begin
IMMEDIATE and so take the write lock) for the read and the write, and keeps the entry's
expiry instead of resetting it to the default timeout.
"""

from django.core.cache.backends import db
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class DatabaseCache(db.DatabaseCache):
    def incr(self, key, delta=1, version=None):
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        cache_key = self.make_and_validate_key(key, version=version)
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT expires FROM {table} WHERE cache_key = %s{lock}", [cache_key]
                )
                row = cursor.fetchone()
            value = self.get(key, self._missing_key, version=version)
            if row is None or value is self._missing_key:
                raise ValueError(f"Key '{key}' not found")
            expires = self._to_datetime(row[0], connection)
            new_value = value + delta
            seconds_left = max((expires - now()).total_seconds(), 1)
            self.set(key, new_value, timeout=seconds_left, version=version)
            return new_value

    @staticmethod
    def _to_datetime(value, connection):
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            value = converter(value, expression, connection)
        return value
