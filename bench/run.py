"""`make bench`: the site's speed under gunicorn and PostgreSQL, measured against its floor.

1. Makes a fresh PostgreSQL database (ortomed_bench), migrates it, loads the clinic's content,
   prepares benchmark data (bench/prepare.py: three practitioners per location, their slots
   with next week half booked, 30,000 far-off free times for the booking POST, a reception
   user, a price on a product) and collects the static files into a temporary folder.
2. Starts gunicorn with the production settings (gunicorn.conf.py) and BENCH=1, which adds a
   bare 20 KB page with no database (/bench/bare/, the floor of our stack on this machine)
   and an X-Bench-Queries header with the SQL queries of each request. Rate limits are off
   for the run (BENCH_WITHOUT_RATE_LIMITS=1, read only together with BENCH=1): wrk sends
   everything from one address. Beside it, on a second port and with the same gunicorn
   settings, a bare Django app (bench/bare_django.py: SecurityMiddleware and
   CommonMiddleware only, the same 20 KB page), the floor of plain Django (bench/servers.py
   starts and stops both).
3. Drives each page in PAGES with wrk (a separate process) for a fixed time at each
   concurrency, and prints requests per second, p50 and p99 latency, SQL queries per
   request, response bytes and two ratios of throughput at the same concurrency: to our
   bare page ("ratio") and to the bare Django app ("Django"). Socket errors and non-2xx/3xx
   answers are counted too, and for the booking POST every request must have made a booking
   (counted in the database) whose confirmation the outbox worker has sent (bench/servers.py
   starts it beside the site, as in production). The time is split into rounds that visit
   every page in turn, and each figure is the median over the rounds (the ratios: of each
   round's ratio), so that load from other work on the machine weighs on all pages alike.
   After each run the bench waits until the requests wrk left queued have been served, so
   that they do not count as the next page's latency.
4. Writes the figures to bench-results/<time>.json, stops both servers and removes what it
   made.

The pages: the two floors, home and the heel pad article (cached whole), next week's slot
list for a first visit (no cookies), the cart (a session with a product in it), the booking
POST (a fresh free time each request, with a CSRF cookie and token and a session fetched
once; bench/book.lua) and reception's calendar for a day of next week (a staff session,
logged in once through the admin's login page; no target, it is measured to watch it), and
the clinic's numbers page over two years of history made by `seed_history` (same session).

Options: --duration SECONDS (per page and level), --rounds N, --concurrency 1,16,64,
--workers N, --redis URL (cache in Redis instead of process memory), --database URL,
--keep-db, --pages "booking POST" (only those pages besides the two floors). The database
is --database, else BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/ortomed_bench;
it is dropped and made anew.
"""

import argparse
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from servers import BARE_DJANGO, SITE, OutboxWorker, Server, bare_django_env, free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ortomed_bench"


@dataclass
class Page:
    name: str
    path: str
    # A wrk Lua script (bench/*.lua) for pages that need more than a GET.
    lua: str | None = None
    headers: list[str] = field(default_factory=list)
    # Targets from issues 6 and 14, as ratios to the bare page at the same concurrency.
    min_ratio: float | None = None
    method: str = "GET"
    # The p99 target at 16 connections (a GET's; None: none).
    p99_limit_ms: float | None = None
    # Issue 15's target at 16 connections, as a ratio to the bare Django app.
    min_django_ratio: float | None = None
    # Which server answers: "site", or "bare Django" (bench/bare_django.py).
    server: str = "site"


