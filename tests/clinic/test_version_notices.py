"""On PostgreSQL a cache hit asks the database nothing while the versions stand still: each
connection listens for the notice a version change sends at commit (clinic/cache.py)."""

import time

import psycopg
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from clinic.cache import versions
from tests.servers import Browser, database_url

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLE = "/besvar/halkuddesyndrom/"
NBSP = "\u00a0"


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("notices are PostgreSQL's (DATABASE_URL=postgres://...); SQLite reads always")


def another_server(sql):
    """Commit `sql` on a connection of its own, as another app server would."""
    with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as other:
        other.execute(sql)


def versions_after_the_notice(old, tries=2000):
    """The versions once they differ from `old` (the notice comes at the other's commit);
    counted in tries of a millisecond, not by the clock, which a test may have frozen."""
    for _ in range(tries):
        if (found := versions()) != old:
            return found
        time.sleep(0.001)
    return found


def test_the_versions_are_read_once_then_kept_until_a_notice_comes(postgresql, content):
    first = versions()
    assert first[1] is None  # no booking state yet
    with CaptureQueriesContext(connection) as queries:
        assert versions() == first
    assert len(queries) == 0, "no notice came: the versions read before still stand"

    another_server("UPDATE clinic_contentversion SET number = number + 1 WHERE id = 1")
    moved = versions_after_the_notice(first)
    assert moved == (first[0] + 1, first[1])

    another_server("INSERT INTO clinic_contentversion (id, number) VALUES (2, 7)")
    assert versions_after_the_notice(moved) == (moved[0], 7), "the booking version too"


def test_without_notices_every_read_is_a_query(postgresql, content, settings):
    settings.VERSION_NOTICES = False  # as behind PgBouncer in transaction mode
    connection.close()  # a new connection, made under this setting
    with CaptureQueriesContext(connection) as queries:
        versions()
        versions()
    assert len(queries) == 2


def test_inside_a_transaction_the_versions_are_always_read(postgresql, content):
    versions()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        versions()
    assert len(queries) == 1


def cut_every_connection_but_this_tests():
    """As a restart of PostgreSQL would, for the app servers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (ours,) = cursor.fetchone()
    another_server(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname ="
        f" current_database() AND pid NOT IN (pg_backend_pid(), {ours})"
    )


def test_a_page_that_queries_is_served_after_the_connection_was_cut(gunicorn_servers, content):
    """Django's health check before a reused connection's first query replaces a cut one."""
    (server,) = gunicorn_servers(1, workers=1)
    product = "/shop/halkoppar-och-skoinlagg/"
    assert Browser().get(server, product)[0] == 200
    cut_every_connection_but_this_tests()
    status, _, html = Browser().get(server, product)
    assert status == 200 and "Hälkoppar" in html


def test_a_server_whose_database_connection_was_cut_still_serves_and_sees_edits(
    gunicorn_servers, content
):
    (server,) = gunicorn_servers(1, workers=1)
    for _ in range(3):
        status, _, html = Browser().get(server, ARTICLE)
        assert status == 200 and f"880{NBSP}kr" in html
    cut_every_connection_but_this_tests()
    # The notice of this edit is lost with the connection: the cut itself must tell.
    another_server(
        "BEGIN; UPDATE shop_treatmentpackage SET price = 930 WHERE slug = 'nybesok';"
        " UPDATE clinic_contentversion SET number = number + 1 WHERE id = 1; COMMIT;"
    )
    status, _, html = Browser().get(server, ARTICLE)
    assert status == 200
    assert f"930{NBSP}kr" in html and f">880{NBSP}kr" not in html
