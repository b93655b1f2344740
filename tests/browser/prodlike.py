"""The site as production serves it, on this machine, for measuring: `prodlike_server()`.

gunicorn runs clinic.wsgi with clinic.settings.prod (DEBUG off), static files collected
into a temporary STATIC_ROOT by whitenoise's CompressedManifestStaticFilesStorage (hashed
names, gzip variants, far-future cache headers), and a fresh SQLite database in the same
temporary folder with the clinic's content loaded and two weeks of bookable times
(`load_clinic_content` and `generate_slots`, as `make run`). With `test_prices=True` the
shop's products get `setups.TEST_PRICES` (test data: the fixtures have no product prices),
so a cart and the checkout can be weighed.
It is what the page-weight test and `make lighthouse` measure; nothing is shared with the
test database, so it works the same when the tests run on PostgreSQL.

Differences from production, on purpose: plain HTTP on 127.0.0.1 (SECURE_SSL_REDIRECT off;
Chromium treats 127.0.0.1 as a secure origin, so the Secure cookies still work) and no
reverse proxy in front. Django does not compress HTML itself, so HTML is measured as sent
uncompressed; a proxy that gzips HTML would only make pages lighter.

    with prodlike_server() as base_url:
        ...  # base_url is e.g. "http://127.0.0.1:40123"

Run alone: `python -m tests.browser.prodlike` serves until Ctrl-C.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests import clock

ROOT = Path(__file__).resolve().parent.parent.parent
# Screenshots and reports, per database: CI runs the SQLite and PostgreSQL suites side by side.
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
ARTIFACTS = ROOT / "test-artifacts" / ("postgresql" if ON_POSTGRESQL else "sqlite")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(folder):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="http://127.0.0.1",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        SECURE_SSL_REDIRECT="false",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
    )
    return env


def _run(args, env, log):
    subprocess.run(
        clock.command("manage.py", *args), cwd=ROOT, env=env, check=True, stdout=log, stderr=log
    )


def _wait_until_up(url, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def _set_test_prices(env, log):
    from tests.setups import TEST_PRICES

    code = (
        "from shop.models import Product\n"
        f"for slug, fields in {TEST_PRICES!r}.items():\n"
        "    Product.objects.filter(slug=slug).update(**fields)\n"
    )
    _run(["shell", "-c", code], env, log)


def _start(env, log_path, workers, test_prices=False):
    """Migrate, load the content and times, collect static files and start gunicorn."""
    with log_path.open("w") as log:
        _run(["migrate", "--noinput"], env, log)
        _run(["load_clinic_content"], env, log)
        _run(["generate_slots", "--weeks=2"], env, log)
        if test_prices:
            _set_test_prices(env, log)
        _run(["collectstatic", "--noinput"], env, log)
        port = free_port()
        process = subprocess.Popen(
            clock.command(
                Path(sys.executable).with_name("gunicorn"),
                "clinic.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                "--log-level=warning",
            ),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    return process, f"http://127.0.0.1:{port}"


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def prodlike_server(workers=2, test_prices=False):
    folder = Path(tempfile.mkdtemp(prefix="ortomed-prodlike-"))
    log_path = folder / "server.log"
    process = None
    try:
        try:
            process, base_url = _start(_environment(folder), log_path, workers, test_prices)
            _wait_until_up(base_url + "/", process)
        except (subprocess.CalledProcessError, RuntimeError) as error:
            raise RuntimeError(f"{error}\n{log_path.read_text()[-3000:]}") from error
        yield base_url
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    with prodlike_server() as url:
        print(f"Serving {url} (production settings, content loaded). Ctrl-C stops.")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)
