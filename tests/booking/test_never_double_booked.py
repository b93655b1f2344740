"""Two patients can never hold the same time, and a confirmed booking is never lost."""

import pytest
from django.core import mail
from django.db import connection

from booking.models import Booking
from clinic.models import OutboxEmail
from tests.concurrency import post_together

from .conftest import make_slot, patient_data

DETAILS = "/boka/stockholm/nybesok/uppgifter/"


@pytest.mark.django_db(transaction=True)
def test_twenty_patients_at_once_get_exactly_one_booking(stockholm):
    slot = make_slot(stockholm)
    payloads = [
        patient_data(slot, request_token=f"patient-{n}", email=f"p{n}@example.com")
        for n in range(20)
    ]
    responses = post_together(DETAILS, payloads)

    statuses = sorted(r.status_code for r in responses)
    assert 500 not in statuses
    assert Booking.objects.filter(slot=slot).count() == 1
    assert statuses.count(302) == 1
    losers = [r for r in responses if r.status_code == 200]
    assert len(losers) == 19
    for response in losers:
        html = response.content.decode()
        assert "Tiden hann tyvärr bokas av någon annan" in html
        assert 'value="Åsa Öberg-Ängström"' in html
    assert connection.vendor in ("postgresql", "sqlite")


@pytest.mark.django_db(transaction=True)
def test_a_double_click_at_the_same_moment_makes_one_booking(stockholm):
    slot = make_slot(stockholm)
    same = patient_data(slot, request_token="one-form")
    responses = post_together(DETAILS, [same, same, same])
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert len({r["Location"] for r in responses}) == 1
    assert Booking.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_booking_stands_when_the_mail_server_is_down_and_is_mailed_later(
    client, stockholm, settings, run_command
):
    settings.EMAIL_BACKEND = "tests.mail_backends.DownBackend"
    response = client.post(DETAILS, patient_data(make_slot(stockholm)))
    assert response.status_code == 302
    assert "Tack, din tid är bokad" in client.get(response["Location"]).content.decode()
    assert Booking.objects.count() == 1
    assert OutboxEmail.objects.pending().count() == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_command("send_outbox", verbosity=0)
    run_command("send_outbox", verbosity=0)
    assert len(mail.outbox) == 1
    assert "Bokningsbekräftelse" in mail.outbox[0].subject
