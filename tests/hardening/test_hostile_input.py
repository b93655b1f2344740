"""Random and hostile data posted into the forms that exist: never a 500, never a half-written row.

Round two adds the booking, order, enquiry and cancel/move forms and the admin's booking
actions here, the same way.
"""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic.forms import HONEYPOT_FIELD
from clinic.models import Practitioner

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "\u202eevil\u202c",
    "Ω≈ç√∫˜µ≤≥÷ åäö ÅÄÖ 🦶🏽",
    "x" * 10_000,
    "%s%s%n",
    "{{ settings.SECRET_KEY }}",
]
# Any text a client can send (surrogates cannot be encoded as UTF-8 at all).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300) | st.sampled_from(HOSTILE)
VALUE = TEXT | st.lists(TEXT, min_size=2, max_size=3)

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def post_and_roll_back(client, url, data):
    """Post inside a savepoint that is rolled back, so every example starts from the same rows."""
    with transaction.atomic():
        response = client.post(url, data)
        outcome = response.status_code, _rows()
        transaction.set_rollback(True)
    return response, outcome


def _rows():
    return Practitioner.objects.count(), User.objects.count()


@pytest.mark.urls("tests.hardening.urls")
@override_settings(RATELIMIT_ENABLE=False)
@EXAMPLES
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "name": VALUE,
            "slug": VALUE,
            "title": VALUE,
            HONEYPOT_FIELD: VALUE,
            "id": TEXT,
        },
    )
)
def test_a_public_form_never_fails_and_never_half_writes(client, data):
    before = _rows()
    response, (status, (practitioners, users)) = post_and_roll_back(client, "/test/formular/", data)
    assert status in {200, 302}, status
    if status == 302:
        assert practitioners == before[0] + 1  # saved whole
    else:
        assert practitioners == before[0]  # nothing at all
        assert "<h1>Testformulär</h1>" in response.content.decode()
    assert users == before[1]


@EXAMPLES
@given(username=VALUE, password=VALUE)
def test_the_admin_login_never_fails_on_hostile_input(client, username, password):
    before = _rows()
    response, (status, rows) = post_and_roll_back(
        client, "/admin/login/", {"username": username, "password": password}
    )
    assert status in {200, 429}, status  # the form again, or the lockout page
    assert rows == before
    assert not AccessAttempt.objects.exists()  # rolled back with the example
