"""The named locks of clinic.locks: held by one transaction at a time, per kind and name."""

import psycopg
import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from clinic.locks import KINDS, lock
from tests.servers import database_url

ADDRESS = "198.51.100.7"


def taken_elsewhere(kind, name):
    """Whether another connection (another app server) finds the lock taken."""
    with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as other:
        free = other.execute(
            "SELECT pg_try_advisory_xact_lock(%s, hashtext(%s))", [KINDS[kind], name]
        ).fetchone()[0]
    return not free


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_a_lock_outside_a_transaction_is_refused_not_silently_let_go():
    with pytest.raises(TransactionManagementError):
        lock("holds per address", ADDRESS)


@pytest.mark.django_db
def test_an_unknown_kind_is_refused():
    with transaction.atomic(), pytest.raises(KeyError):
        lock("holds per adress", ADDRESS)  # misspelt: never a lock of its own


@pytest.mark.django_db(transaction=True)
def test_a_lock_is_held_until_the_transaction_ends_for_that_kind_and_name_only():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite serialises every write transaction")
    with transaction.atomic():
        lock("holds per address", ADDRESS)
        assert taken_elsewhere("holds per address", ADDRESS)
        assert not taken_elsewhere("holds per address", "198.51.100.8")
        assert not taken_elsewhere("rate counters", ADDRESS)
    assert not taken_elsewhere("holds per address", ADDRESS)
