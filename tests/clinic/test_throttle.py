"""Rate limits on public POSTs, the honeypot against form spam, admin login throttling."""

import re
import threading
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from clinic.forms import HONEYPOT_FIELD
from clinic.models import Practitioner
from clinic.throttle import counter_lock

FORM = "/test/formular/"
LOGIN = "/admin/login/"


def enquiry(n=0, **extra):
    return {"name": f"Testperson {n}", "slug": f"testperson-{n}", "title": "Fotterapeut", **extra}


def submitted():
    """What the test form stored (the clinic's own practitioners are there from the start)."""
    return Practitioner.objects.filter(slug__startswith="testperson-")


@pytest.mark.django_db
@pytest.mark.urls("tests.hardening.urls")
@pytest.mark.usefixtures("still_clock")
class TestRateLimit:
    def test_posts_beyond_the_limit_get_the_friendly_429_page_and_store_nothing(self, client):
        for n in range(3):
            assert client.post(FORM, enquiry(n)).status_code == 302
        response = client.post(FORM, enquiry(3))
        assert response.status_code == 429
        html = response.content.decode()
        assert "<h1>För många försök på kort tid</h1>" in html
        assert "har inte sparats" in html
        assert '<a class="skip-link" href="#main">' in html  # the site's own design
        assert 1 <= int(response["Retry-After"]) <= 65
        assert submitted().count() == 3

    def test_reading_the_form_is_never_limited(self, client):
        for n in range(3):
            client.post(FORM, enquiry(n))
        assert client.get(FORM).status_code == 200

    def test_each_client_address_has_its_own_limit(self, client):
        for n in range(4):
            client.post(FORM, enquiry(n), REMOTE_ADDR="10.0.0.1")
        assert client.post(FORM, enquiry(9), REMOTE_ADDR="10.0.0.2").status_code == 302

    def test_a_client_cannot_escape_the_limit_by_forging_x_forwarded_for(self, client):
        statuses = [
            client.post(FORM, enquiry(n), HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
            for n in range(4)
        ]
        assert statuses == [302, 302, 302, 429]

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_our_proxy_the_address_it_appended_counts_not_the_clients_own(self, client):
        # The client writes the first entries; our proxy appends the address it saw.
        statuses = [
            client.post(
                FORM, enquiry(n), HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7"
            ).status_code
            for n in range(4)
        ]
        assert statuses == [302, 302, 302, 429]
        other_patient = client.post(FORM, enquiry(5), HTTP_X_FORWARDED_FOR="203.0.113.8")
        assert other_patient.status_code == 302


@pytest.mark.django_db
@pytest.mark.urls("tests.hardening.urls")
class TestHoneypot:
    def test_the_honeypot_is_hidden_by_a_css_class_and_labelled_for_screen_readers(self, client):
        html = client.get(FORM).content.decode()
        assert 'class="mb-3 hp-field"' in html
        label = re.search(rf'<label\s+for="id_{HONEYPOT_FIELD}"[^>]*>\s*([^<]+?)\s*</label>', html)
        assert label.group(1) == "Lämna detta fält tomt"
        assert 'tabindex="-1"' in html and 'autocomplete="off"' in html
        assert "style=" not in html

    def test_a_person_who_leaves_it_empty_gets_through(self, client):
        response = client.post(FORM, enquiry(1, **{HONEYPOT_FIELD: ""}))
        assert response.status_code == 302
        assert Practitioner.objects.filter(slug="testperson-1").exists()

    def test_a_robot_that_fills_it_is_refused_and_nothing_is_stored(self, client, caplog):
        response = client.post(FORM, enquiry(1, **{HONEYPOT_FIELD: "http://spam.example"}))
        assert response.status_code == 200
        assert "Formuläret kunde inte skickas" in response.content.decode()
        assert not submitted().exists()
        assert "spam.example" not in caplog.text


@pytest.mark.django_db
class TestAdminLoginThrottling:
    def test_five_failed_logins_lock_the_address_out_with_a_swedish_page(self, client, superuser):
        for _ in range(4):
            response = client.post(LOGIN, {"username": "chef", "password": "fel"})
            assert response.status_code == 200
        response = client.post(LOGIN, {"username": "chef", "password": "fel"})
        assert response.status_code == 429
        html = response.content.decode()
        assert "<h1>Inloggningen är tillfälligt spärrad</h1>" in html
        assert "Vänta 15 minuter" in html
        assert '<a class="skip-link" href="#main">' in html
        # Even the right password waits for the cool-off.
        locked = client.post(LOGIN, {"username": "chef", "password": "lösenord-123"})
        assert locked.status_code == 429

    def test_the_lock_lifts_after_the_cool_off(self, client, superuser):
        for _ in range(5):
            client.post(LOGIN, {"username": "chef", "password": "fel"})
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
        )
        response = client.post(LOGIN, {"username": "chef", "password": "lösenord-123"})
        assert response.status_code == 302

    def test_an_overlong_username_gets_the_form_again_not_an_error(self, client):
        response = client.post(LOGIN, {"username": "x" * 10_000, "password": "0"})
        assert response.status_code == 200
        assert len(AccessAttempt.objects.get().username) == 255

    def test_another_address_can_still_log_in(self, client, superuser):
        for _ in range(5):
            client.post(LOGIN, {"username": "chef", "password": "fel"}, REMOTE_ADDR="10.0.0.9")
        response = client.post(LOGIN, {"username": "chef", "password": "lösenord-123"})
        assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
def test_shared_counters_lose_no_increment_when_requests_race():
    """Django's database cache increments by a read and a write; counter_lock makes the pair
    one step per client (without it, 8 threads x 5 increments kept as few as 6)."""
    cache = caches["shared"]
    cache.set("race", 0, 120)
    errors = []

    def hit():
        for _ in range(5):
            try:
                with counter_lock("10.0.0.1"):
                    cache.incr("race")
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
        connection.close()

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.get("race") == 40
    cache.delete("race")
