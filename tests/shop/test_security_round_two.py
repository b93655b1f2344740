"""Security round two (issue 12), shop side."""

import pytest
from django.core import mail

from .test_enquiry import ask

pytestmark = pytest.mark.django_db


def test_email_subjects_and_bodies_are_not_html_escaped(client, shop, settings):
    settings.CLINIC_NOTIFY_EMAILS = ["info@example.com"]
    mail.outbox.clear()
    ask(client, name="Åsa & Erik O'Brien", message="Fungerar den <10 min>?")
    message = mail.outbox[-1]
    assert "Åsa & Erik O'Brien" in message.subject
    assert "&amp;" not in message.subject and "&#x27;" not in message.subject
    assert "<10 min>" in message.body and "&lt;" not in message.body
