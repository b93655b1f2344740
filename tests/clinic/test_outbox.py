"""E-mail goes through the outbox: sent after commit, retried when the server is down, once."""

import secrets
import signal
import subprocess
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction

from clinic.mail import CHANNEL, follow, queue_email
from clinic.models import OutboxEmail
from tests import clock
from tests.concurrency import eventually
from tests.mail_backends import ConnectionCountingBackend
from tests.servers import ROOT, database_url, server_env

pytestmark = pytest.mark.django_db(transaction=True)

DOWN = "tests.mail_backends.DownBackend"
SECOND_REFUSED = "tests.mail_backends.SecondRefusedBackend"
COUNTING = "tests.mail_backends.ConnectionCountingBackend"


@pytest.fixture(autouse=True)
def templates(tmp_path, settings):
    (tmp_path / "t_subject.txt").write_text("Hej {{ name }}\n")
    (tmp_path / "t.txt").write_text("Välkommen {{ name }}. {{ site_url }}\n")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]


def queue(key="k1"):
    with transaction.atomic():
        return queue_email(
            key=key,
            to=["patient@example.com"],
            template="t",
            context={"name": "Åsa"},
            attachments=[("besok.ics", "BEGIN:VCALENDAR", "text/calendar")],
        )


def test_message_is_sent_after_commit_with_its_attachment():
    queue()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Hej Åsa"
    assert "Välkommen Åsa. http://testserver" in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][0] == "besok.ics"
    assert OutboxEmail.objects.get().sent_at is not None


def test_nothing_is_sent_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(key="x", to=["a@example.com"], template="t", context={"name": "A"})
        raise RuntimeError
    assert mail.outbox == []
    assert not OutboxEmail.objects.exists()


def test_down_mail_server_keeps_the_message_and_the_retry_sends_it_once(settings):
    settings.EMAIL_BACKEND = DOWN
    queue()
    message = OutboxEmail.objects.get()
    assert message.sent_at is None
    assert "mail server is down" in message.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox", verbosity=0)
    call_command("send_outbox", verbosity=0)
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get().sent_at is not None


def test_a_round_sends_everything_over_one_connection(settings):
    settings.OUTBOX_WORKER = True  # queued only: cron's round below sends them
    for key in ("a", "b", "c"):
        queue(key)
    settings.EMAIL_BACKEND = COUNTING
    ConnectionCountingBackend.connections = 0
    call_command("send_outbox", verbosity=0)
    assert len(mail.outbox) == 3
    assert ConnectionCountingBackend.connections == 1


def cron_round_of_three(settings, backend):
    """a, b and c queued (left to the worker), then one round of cron's `send_outbox`
    through `backend`: what it printed."""
    settings.OUTBOX_WORKER = True
    for key in ("a", "b", "c"):
        queue(key)
    settings.EMAIL_BACKEND = backend
    out = StringIO()
    call_command("send_outbox", stdout=out)
    return out.getvalue().strip()


def test_a_server_that_is_down_costs_one_try_a_round_and_the_failed_message_goes_last(
    settings,
):
    assert cron_round_of_three(settings, DOWN) == "sent 0, failed 1"
    assert dict(OutboxEmail.objects.values_list("key", "attempts")) == {"a": 1, "b": 0, "c": 0}

    settings.EMAIL_BACKEND = COUNTING
    call_command("send_outbox", "--limit", "2", verbosity=0)
    assert sorted(OutboxEmail.objects.pending().values_list("key", flat=True)) == ["a"]
    call_command("send_outbox", verbosity=0)
    assert not OutboxEmail.objects.pending().exists()


def test_a_failure_mid_round_keeps_what_was_sent_and_lets_the_rest_go_untried(settings):
    assert cron_round_of_three(settings, SECOND_REFUSED) == "sent 1, failed 1"
    rows = OutboxEmail.objects.values_list("key", "attempts", "claimed_at", "sent_at")
    state = {
        key: (attempts, claimed is None, sent is not None) for key, attempts, claimed, sent in rows
    }
    # a sent; b tried once and let go; c never tried, as it was.
    assert state == {"a": (1, False, True), "b": (1, True, False), "c": (0, True, False)}
    assert "ConnectionResetError" in OutboxEmail.objects.get(key="b").last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox", verbosity=0)
    assert sorted(m.to[0] for m in mail.outbox) == ["patient@example.com"] * 3
    assert not OutboxEmail.objects.pending().exists()


def test_the_same_key_is_queued_once():
    queue("same")
    queue("same")
    assert OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1


