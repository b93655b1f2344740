"""Shared fixtures: the clinic's real content, staff users, an admin form helper and real
gunicorn servers."""

import os
from contextlib import ExitStack

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clinic.groups import sync_groups
from clinic.models import Location
from tests import clock
from tests.servers import collect_static, database_url, running_servers


def pytest_addoption(parser):
    parser.addoption(
        "--clock",
        metavar="INSTANT",
        help="run the whole session with the clock moved to this ISO 8601 instant, e.g. "
        "2026-11-29T15:00+01:00 (Stockholm time without an offset); it ticks on from there, "
        "and the servers the tests start follow it",
    )


def pytest_configure(config):
    if instant := config.getoption("--clock"):
        clock.travel(instant)


def pytest_report_header(config):
    if instant := config.getoption("--clock"):
        return f"clock: {clock.parse(instant).astimezone(clock.STOCKHOLM):%a %Y-%m-%d %H:%M %Z}"


def is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """Each run its own SQLite test database file (clinic/settings/test.py names one), so two
    runs in one checkout at once (a check beside an editor's run) never delete or lock each
    other's. With --reuse-db (make test-calendar's runs, one after another) the name stays."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not request.config.getvalue(
        "reuse_db"
    ):
        name = database["TEST"]["NAME"]
        database["TEST"]["NAME"] = name.replace(".sqlite3", f"-{os.getpid()}.sqlite3")


@pytest.fixture(autouse=True)
def _booking_state_version_moves_at_once(request):
    """On PostgreSQL the booking-state version moves at commit (deferred triggers, migration
    booking 0012), and a test that runs in one rolled-back transaction never commits: there
    the triggers fire at each change instead, as a commit after each would make them."""
    uses_db = request.node.get_closest_marker("django_db") or "db" in request.fixturenames
    if uses_db and not is_transactional(request):
        request.getfixturevalue("db")
        booking_state_version_moves_at_once()


def booking_state_version_moves_at_once():
    """(Again after loaddata, which sets every PostgreSQL constraint back to deferred.)"""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS booking_state_changed IMMEDIATE")


@pytest.fixture(autouse=True)
def _each_test_starts_with_an_empty_cache():
    """Cached pages and values are keyed by version numbers taken from the clock
    (clinic/cache.py); under a frozen clock two tests can make the same number for different
    data. Each test starts with an empty cache, as a new server would."""
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _rate_limit_counters_end_with_the_test(request, django_db_blocker):
    """Rate-limit counters live in a cache table that a transactional test's flush leaves
    alone (it is no model's table): empty it, so one test's POSTs never count in the next."""
    yield
    if is_transactional(request):
        with django_db_blocker.unblock():
            caches["shared"].clear()


@pytest.fixture
def still_clock(time_machine):
    """The clock stands still: a test's requests all fall in one window of a rate ("3/m").
    django-ratelimit's windows turn at a fixed second of each minute or hour (its own for each
    client), and a slow run could cross one between two requests and start counting anew."""
    time_machine.move_to(timezone.now(), tick=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database starts with the clinic's own content, loaded once per run (loading
    it for each test was a third of the booking tests' time); each test's rollback keeps it."""
    with django_db_blocker.unblock():
        call_command("load_clinic_content", verbosity=0)


@pytest.fixture(autouse=True)
def _transactional_tests_start_without_the_runs_content(request):
    """The content loaded once per run is for the tests that roll back. A transactional test
    starts, whatever ran before it, from the empty tables every transactional test's flush
    leaves, and asks for `content` if it needs it: the first of them flushes the run's load."""
    if is_transactional(request):
        request.getfixturevalue("transactional_db")
        if Location.objects.exists():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def content(db):
    """The clinic's own content, loaded from fixtures/ exactly as `make run` loads it: there
    from the start, and loaded again after a transactional test's flush emptied the tables."""
    call_command("load_clinic_content", verbosity=0)
    booking_state_version_moves_at_once()


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("chef", "chef@example.com", "lösenord-123")


def staff_in(group_name, username):
    # Transactional tests flush the tables the migrations filled; make the groups again then.
    if not Group.objects.filter(name=group_name).exists():
        sync_groups(apps)
    user = User.objects.create_user(username, f"{username}@example.com", "lösenord-123")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return staff_in("Redaktör", "redaktor")


@pytest.fixture
def receptionist(db):
    return staff_in("Reception", "reception")


def _bound_field_data(data, bound_field):
    value = bound_field.value()
    widget = bound_field.field.widget
    if getattr(widget, "input_type", None) == "checkbox" or isinstance(value, bool):
        if value:
            data[bound_field.html_name] = "on"
        return
    if value is None:
        data[bound_field.html_name] = ""
    elif isinstance(value, list | tuple):
        data[bound_field.html_name] = [str(item) for item in value]
    else:
        data[bound_field.html_name] = str(value)


def admin_form_data(response):
    """The POST data an admin change form would send unchanged, inlines included."""
    data = {}
    for bound_field in response.context["adminform"].form:
        _bound_field_data(data, bound_field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            data[bound_field.html_name] = str(bound_field.value())
        for form in formset.forms:
            for bound_field in form:
                _bound_field_data(data, bound_field)
    return data


@pytest.fixture
def admin_form():
    return admin_form_data


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, with each request's on-commit work (e-mail) run as a real commit would."""
    send = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return send(**kwargs)

    client.request = request
    return client


@pytest.fixture
def run_command(django_capture_on_commit_callbacks):
    """call_command, with its on-commit work run as a real commit would."""

    def run(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call_command(*args, **kwargs)

    return run


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    collect_static(root)
    return root


@pytest.fixture
def gunicorn_servers(transactional_db, request):
    """Start real gunicorn servers on the test database: `a, b = gunicorn_servers(2)`.

    Production settings with a shared test secret key, SSL redirect off, 2 workers each.
    Data the test writes is committed (transactional_db), so the servers see it. Stopped at
    the end of the test. PostgreSQL only: the servers are other processes.
    """
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://...): the app servers are separate "
            "processes and cannot share the tests' in-memory SQLite database"
        )
    static_root = request.getfixturevalue("collected_static")
    with ExitStack() as stack:

        def start(count=2, *, workers=2, env=None):
            return stack.enter_context(
                running_servers(
                    count,
                    database=database_url(connection.settings_dict),
                    static_root=static_root,
                    workers=workers,
                    extra_env=env,
                )
            )

        yield start
