"""The gunicorn servers `make bench` measures: the site and the bare Django app; and beside
the site, as in production, the outbox worker that sends the e-mail the bookings queue.

Both servers start from the same gunicorn.conf.py with the same environment (workers, worker
class, timeouts, no recycling of workers), and differ only in the WSGI app and the port.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")

# What a server answers to once it is up: the site's health check, the bare app's only page.
SITE = ("clinic.wsgi", "/healthz")
BARE_DJANGO = ("bench.bare_django", "/bench/bare/")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bare_django_env(site_env, port):
    """The site's environment (so the same gunicorn settings) on another port, without the
    site's Django settings module: the bare app configures its own settings."""
    env = {key: value for key, value in site_env.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    return env


class Server:
    """One gunicorn master started with gunicorn.conf.py, its log in the bench's folder."""

    def __init__(self, app, env, workdir):
        self.module, self.ready_path = app
        self.env = env
        self.base = "http://" + env["GUNICORN_BIND"]
        self.log_path = workdir / f"gunicorn-{self.module}.log"
        # Each master its own control socket (gunicorn's default is one per user), so that
        # the two do not take it from each other or from another gunicorn on the machine.
        self.control_socket = workdir / f"gunicorn-{self.module}.ctl"
        self.process = None

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    *("-c", "gunicorn.conf.py"),
                    *("--control-socket", str(self.control_socket)),
                    self.module,
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_until_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.base + self.ready_path, timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:  # not listening yet, or still starting
                time.sleep(0.3)
        sys.stderr.write(self.log_path.read_text(errors="replace")[-3000:])
        raise SystemExit(f"gunicorn ({self.module}) did not become ready")

    def stop(self):
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:  # already gone
            return
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class OutboxWorker:
    """`manage.py send_outbox --follow` with the site's environment (OUTBOX_WORKER=1)."""

    def __init__(self, env, workdir):
        self.env = env
        self.log_path = workdir / "outbox-worker.log"
        self.process = None

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "send_outbox", "--follow"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # ends after its current wait; the bench need not
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