# --- the outbox worker (settings.OUTBOX_WORKER, `manage.py send_outbox --follow`) -------------


@pytest.fixture
def worker(settings, request):
    """The outbox worker running beside the test, as beside gunicorn. On PostgreSQL it waits
    for notices up to 30 s at a time, so an e-mail sent in less shows a notice woke it; then
    it gathers for `gather` seconds (indirect parameter; 0.1 as in production)."""
    settings.OUTBOX_WORKER = True
    postgresql = connection.vendor == "postgresql"
    stop = threading.Event()
    gather = getattr(request, "param", 0.1)

    def run():
        try:
            follow(stop=stop.is_set, wait=30 if postgresql else 0.02, gather=gather)
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=run)
    thread.start()
    yield
    stop.set()
    if postgresql:  # wake it from its wait
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")
    thread.join(timeout=10)
    assert not thread.is_alive(), "the worker stops when asked"


def test_with_the_worker_on_the_request_only_queues_and_cron_still_sends(settings):
    settings.OUTBOX_WORKER = True
    queue()
    assert mail.outbox == []
    assert OutboxEmail.objects.get().sent_at is None

    call_command("send_outbox", verbosity=0)
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get().sent_at is not None


def test_the_worker_sends_each_new_message_as_its_transaction_commits(worker):
    queue("first")
    assert eventually(lambda: len(mail.outbox) == 1), "sent within seconds, not at cron's time"
    queue("second")
    assert eventually(lambda: len(mail.outbox) == 2)
    assert [m.subject for m in mail.outbox] == ["Hej Åsa", "Hej Åsa"]
    # Marked sent once the round has sent all it claimed, a moment after the mail went out.
    assert eventually(lambda: not OutboxEmail.objects.pending().exists())


@pytest.mark.parametrize("worker", [1.0], indirect=True)  # a busy machine has a second
def test_the_worker_sends_the_commits_of_a_busy_moment_in_one_round(worker, settings):
    if connection.vendor != "postgresql":
        pytest.skip("woken by notices only on PostgreSQL (DATABASE_URL=...)")
    queue("first")  # once it is sent, the worker is waiting for notices
    assert eventually(lambda: len(mail.outbox) == 1)
    settings.EMAIL_BACKEND = COUNTING
    ConnectionCountingBackend.connections = 0
    for key in ("a", "b", "c", "d", "e"):
        queue(key)  # five commits, five notices
    assert eventually(lambda: len(mail.outbox) == 6)
    assert ConnectionCountingBackend.connections == 1, "one round, not one a message"
    sent_once = OutboxEmail.objects.filter(sent_at__isnull=False, attempts=1)
    assert eventually(lambda: sent_once.count() == 6)  # marked just after the round's sends


def test_the_worker_tries_a_message_once_and_leaves_retries_to_cron(worker, settings):
    settings.EMAIL_BACKEND = DOWN

    def tried_once_and_let_go(key):  # the claim is released after the failure, not with it
        return OutboxEmail.objects.filter(key=key, attempts=1, claimed_at__isnull=True).exists()

    queue("down")
    assert eventually(lambda: tried_once_and_let_go("down"))
    queue("also-down")  # wakes the worker again
    assert eventually(lambda: tried_once_and_let_go("also-down"))
    assert OutboxEmail.objects.get(key="down").attempts == 1, "not hammered while down"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox", verbosity=0)
    assert len(mail.outbox) == 2


def test_the_worker_command_sends_as_mail_is_queued_and_stops_on_sigterm(tmp_path, settings):
    """`manage.py send_outbox --follow`, as production runs it beside gunicorn."""
    if connection.vendor != "postgresql":
        pytest.skip("another process on the test database: PostgreSQL (DATABASE_URL=...)")
    settings.OUTBOX_WORKER = True  # this process, the site, only queues
    env = server_env(
        database=database_url(connection.settings_dict),
        static_root=tmp_path,
        port=8000,
        secret_key=secrets.token_urlsafe(50),
        workers=1,
        extra={"OUTBOX_WORKER": "1"},
    )
    worker = subprocess.Popen(
        clock.command("manage.py", "send_outbox", "--follow"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        queue("from-the-site")
        assert mail.outbox == []
        sent = lambda: OutboxEmail.objects.filter(sent_at__isnull=False).exists()  # noqa: E731
        assert eventually(sent), "the worker sent it (it waits 30 s between looks otherwise)"

        worker.send_signal(signal.SIGTERM)
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")  # ends its wait at once
        assert worker.wait(timeout=20) == 0
        assert b"outbox worker" in worker.stdout.read()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
