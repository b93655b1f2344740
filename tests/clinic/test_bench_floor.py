"""The bench's second floor (bench/bare_django.py): plain Django with two middleware, serving
the same 20 KB page as our /bench/bare/."""

import json
import os
import subprocess
import sys
from pathlib import Path

from clinic.bench import BARE_PAGE

ROOT = Path(__file__).resolve().parents[2]

# Runs in a process of its own: the bare app configures Django's settings itself.
CALL_THE_APP = """
import json, sys
from wsgiref.util import setup_testing_defaults
from bench.bare_django import application

answers = {}
for path in ("/bench/bare/", "/bench/bare", "/"):
    environ = {"PATH_INFO": path, "HTTP_HOST": "127.0.0.1", "SERVER_NAME": "127.0.0.1"}
    setup_testing_defaults(environ)
    started = {}
    body = b"".join(application(environ, lambda status, headers: started.update(
        status=status, headers=dict(headers))))
    answers[path] = {**started, "body": body.decode()}
from django.conf import settings
answers["middleware"] = settings.MIDDLEWARE
print(json.dumps(answers))
"""


def call_bare_django_app():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", CALL_THE_APP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_bare_django_app_serves_the_same_page_as_our_bare_view_through_two_middleware():
    answers = call_bare_django_app()

    page = answers["/bench/bare/"]
    assert page["status"] == "200 OK"
    assert page["body"].encode() == BARE_PAGE
    assert page["headers"]["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware
    # CommonMiddleware adds the slash; nothing else is served.
    assert answers["/bench/bare"]["status"].startswith("301")
    assert answers["/bench/bare"]["headers"]["Location"] == "/bench/bare/"
    assert answers["/"]["status"].startswith("404")
    assert answers["middleware"] == [
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ]
