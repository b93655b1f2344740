"""Named locks for the rules no constraint can state (a count that must not pass a limit):
inside a transaction, `lock(kind, name)` lets one writer per kind and name count and then
write, until the transaction ends. PostgreSQL: an advisory lock on the kind's number and the
name's hash; SQLite serialises every write transaction already (settings: transaction_mode
IMMEDIATE), so there it takes none.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.transaction import TransactionManagementError

# The first key of each kind's advisory locks: never reuse a number for another kind.
KINDS = {"holds per address": 1, "rate counters": 2}


def lock(kind, name, using=DEFAULT_DB_ALIAS):
    connection = connections[using]
    number = KINDS[kind]  # an unknown kind fails on every database
    if not connection.in_atomic_block:  # outside one, PostgreSQL would let go at once
        raise TransactionManagementError(f"lock({kind!r}) is held only inside a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [number, name])
