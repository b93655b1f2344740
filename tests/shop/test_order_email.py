"""The order confirmation goes through the outbox: a mail server that is down loses nothing."""

import pytest
from django.core import mail
from django.core.management import call_command

from clinic.models import OutboxEmail
from shop.models import Order

from .conftest import HEEL_CUPS, add, check_out, delivery

pytestmark = pytest.mark.django_db(transaction=True)


def test_order_stands_when_the_mail_server_is_down_and_the_retry_sends_it_once(
    client, shop, settings
):
    settings.EMAIL_BACKEND = "tests.mail_backends.DownBackend"
    add(client, HEEL_CUPS, quantity=1)
    response = check_out(client, delivery())
    assert response.status_code == 302
    order = Order.objects.get()
    assert "Tack för din beställning" in client.get(response["Location"]).content.decode()
    pending = OutboxEmail.objects.get()
    assert pending.sent_at is None and "mail server is down" in pending.last_error
    assert pending.key == f"order-confirmed:{order.pk}"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_outbox", verbosity=0)
    call_command("send_outbox", verbosity=0)
    assert len(mail.outbox) == 1
    assert order.number in mail.outbox[0].subject
    assert OutboxEmail.objects.get().sent_at is not None


def test_failed_checkout_queues_no_e_mail(client, shop):
    add(client, HEEL_CUPS, quantity=1)
    check_out(client, delivery(postal_code="nej"))
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []
