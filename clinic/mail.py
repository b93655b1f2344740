"""E-mail through the outbox: queued inside the caller's transaction, sent after it commits.

    queue_email(key="booking-confirmed:42", to=["a@example.com"],
                template="booking/email/confirmed", context={...},
                attachments=[("besok.ics", ics_text, "text/calendar")])

renders `<template>_subject.txt`, `<template>.txt` and (if present)
`<template>.html`. A failing mail server never undoes what the e-mail tells:
the row stays pending and `manage.py send_outbox` (run from cron) retries it.

Who sends a new message: with settings.OUTBOX_WORKER on (production), the outbox worker
(`follow()`, `manage.py send_outbox --follow`), which PostgreSQL wakes at the commit; else
the request itself, after its commit.
"""

import contextlib
import logging
import time
from datetime import timedelta

import psycopg
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from .models import Location, OutboxEmail

logger = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died mid-send.
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 20
# A notice here at every commit that queued e-mail (a trigger, migration clinic 0008).
CHANNEL = "ortomed_outbox"


def render_text(name, context):
    """A plain-text template rendered without HTML escaping ("Åsa & Erik O'Brien" stays so)."""
    return get_template(name).template.render(Context(context, autoescape=False))


def queue_email(*, key, to, template, context, attachments=()):
    """Store the message (once per key) and send it when the surrounding transaction commits.
    Returns the message as queued (unsaved form: no pk).

    Every message ends with the shared footer (clinic/email/footer.txt: the privacy notice);
    templates can include clinic/includes/contact.txt, with or without a location."""
    context = {
        "site_url": settings.SITE_URL,
        # Lazy: queried only by a template that lists the locations (contact.txt without one).
        "footer_locations": Location.objects.active(),
        **context,
    }
    subject = " ".join(render_text(f"{template}_subject.txt", context).split())
    body = render_text(f"{template}.txt", context).rstrip("\n") + "\n"
    body += render_text("clinic/email/footer.txt", context)
    try:
        html_body = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html_body = ""
    message = OutboxEmail(
        key=key,
        to=", ".join(to),
        subject=subject,
        body=body,
        html_body=html_body,
        attachments=[
            {"filename": name, "content": content, "mimetype": mimetype}
            for name, content, mimetype in attachments
        ],
    )
    # One INSERT; a message already queued under this key stays as it is (the key is unique),
    # and the send after commit finds whichever row the key has, sent or not.
    OutboxEmail.objects.bulk_create([message], ignore_conflicts=True)
    if not settings.OUTBOX_WORKER:
        transaction.on_commit(lambda: send_queued(key))
    return message


def send_queued(key):
    """Send the queued message with this key unless it is sent or another worker is sending
    it. Never raises."""
    return _send(OutboxEmail.objects.filter(key=key)) == (1, 0)


def send_pending(limit=None, *, new_only=False):
    """Send the pending messages (with `new_only`, those never tried): the least tried
    first, then the oldest; returns (sent, failed). Never raises."""
    tries = OutboxEmail.objects.filter(attempts__lt=1 if new_only else MAX_ATTEMPTS)
    return _send(tries.order_by("attempts", "created_at"), limit)


def _send(messages, limit=None):
    """Send these messages over one connection to the mail server, all claimed first in one
    UPDATE (rows another worker is claiming are skipped), so that two workers never send one
    message twice; the sent ones are marked in one UPDATE too. The first failure ends the
    round: a server that is down costs one try, not one per message. The others are let go
    as they were, for the next round, and the one that failed goes behind them. Returns
    (sent, failed)."""
    now = timezone.now()
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - CLAIM_TIMEOUT)
    with transaction.atomic():
        batch = list(
            messages.filter(free, sent_at__isnull=True).select_for_update(skip_locked=True)[:limit]
        )
        ids = [message.pk for message in batch]
        if ids:
            OutboxEmail.objects.filter(pk__in=ids).update(
                claimed_at=now, attempts=F("attempts") + 1
            )
    sent = []
    server = get_connection()
    try:
        for message in batch:
            try:
                server.open()  # once: later sends of this round reuse the connection
                server.send_messages([_email(message)])
            except Exception as error:  # any mail failure: the message waits for a retry
                logger.warning(
                    "outbox: sending message %s failed: %s", message.pk, type(error).__name__
                )
                OutboxEmail.objects.filter(pk=message.pk).update(
                    claimed_at=None, last_error=f"{type(error).__name__}: {error}"[:1000]
                )
                OutboxEmail.objects.filter(pk__in=ids[len(sent) + 1 :]).update(
                    claimed_at=None,
                    attempts=F("attempts") - 1,  # not tried
                )
                return len(sent), 1
            logger.info("outbox: sent message %s", message.pk)
            sent.append(message.pk)
    finally:
        if sent:
            OutboxEmail.objects.filter(pk__in=sent).update(sent_at=timezone.now(), last_error="")
        with contextlib.suppress(Exception):  # a connection that broke: nothing to close
            server.close()
    return len(sent), 0


def _email(message):
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address.strip() for address in message.to.split(",") if address.strip()],
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


def follow(*, stop, wait=30, gather=0.1):
    """The outbox worker: sends each new message as soon as the transaction that queued it
    commits, until `stop()` is true (checked at least every `wait` seconds). On PostgreSQL it
    sleeps until a notice on CHANNEL, on its own connection (the site's connection listens
    for the cache's), then waits `gather` seconds more, so that the messages of a busy moment
    go out in one round (one claim and one mark for all; e-mail a tenth of a second later
    costs no patient anything); elsewhere it looks every `wait` seconds. A message that
    fails waits for cron's `send_outbox`, which retries at its own pace. A database that goes
    away is waited for."""
    listener = None
    while not stop():
        try:
            if listener is None and connection.vendor == "postgresql":
                params = connection.get_connection_params()
                listener = psycopg.connect(**params, autocommit=True)
                listener.execute(f"LISTEN {CHANNEL}")  # before looking: no commit slips by
            send_pending(new_only=True)
            if listener is None:
                time.sleep(wait)
            elif [*listener.notifies(timeout=wait, stop_after=1)]:  # woken by a commit
                time.sleep(gather)
                [*listener.notifies(timeout=0)]  # those since: the next round answers them
        except (DatabaseError, psycopg.Error):
            logger.warning("outbox worker: the database does not answer", exc_info=True)
            connection.close()
            if listener is not None:
                listener.close()
                listener = None
            time.sleep(min(wait, 5))
    if listener is not None:
        listener.close()
