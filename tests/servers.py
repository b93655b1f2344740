"""Real gunicorn app servers for tests: production settings, the test's own PostgreSQL database.

Used through the `gunicorn_servers` fixture (tests/conftest.py):

    def test_something(gunicorn_servers):
        a, b = gunicorn_servers(2)          # base URLs, e.g. "http://127.0.0.1:41234"
        browser = Browser()
        page = browser.get(a, "/admin/login/")
        browser.post(b, "/admin/login/", {...})

`Browser` is a small HTTP client that keeps cookies itself, sends X-Forwarded-Proto: https as
the TLS proxy in front of production does (so Secure cookies and HTTPS CSRF checks apply),
and never follows redirects.
"""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from tests import clock

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict):
    """A DATABASE_URL for the database Django's connection is using (the test database)."""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def server_env(*, database, static_root, port, secret_key, workers, extra=None):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DJANGO_SETTINGS_MODULE",
            "DATABASE_URL",
            "REDIS_URL",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for the test process only
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings.prod",
        SECRET_KEY=secret_key,  # the same on every server, as in production
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database,
        STATIC_ROOT=str(static_root),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ACCESS_LOG="0",
        **(extra or {}),
    )
    return env


def collect_static(static_root):
    """collectstatic with the production storage (hashed names, manifest) into static_root."""
    env = server_env(
        database="sqlite:///:memory:",
        static_root=static_root,
        port=0,
        secret_key=secrets.token_urlsafe(50),
        workers=1,
    )
    subprocess.run(
        clock.command("manage.py", "collectstatic", "--noinput", "-v0"),
        cwd=ROOT,
        env=env,
        check=True,
    )


@contextmanager
def running_servers(count, *, database, static_root, workers=2, extra_env=None, timeout=30):
    """Start `count` gunicorn servers on free ports; yield their base URLs; stop them."""
    secret_key = secrets.token_urlsafe(50)
    started = []
    logs = tempfile.TemporaryDirectory(prefix="gunicorn-test-")
    try:
        for n in range(count):
            port = free_port()
            log = open(Path(logs.name) / f"server-{n}.log", "wb")  # noqa: SIM115
            env = server_env(
                database=database,
                static_root=static_root,
                port=port,
                secret_key=secret_key,
                workers=workers,
                extra=extra_env,
            )
            process = subprocess.Popen(
                clock.command(GUNICORN, "-c", "gunicorn.conf.py", "clinic.wsgi"),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            started.append((process, f"http://127.0.0.1:{port}", log))
        for process, url, log in started:
            wait_until_healthy(process, url, Path(log.name), timeout)
        yield [url for _, url, _ in started]
    finally:
        for process, _, log in started:
            stop(process)
            log.close()
        logs.cleanup()


def wait_until_healthy(process, url, log_path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            status, _, _ = request("GET", url, "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn at {url} did not start:\n{log_path.read_text()[-3000:]}")


def stop(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def request(method, base, path, *, body=None, headers=None, timeout=10):
    """One HTTP request; returns (status, headers as a list of pairs, body text)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        connection.close()


class Browser:
    """Keeps cookies across servers, like one visitor whose requests land on any server.

    `address`: the client address the proxy in front reports (X-Forwarded-For), for servers
    started with TRUSTED_PROXY_COUNT=1; each patient of a race has their own.
    """

    def __init__(self, address=None):
        self.cookies = {}
        self.address = address

    def _headers(self, base, extra=None):
        headers = {"X-Forwarded-Proto": "https", "Host": urlsplit(base).netloc}
        if self.address:
            headers["X-Forwarded-For"] = self.address
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**headers, **(extra or {})}

    def _remember(self, headers):
        for name, value in headers:
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value).items():
                    self.cookies[key] = morsel.value

    def get(self, base, path):
        status, headers, text = request("GET", base, path, headers=self._headers(base))
        self._remember(headers)
        return status, dict(headers), text

    def post(self, base, path, data):
        extra = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://" + urlsplit(base).netloc,
            "Referer": "https://" + urlsplit(base).netloc + path,
        }
        status, headers, text = request(
            "POST", base, path, body=urlencode(data), headers=self._headers(base, extra)
        )
        self._remember(headers)
        return status, dict(headers), text


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
