"""Hardened defaults: security headers, production checks, health endpoint, no patient data
in logs or error reports."""

import importlib
import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import OperationalError, connection
from django.test import RequestFactory, override_settings
from django.views.debug import get_exception_reporter_class

from clinic.logs import JsonFormatter, RequestIdFilter
from clinic.models import Company, Location
from tests.servers import database_url

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "/besvar/halkuddesyndrom/"

PATIENT = {
    "name": "Anna Andersson",
    "email": "anna.andersson@example.com",
    "phone": "070-123 45 67",
    "personnummer": "19121212-1212",
}


def prod_env(**extra):
    # Not DJANGO_ALLOW_ASYNC_UNSAFE: the browser tests set it for this process only.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="www.ortomed.se",
        SITE_URL="https://www.ortomed.se",
        **extra,
    )
    return env


@pytest.fixture
def prod_settings(monkeypatch):
    """The production settings module, imported with a production-like environment."""
    for key, value in prod_env().items():
        monkeypatch.setenv(key, value)
    module = importlib.import_module("clinic.settings.prod")
    return importlib.reload(module)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", ARTICLE, "/finns-inte/", "/healthz", "/admin/login/"])
def test_every_response_carries_the_security_headers(client, content, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "img-src 'self' data:" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_production_turns_on_hsts_and_secure_httponly_samesite_cookies(prod_settings):
    assert prod_settings.DEBUG is False
    assert prod_settings.SECURE_HSTS_SECONDS >= 60 * 60 * 24 * 365
    assert prod_settings.SECURE_SSL_REDIRECT is True
    for prefix in ["SESSION", "CSRF"]:
        assert getattr(prod_settings, f"{prefix}_COOKIE_SECURE") is True
        assert getattr(prod_settings, f"{prefix}_COOKIE_HTTPONLY") is True
        assert getattr(prod_settings, f"{prefix}_COOKIE_SAMESITE") == "Lax"
    assert prod_settings.LOGGING["handlers"]["console"]["formatter"] == "json"


def fill_contact_details():
    """What staff fill in the admin before opening (the fixtures leave it empty)."""
    for location, phone, email in [
        ("stockholm", "08-123 45 67", "stockholm@example.com"),
        ("goteborg", "031-12 34 56", "goteborg@example.com"),
    ]:
        Location.objects.filter(slug=location).update(phone=phone, email=email)
    Company.objects.create(
        name="Ortomed fotspecialister AB",
        org_number="556677-8899",
        street_address="Hälsingegatan 2",
        postal_code="113 23",
        city="Stockholm",
    )


def deploy_check(**extra):
    """`manage.py check --deploy` under production settings, on the test's own database."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = database_url(settings_dict)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=prod_env(DATABASE_URL=url, **extra),
        capture_output=True,
        text=True,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("redis", [False, True], ids=["database-cache", "redis"])
def test_production_settings_pass_the_deploy_check_without_warnings(content, redis):
    fill_contact_details()
    result = deploy_check(**({"REDIS_URL": "redis://127.0.0.1:6379/0"} if redis else {}))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_deploy_check_fails_while_the_fixtures_contact_details_are_empty(content):
    result = deploy_check()
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Mottagningen i Stockholm saknar telefon och e-post" in output
    assert "Mottagningen i Göteborg saknar telefon och e-post" in output
    assert "/admin/clinic/location/" in output
    assert "Företagsuppgifterna" in output and "/admin/clinic/company/" in output


@pytest.mark.django_db
def test_deploy_check_names_each_missing_detail_and_passes_once_filled(content):
    Location.objects.filter(slug="stockholm").update(phone="+4681234567")
    with pytest.raises(SystemCheckError) as failure:
        call_command("check", deploy=True, tags=["content"])
    message = str(failure.value)
    assert "Mottagningen i Stockholm saknar e-post" in message
    assert "Stockholm saknar telefon" not in message
    fill_contact_details()
    call_command("check", deploy=True, tags=["content"])


@pytest.mark.django_db
def test_development_check_ignores_the_empty_contact_details(content):
    call_command("check")  # no error: the content checks are deploy checks only


def test_production_refuses_to_start_without_a_secret_key():
    env = prod_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_healthz_answers_ok_fast_and_sets_no_cookie(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("clinic.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_healthz_is_reachable_over_plain_http_behind_the_ssl_redirect(client, prod_settings):
    with override_settings(
        SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=prod_settings.SECURE_REDIRECT_EXEMPT
    ):
        assert client.get("/healthz").status_code == 200
        assert client.get("/").status_code == 301


def raise_with_patient_data_in_locals(request):
    patient_name = PATIENT["name"]  # noqa: F841 (a local variable the report must hide)
    raise ValueError("booking failed")


def test_error_reports_never_show_patient_data():
    query = f"email={PATIENT['email']}"
    request = RequestFactory().post(f"/boka/?{query}", data=PATIENT)
    try:
        raise_with_patient_data_in_locals(request)
    except ValueError:
        exc_info = sys.exc_info()
    reporter = get_exception_reporter_class(request)(request, *exc_info)
    for report in [reporter.get_traceback_text(), reporter.get_traceback_html()]:
        assert "booking failed" in report  # the report still says what went wrong
        assert "raise_with_patient_data_in_locals" in report
        for value in [*PATIENT.values(), "anna.andersson%40example.com"]:
            assert value not in report


def format_json(record):
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


@pytest.mark.django_db
@override_settings(ACCESS_LOG=True)
def test_access_log_is_json_naming_the_request_never_the_person(client, caplog):
    with caplog.at_level(logging.INFO, logger="clinic.request"):
        response = client.get(
            f"/?email={PATIENT['email']}&namn=Anna", HTTP_X_REQUEST_ID="proxy-id-12345678"
        )
    assert response["X-Request-ID"] == "proxy-id-12345678"
    [record] = [r for r in caplog.records if r.name == "clinic.request"]
    line = format_json(record)
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert line["status"] == 200
    assert line["request_id"] == "proxy-id-12345678"
    assert isinstance(line["duration_ms"], float)
    assert "anna" not in json.dumps(line).lower()


@pytest.mark.django_db
def test_a_made_up_request_id_replaces_one_that_is_not_safe_to_log(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="anna@example.com <script>")
    assert len(response["X-Request-ID"]) == 32
    assert "anna" not in response["X-Request-ID"]


@pytest.mark.django_db
@pytest.mark.urls("tests.hardening.urls")
@override_settings(ACCESS_LOG=True)
def test_access_log_hides_secret_parts_of_urls(client, caplog):
    with caplog.at_level(logging.INFO, logger="clinic.request"):
        client.get("/test/hantera/hemlig-nyckel-123/")
    [record] = [r for r in caplog.records if r.name == "clinic.request"]
    assert record.path == "/test/hantera/<str:token>/"


def test_json_log_lines_drop_fields_they_do_not_know():
    record = logging.LogRecord("clinic", logging.INFO, __file__, 1, "booked", None, None)
    record.email = PATIENT["email"]
    record.request = object()
    line = format_json(record)
    assert line["message"] == "booked"
    assert PATIENT["email"] not in json.dumps(line)
    assert "request" not in line


@pytest.mark.django_db
def test_the_benchmark_page_exists_only_in_benchmark_mode(client):
    assert client.get("/bench/bare/").status_code == 404
    assert "X-Bench-Queries" not in client.get("/healthz")
