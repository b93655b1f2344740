"""E-mail through the outbox: queued inside the caller's transaction, sent after it commits.

    queue_email(key="booking-confirmed:42", to=["a@example.com"],
                template="booking/email/confirmed", context={...},
                attachments=[("besok.ics", ics_text, "text/calendar")])

renders `<template>_subject.txt`, `<template>.txt` and (if present)
`<template>.html`. A failing mail server never undoes what the e-mail tells:
the row stays pending and `manage.py send_outbox` (run from cron) retries it.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from .models import Location, OutboxEmail

logger = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died mid-send.
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 20


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
    transaction.on_commit(lambda: send_queued(key))
    return message


def send_queued(key):
    """Send the queued message with this key unless it is sent or another worker is sending
    it. Never raises."""
    now = timezone.now()
    claimed = (
        OutboxEmail.objects.pending()
        .filter(key=key)
        .exclude(claimed_at__gt=now - CLAIM_TIMEOUT)
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    message = OutboxEmail.objects.get(key=key)
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
    try:
        email.send()
    except Exception as error:  # any mail failure: keep the message for the next retry
        logger.warning("outbox: sending message %s failed: %s", message.pk, type(error).__name__)
        OutboxEmail.objects.filter(pk=message.pk).update(
            claimed_at=None, last_error=f"{type(error).__name__}: {error}"[:1000]
        )
        return False
    OutboxEmail.objects.filter(pk=message.pk).update(sent_at=timezone.now(), last_error="")
    logger.info("outbox: sent message %s", message.pk)
    return True


def send_pending(limit=None):
    """Retry every pending message; returns (sent, failed)."""
    keys = (
        OutboxEmail.objects.pending()
        .filter(attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at")
        .values_list("key", flat=True)
    )
    if limit:
        keys = keys[:limit]
    sent = failed = 0
    for key in list(keys):
        if send_queued(key):
            sent += 1
        else:
            failed += 1
    return sent, failed
