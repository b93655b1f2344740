"""Security round two (issue 12): what every app shares (addresses, logs, settings)."""

import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from booking.models import SlotHold
from tests.booking.conftest import make_slot
from tests.clinic.test_security import ROOT, prod_env

LOGIN = "/admin/login/"
CHOOSE = "/boka/stockholm/nybesok/valj/"
DETAILS = "/boka/stockholm/nybesok/uppgifter/"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=STOCKHOLM), tick=True):
        yield


@pytest.mark.django_db
def test_ipv4_mapped_addresses_are_counted_as_their_own_ipv4_address(superuser):
    for _ in range(5):
        Client(REMOTE_ADDR="::ffff:198.51.100.7").post(LOGIN, {"username": "chef", "password": "x"})
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    # Another IPv4 client behind the same IPv6 socket is not locked out with the first.
    other = Client(REMOTE_ADDR="::ffff:203.0.113.9")
    response = other.post(LOGIN, {"username": "chef", "password": "lösenord-123"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_one_ipv6_64_is_locked_out_as_one_client(superuser):
    for n in range(5):
        Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1}").post(
            LOGIN, {"username": "chef", "password": "x"}
        )
    response = Client(REMOTE_ADDR="2001:db8:1:2:ffff::9").post(
        LOGIN, {"username": "chef", "password": "lösenord-123"}
    )
    assert response.status_code == 429
    elsewhere = Client(REMOTE_ADDR="2001:db8:1:3::1").post(
        LOGIN, {"username": "chef", "password": "lösenord-123"}
    )
    assert elsewhere.status_code == 302


@pytest.mark.django_db
def test_one_ipv6_64_cannot_hold_more_times_than_one_address(clock, content, settings):
    from clinic.models import Location

    stockholm = Location.objects.get(slug="stockholm")
    settings.HOLDS_PER_ADDRESS = 2
    slots = [make_slot(stockholm, hour=h) for h in (9, 10, 11)]
    results = [
        Client(REMOTE_ADDR=f"2001:db8:5:6::{n + 1}").post(CHOOSE, {"slot": slot.pk})
        for n, slot in enumerate(slots)
    ]
    assert [r["Location"].startswith(DETAILS) for r in results] == [True, True, False]
    assert SlotHold.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.urls("tests.hardening.urls")
def test_one_ipv4_client_behind_an_ipv6_socket_cannot_rate_limit_the_others():
    first = Client(REMOTE_ADDR="::ffff:198.51.100.1")
    for n in range(4):
        first.post("/test/formular/", {"name": f"P {n}", "slug": f"p-{n}", "title": "T"})
    other = Client(REMOTE_ADDR="::ffff:198.51.100.2")
    response = other.post("/test/formular/", {"name": "Q", "slug": "q", "title": "T"})
    assert response.status_code == 302


def test_production_refuses_to_start_without_site_url():
    env = prod_env()
    del env["SITE_URL"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/", ""])
def test_an_admin_login_with_an_unsafe_next_lands_on_the_admin_index(client, superuser, unsafe):
    response = client.post(
        f"{LOGIN}?next={unsafe}", {"username": "chef", "password": "lösenord-123", "next": unsafe}
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
