"""Django's PostgreSQL backend, with a health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django checks a reused connection once per request before its first
query, by sending `SELECT 1`. Here the check reads what the server has already sent instead:
a connection the server closed (a restart, `pg_terminate_backend`, an idle timeout) shows its
last message and then its end on the socket, and a connection left in a failed transaction
says so. The first query of every request is then the request's own.
"""

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq

USABLE = (pq.TransactionStatus.IDLE, pq.TransactionStatus.INTRANS)


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        pgconn = self.connection.pgconn
        try:
            # Twice: a cut connection shows its last message first, its end on the next read.
            pgconn.consume_input()
            pgconn.consume_input()
        except psycopg.Error:
            return False
        return pgconn.status == pq.ConnStatus.OK and pgconn.transaction_status in USABLE
