"""E-mail goes through the outbox: sent after commit, retried when the server is down, once."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from clinic.mail import queue_email
from clinic.models import OutboxEmail

pytestmark = pytest.mark.django_db(transaction=True)

DOWN = "tests.mail_backends.DownBackend"


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


def test_the_same_key_is_queued_once():
    queue("same")
    queue("same")
    assert OutboxEmail.objects.count() == 1
    assert len(mail.outbox) == 1
