"""Issue 12, item 8: no booking, waitlist, offer or order token ever reaches the log, not even
through Django's own warnings that print the full path."""

import io
import json
import logging
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from booking.models import Booking
from clinic.logs import JsonFormatter
from clinic.models import Location
from tests.booking.conftest import make_slot, patient_data

pytestmark = pytest.mark.django_db

DETAILS = "/boka/stockholm/nybesok/uppgifter/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(
        datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Europe/Stockholm")), tick=True
    ):
        yield


@pytest.fixture
def stockholm(content):
    return Location.objects.get(slug="stockholm")


@pytest.fixture(params=["plain", "json"])
def log_output(request):
    """What the site's configured log handlers (settings.LOGGING) write, in both formats."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if type(handler) is logging.StreamHandler
    ]
    assert handlers, "settings.LOGGING configures a console handler on the root logger"
    output = io.StringIO()
    saved = [(handler, handler.setStream(output), handler.formatter) for handler in handlers]
    if request.param == "json":
        for handler in handlers:
            handler.setFormatter(JsonFormatter())
    yield output
    for handler, stream, formatter in saved:
        handler.setStream(stream)
        handler.setFormatter(formatter)


def token():
    return secrets.token_urlsafe(32)


def assert_logged_without(output, secret, *expected):
    text = output.getvalue()
    for line in text.splitlines():
        if line.startswith("{"):
            json.loads(line)  # still one JSON object a line
    for words in expected:
        assert words in text
    assert secret not in text
    assert "[token]" in text


def test_not_found_warning_for_a_manage_link_carries_no_token(client, content, log_output):
    secret = token()
    assert client.get(f"/boka/hantera/{secret}/").status_code == 404
    assert_logged_without(log_output, secret, "Not Found: /boka/hantera/[token]/")


def test_not_found_warnings_for_waitlist_and_order_links_carry_no_token(
    client, content, log_output
):
    secret = token()
    for path in [
        f"/boka/bekraftelse/{secret}/",
        f"/boka/vantelista/bekrafta/{secret}/",
        f"/boka/vantelista/andra/{secret}/",
        f"/boka/vantelista/erbjudande/{secret}/",
        f"/shop/varukorg/bekraftelse/{secret}/",
    ]:
        assert client.get(path).status_code == 404
    assert_logged_without(
        log_output, secret, "/shop/varukorg/bekraftelse/[token]/", "/vantelista/andra/[token]/"
    )


def test_method_not_allowed_on_the_offer_decline_link_carries_no_token(client, content, log_output):
    secret = token()
    response = client.get(f"/boka/vantelista/erbjudande/{secret}/avboj/")
    assert response.status_code == 405
    assert_logged_without(
        log_output, secret, "Method Not Allowed (GET): /boka/vantelista/erbjudande/[token]/avboj/"
    )


def test_csrf_failure_on_a_cancel_link_carries_no_token(stockholm, log_output):
    slot = make_slot(stockholm, hour=9)
    Client().post(DETAILS, patient_data(slot))
    booking = Booking.objects.get()
    response = Client(enforce_csrf_checks=True).post(f"/boka/hantera/{booking.token}/avboka/")
    assert response.status_code == 403
    assert_logged_without(
        log_output, booking.token, "Forbidden (CSRF cookie not set.): /boka/hantera/[token]/avboka/"
    )


def test_conflict_on_a_move_to_a_time_just_taken_carries_no_token(client, stockholm, log_output):
    mine, taken = make_slot(stockholm, hour=9), make_slot(stockholm, hour=12)
    client.post(DETAILS, patient_data(mine))
    client.post(DETAILS, patient_data(taken, request_token="other", email="o@example.com"))
    booking = Booking.objects.get(slot=mine)
    response = client.post(f"/boka/hantera/{booking.token}/flytta/", {"slot": taken.pk})
    assert response.status_code == 409
    assert_logged_without(log_output, booking.token, "Conflict: /boka/hantera/[token]/flytta/")


def test_a_server_error_on_a_manage_link_logs_a_traceback_without_the_token(
    content, log_output, monkeypatch
):
    """An exception whose message quotes the path: the traceback is scrubbed as well."""
    secret = token()

    def broken(token):
        raise RuntimeError(f"could not read /boka/hantera/{token}/")

    monkeypatch.setattr("booking.views.visits.booking_by_token", broken)
    response = Client(raise_request_exception=False).get(f"/boka/hantera/{secret}/")
    assert response.status_code == 500
    assert_logged_without(
        log_output,
        secret,
        "Internal Server Error: /boka/hantera/[token]/",
        "RuntimeError: could not read /boka/hantera/[token]/",
        "Traceback (most recent call last)",
    )
