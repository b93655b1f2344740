"""More than one app server: a visitor's requests may land on any of them."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User

from shop.models import TreatmentPackage
from tests.concurrency import eventually
from tests.servers import Browser, csrf_token

pytestmark = pytest.mark.servers

ARTICLE = "/besvar/halkuddesyndrom/"
NBSP = "\u00a0"


def staff_user_the_servers_can_check(username, password):
    # The tests hash passwords with MD5 for speed; production settings only accept PBKDF2.
    hashed = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    return User.objects.create(username=username, password=hashed, is_staff=True, is_superuser=True)


def test_session_and_csrf_work_when_requests_land_on_different_servers(gunicorn_servers):
    staff_user_the_servers_can_check("chef", "lösenord-123")
    a, b = gunicorn_servers(2)
    browser = Browser()

    status, headers, html = browser.get(a, "/admin/login/")
    assert status == 200
    assert "Secure" in headers["Set-Cookie"] and "SameSite=Lax" in headers["Set-Cookie"]
    token = csrf_token(html)

    form = {"csrfmiddlewaretoken": token, "username": "chef", "password": "lösenord-123"}
    status, headers, _ = browser.post(b, "/admin/login/?next=/admin/", {**form, "next": "/admin/"})
    assert status == 302, "the token from server A is accepted by server B"
    assert headers["Location"] == "/admin/"
    assert "sessionid" in browser.cookies

    status, _, html = browser.get(a, "/admin/")
    assert status == 200, "the session made on server B is known to server A"
    assert "chef" in html


def test_a_post_without_the_csrf_token_is_refused_on_every_server(gunicorn_servers):
    a, b = gunicorn_servers(2)
    browser = Browser()
    browser.get(a, "/admin/login/")
    status, _, _ = browser.post(b, "/admin/login/", {"username": "x", "password": "y"})
    assert status == 403


def test_an_edit_shows_at_once_on_every_server_and_worker(gunicorn_servers, content):
    servers = gunicorn_servers(2)
    for server in servers:
        for _ in range(6):  # every worker caches the article
            status, _, html = Browser().get(server, ARTICLE)
            assert status == 200 and f"880{NBSP}kr" in html
    package = TreatmentPackage.objects.get(slug="nybesok")
    package.price = 930
    package.save()

    def every_worker_shows_the_edit(server):
        pages = [Browser().get(server, ARTICLE)[2] for _ in range(6)]
        return all(f"930{NBSP}kr" in html and f">880{NBSP}kr" not in html for html in pages)

    # PostgreSQL delivers the notice to every worker's connection a moment after the commit
    # (milliseconds; more on a machine busy with other work), not in the same instant.
    assert eventually(
        lambda: all(every_worker_shows_the_edit(server) for server in servers), tries=40, every=0.05
    )