# The pages measured, in order. The first two are the floors the ratios are measured against:
# our bare view (all our middleware) and a bare Django app (two of Django's middleware).
# Paths and headers in braces are filled in once the server runs (prepare_pages).
PAGES = [
    Page("bare", "/bench/bare/"),
    Page("bare Django app", "/bench/bare/", server="bare Django"),
    Page("home", "/", p99_limit_ms=50, min_django_ratio=0.6),
    Page(
        "article",
        "/besvar/halkuddesyndrom/",
        min_ratio=0.5,
        p99_limit_ms=50,
        min_django_ratio=0.6,
    ),
    # Next week's free times (a full week whatever day the bench runs, three practitioners,
    # half booked), as a first visit sees them: no cookies.
    Page(
        "slot list",
        "/boka/stockholm/nybesok/?vecka={next_week}",
        min_ratio=0.45,
        p99_limit_ms=50,
    ),
    # A session with one product in the cart.
    Page("cart", "/shop/varukorg/", headers=["Cookie: {cart_cookies}"], p99_limit_ms=50),
    Page("booking POST", "/boka/stockholm/nybesok/uppgifter/", lua="bench/book.lua", method="POST"),
    # Reception's day (Wednesday of next week: three columns, half booked), logged in.
    Page(
        "calendar day",
        "/boka/personal/kalender/stockholm/?datum={calendar_day}",
        headers=["Cookie: {staff_cookies}"],
    ),
    # The clinic's numbers for the last twelve months at both locations, over two years of
    # seeded history (seed_history), logged in (the bench user is in "Ledning" too). Issue
    # 16's target, under 300 ms, is for one request at a time: the p50 at 1 connection.
    Page("numbers", "/boka/personal/siffror/", headers=["Cookie: {staff_cookies}"]),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=12, help="seconds per page and level")
    parser.add_argument("--rounds", type=int, default=4, help="rounds the duration is split into")
    parser.add_argument("--concurrency", default="1,16,64", help="comma-separated connections")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--redis", default="", help="REDIS_URL for the cache (default: none)")
    parser.add_argument("--database", default="", help="PostgreSQL URL of the bench database")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--pages", default="", help='only these pages besides the floors, e.g. "booking POST"'
    )
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    chosen = {name.strip() for name in args.pages.split(",")} if args.pages else None
    if chosen and (unknown := chosen - {page.name for page in PAGES}):
        parser.error(f"no such page: {', '.join(sorted(unknown))}")

    wrk = ensure_wrk()
    database_url = args.database or os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    workdir = Path(tempfile.mkdtemp(prefix="ortomed-bench-"))
    port = free_port()
    env = server_env(database_url, workdir, port, args)
    servers = {
        "site": Server(SITE, env, workdir),
        "bare Django": Server(BARE_DJANGO, bare_django_env(env, free_port()), workdir),
    }
    worker = OutboxWorker(env, workdir)
    try:
        recreate_database(database_url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_clinic_content", "-v0")
        # Two years of history for the numbers page (before prepare.py's practitioners exist:
        # the fixtures' specialists and two made for it).
        manage(env, "seed_history", "--i-know", "--seed", "16")
        prepared = subprocess.run(
            [PYTHON, "bench/prepare.py"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        # The last line: the site's log (bookings made) goes to stdout as well.
        data = json.loads(prepared.stdout.strip().splitlines()[-1])
        manage(env, "collectstatic", "--noinput", "-v0")
        for server in servers.values():
            server.start()
        worker.start()
        for server in servers.values():
            server.wait_until_ready()
        bases = {name: server.base for name, server in servers.items()}

        bookings = BookingTimes(database_url, data, workdir)
        pages = prepare_pages(bases["site"], bookings, data)
        if chosen:  # the two floors, then the pages asked for
            pages = pages[:2] + [page for page in pages[2:] if page.name in chosen]
        info = {page.name: probe(bases[page.server], page, bookings) for page in pages}
        load_before = os.getloadavg()
        results = []
        seconds = max(1, args.duration // args.rounds)
        for connections in levels:
            rounds = []
            for _ in range(args.rounds):
                runs = {
                    page.name: run_wrk(
                        wrk, bases[page.server], page, connections, seconds, bookings
                    )
                    for page in pages
                }
                floor, django_floor = (runs[page.name]["rps"] for page in pages[:2])
                for figures in runs.values():
                    figures["ratio"] = figures["rps"] / floor
                    figures["django_ratio"] = figures["rps"] / django_floor
                rounds.append(runs)
            for page in pages:
                figures = combine([runs[page.name] for runs in rounds])
                figures.update(
                    page=page.name, method=page.method, connections=connections, **info[page.name]
                )
                results.append(figures)
                print_progress(figures)
        report = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
            "setup": {
                "workers": int(env["WEB_CONCURRENCY"]),
                "cache": "redis" if args.redis else "process memory (locmem)",
                "duration_s": args.duration,
                "rounds": args.rounds,
                "database": "PostgreSQL " + postgres_version(database_url),
            },
            "pages": {
                page.name: f"{page.method} {page.path}"
                + ("" if page.server == "site" else " (bench/bare_django.py)")
                for page in pages
            },
            "results": results,
        }
        print_table(report)
        path = write_report(report)
        print(f"\nFigures written to {path.relative_to(ROOT)}")
        return 0 if all_ok(results) else 1
    finally:
        worker.stop()
        for server in servers.values():
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep_db:
            drop_database(database_url)


# --- set-up -------------------------------------------------------------------------------


def ensure_wrk():
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk from Debian's packages ...")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        return shutil.which("wrk")
    sys.exit("wrk is missing: install it with `apt-get install wrk`.")


def server_env(database_url, workdir, port, args):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="clinic.settings.prod",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(workdir / "static"),
        BENCH="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(args.workers or (os.cpu_count() or 1) * 2 + 1),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        OUTBOX_WORKER="1",  # as in production: bench/servers.py starts the worker
        # wrk comes from one address; rate limits would measure themselves. Read only
        # together with BENCH=1 (clinic/settings/base.py).
        BENCH_WITHOUT_RATE_LIMITS="1",
        # At benchmark rates, recycling workers every few thousand requests would restart
        # one every few seconds and measure Django's start-up instead of its pages.
        GUNICORN_MAX_REQUESTS="0",
    )
    if args.redis:
        env["REDIS_URL"] = args.redis
    return env


def admin_url(database_url):
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def psql(database_url, sql):
    import psycopg

    url, _ = admin_url(database_url)
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else None


def recreate_database(database_url):
    _, name = admin_url(database_url)
    drop_database(database_url)
    psql(database_url, f'CREATE DATABASE "{name}"')


def drop_database(database_url):
    _, name = admin_url(database_url)
    psql(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_version(database_url):
    return psql(database_url, "SELECT current_setting('server_version')")[0][0]


def manage(env, *command):
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


# --- measuring ----------------------------------------------------------------------------


UNSENT = "SELECT count(*) FROM clinic_outboxemail WHERE sent_at IS NULL"


class BookingTimes:
    """The far-off free times the booking POST takes, one per request, from the database."""

    def __init__(self, database_url, data, workdir):
        self.database_url = database_url
        self.location = data["booking_location"]
        self.since = data["booking_from"]
        self.ids_file = workdir / "slot-ids.txt"

    def _query(self, sql, params=()):
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def free(self, limit=None):
        rows = self._query(
            "SELECT s.id FROM booking_slot s WHERE s.location_id = %s AND s.start >= %s"
            " AND NOT EXISTS (SELECT 1 FROM booking_booking b"
            "   WHERE b.slot_id = s.id AND b.status <> 'cancelled')"
            " ORDER BY s.start" + (f" LIMIT {int(limit)}" if limit else ""),
            (self.location, self.since),
        )
        return [row[0] for row in rows]

    def write_free(self):
        ids = self.free()
        self.ids_file.write_text("".join(f"{pk}\n" for pk in ids))
        return len(ids)

    def count(self):
        return self._query("SELECT count(*) FROM booking_booking")[0][0]

    def unsent_email(self, tries=100):
        """The e-mails still in the outbox once the worker has had up to 10 s to send them."""
        for _ in range(tries):
            if not (unsent := self._query(UNSENT)[0][0]):
                break
            time.sleep(0.1)
        return unsent


def fetch(base, method, path, body=None, headers=None):
    """One request, redirects not followed: (status, headers, body bytes)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def cookies_from(headers, jar=None):
    jar = dict(jar or {})
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.update({key: morsel.value for key, morsel in SimpleCookie(value).items()})
    return jar


def cookie_header(jar):
    return "; ".join(f"{key}={value}" for key, value in jar.items())


def csrf_in(body):
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()


def prepare_pages(base, bookings, data):
    """The pages with what they need filled in: next week, the booking form's CSRF token and
    session, a cart with a product in it, a reception session."""
    monday = date.fromisoformat(data["next_monday"])  # the week bench/prepare.py half booked
    year, week, _ = monday.isocalendar()

    # The booking form, opened once: its CSRF cookie and token, and a session.
    first_free = bookings.free(limit=1)[0]
    booking_form = next(page.path for page in PAGES if page.method == "POST")
    status, headers, body = fetch(base, "GET", f"{booking_form}?tid={first_free}")
    assert status == 200, status
    booking_jar = cookies_from(headers)
    bookings.token = csrf_in(body)
    bookings.cookies = cookie_header(booking_jar)

    # A cart with one product in it (bench/prepare.py gave it a price).
    product_path = "/shop/halkoppar-och-skoinlagg/"
    status, headers, body = fetch(base, "GET", product_path)
    jar = cookies_from(headers)
    status, headers, _ = fetch(
        base,
        "POST",
        product_path,
        body=urlencode({"csrfmiddlewaretoken": csrf_in(body), "form": "add", "quantity": "1"}),
        headers={
            "Cookie": cookie_header(jar),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert status == 302, f"adding to the cart gave {status}"
    jar = cookies_from(headers, jar)
    # Read the cart once: it shows (and uses up) the "added" message. What stays is what a
    # patient's browser sends: the session and the CSRF cookie.
    fetch(base, "GET", "/shop/varukorg/", headers={"Cookie": cookie_header(jar)})
    cart_cookies = cookie_header({k: v for k, v in jar.items() if k in ("sessionid", "csrftoken")})

    values = {
        "next_week": f"{year}-W{week:02d}",
        "cart_cookies": cart_cookies,
        "calendar_day": (monday + timedelta(days=2)).isoformat(),
        "staff_cookies": staff_login(base, data["staff_username"], data["staff_password"]),
    }
    return [
        replace(
            page,
            path=page.path.format(**values),
            headers=[header.format(**values) for header in page.headers],
        )
        for page in PAGES
    ]


def staff_login(base, username, password):
    """Log in through the admin's login page, as reception would: the cookies to send."""
    login = "/admin/login/"
    status, headers, body = fetch(base, "GET", login)
    assert status == 200, f"the login page answered {status}"
    jar = cookies_from(headers)
    status, headers, _ = fetch(
        base,
        "POST",
        login,
        body=urlencode(
            {
                "csrfmiddlewaretoken": csrf_in(body),
                "username": username,
                "password": password,
                "next": "/admin/",
            }
        ),
        headers={
            "Cookie": cookie_header(jar),
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert status == 302, f"logging in gave {status}"
    jar = cookies_from(headers, jar)
    assert "sessionid" in jar, "logging in set no session"
    return cookie_header({k: v for k, v in jar.items() if k in ("sessionid", "csrftoken")})


def booking_body(bookings, slot_id, n):
    return urlencode(
        {
            "csrfmiddlewaretoken": bookings.token,
            "slot": slot_id,
            "name": "Bench Patient",
            "email": "bench@example.com",
            "phone": "070-123 45 67",
            "personnummer": "19850709-9805",
            "consent": "on",
            "request_token": f"{n:032x}",
        }
    )


def probe(base, page, bookings, warmup=30, samples=20):
    """Bytes and SQL queries of one request once every worker has served the page (queries:
    None for the bare Django app, which has no database and does not count them)."""
    counts = []
    size = 0
    if page.method == "POST":
        free = bookings.free(limit=warmup + samples)
    for n in range(warmup + samples):
        if page.method == "POST":
            headers = {
                "Cookie": bookings.cookies,
                "Content-Type": "application/x-www-form-urlencoded",
            }
            status, response_headers, body = fetch(
                base, "POST", page.path, booking_body(bookings, free[n], n), headers
            )
            assert status == 302, f"the booking POST answered {status}"
        else:
            headers = dict(header.split(": ", 1) for header in page.headers)
            status, response_headers, body = fetch(base, "GET", page.path, headers=headers)
            assert status == 200, f"{page.path} answered {status}"
        if n >= warmup:
            counted = dict(response_headers).get("X-Bench-Queries")
            counts.append(None if counted is None else int(counted))
            size = len(body)
    if None in counts:
        return {"bytes": size, "queries": None}
    counts.sort()
    return {"bytes": size, "queries": counts[len(counts) // 2]}


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * UNITS[unit], 2)


def run_wrk(wrk, base, page, connections, duration, bookings):
    threads = min(2, connections)
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for header in page.headers:
        command += ["-H", header]
    extra = []
    if page.lua:
        command += ["-s", str(ROOT / page.lua)]
    if page.method == "POST":
        bookings.write_free()
        extra = ["--", str(bookings.ids_file), bookings.token, bookings.cookies, str(threads)]
        before = bookings.count()
    output = subprocess.run(
        command + [base + page.path] + extra, capture_output=True, text=True, check=True
    ).stdout
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": to_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99_ms": to_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }
    settle(base)
    if page.method == "POST":
        # Every answered request must have booked its time (requests still under way when
        # wrk stopped may have booked one more).
        made = bookings.count() - before
        figures["non_2xx"] += max(0, figures["requests"] - made)
        # And the outbox worker must have sent every booking's confirmation.
        figures["non_2xx"] += bookings.unsent_email()
    return figures


def settle(base, timeout=20):
    """Wait until the requests wrk left queued have been served (the bare page answers at
    once, three times running), so that they are not measured as the next page's latency.
    After a burst of bookings that takes about a second."""
    deadline = time.monotonic() + timeout
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        fetch(base, "GET", PAGES[0].path)  # the same path on the bare Django app
        quick = quick + 1 if time.monotonic() - started < 0.005 else 0
        time.sleep(0.05)


def combine(runs):
    """One page at one concurrency: medians over the rounds, errors summed."""
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
        "ratio": round(statistics.median(r["ratio"] for r in runs), 2),
        "django_ratio": round(statistics.median(r["django_ratio"] for r in runs), 2),
        "requests": sum(r["requests"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "rounds": [
            {k: r[k] for k in ("rps", "p50_ms", "p99_ms", "ratio", "django_ratio")} for r in runs
        ],
    }


def all_ok(results):
    return not any(r["socket_errors"] or r["non_2xx"] for r in results)


# --- reporting ----------------------------------------------------------------------------


def machine():
    cpu = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def print_progress(r):
    print(
        f"  {r['page']:<16} c={r['connections']:<3} {r['rps']:>9.1f} req/s"
        f"  p50 {r['p50_ms']:>7.2f} ms  p99 {r['p99_ms']:>7.2f} ms",
        flush=True,
    )


def print_table(report):
    setup = report["setup"]
    print(
        f"\n{report['when']}  {report['machine']['cpus']} CPUs ({report['machine']['cpu']}), "
        f"gunicorn {setup['workers']} sync workers, {setup['database']}, "
        f"cache: {setup['cache']}, {setup['duration_s']} s per page and level in "
        f"{setup['rounds']} rounds (medians), load average "
        f"{report['load_average_before'][0]:.2f} -> {report['load_average_after'][0]:.2f}\n"
    )
    # Two ratios of throughput: to our bare view ("ratio") and to the bare Django app.
    header = (
        f"{'page':<16}{'conn':>5}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'queries':>9}{'bytes':>9}{'ratio':>7}{'Django':>8}{'errors':>8}  target"
    )
    print(header)
    print("-" * len(header))
    pages = {page.name: page for page in PAGES}
    for r in report["results"]:
        notes = []
        page = pages[r["page"]]
        if page.min_ratio is not None:
            ok = r["ratio"] >= page.min_ratio
            notes.append(f"ratio >= {page.min_ratio} {'ok' if ok else 'MISSED'}")
        if r["connections"] == 16 and page.p99_limit_ms is not None:
            ok = r["p99_ms"] < page.p99_limit_ms
            notes.append(f"p99 < {page.p99_limit_ms} ms {'ok' if ok else 'MISSED'}")
        if r["connections"] == 16 and page.min_django_ratio is not None:
            ok = r["django_ratio"] >= page.min_django_ratio
            notes.append(f"Django >= {page.min_django_ratio} {'ok' if ok else 'MISSED'}")
        queries = "-" if r["queries"] is None else r["queries"]
        print(
            f"{r['page']:<16}{r['connections']:>5}{r['rps']:>10.1f}{r['p50_ms']:>9.2f}"
            f"{r['p99_ms']:>9.2f}{queries:>9}{r['bytes']:>9}{r['ratio']:>7.2f}"
            f"{r['django_ratio']:>8.2f}{r['socket_errors'] + r['non_2xx']:>8}  {', '.join(notes)}"
        )


def write_report(report):
    folder = ROOT / "bench-results"
    folder.mkdir(exist_ok=True)
    path = folder / (datetime.now().strftime("%Y%m%d-%H%M%S") + ".json")
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    sys.exit(main())
