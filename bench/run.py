"""`make bench`: the site's speed under gunicorn and PostgreSQL, measured against its floor.

1. Makes a fresh PostgreSQL database (ortomed_bench), migrates it, loads the clinic's content
   and collects the static files into a temporary folder.
2. Starts gunicorn with the production settings (gunicorn.conf.py) and BENCH=1, which adds a
   bare 20 KB page with no database (/bench/bare/, the floor of our stack on this machine)
   and an X-Bench-Queries header with the SQL queries of each request.
3. Drives each page in PAGES with wrk (a separate process) for a fixed time at each
   concurrency, and prints requests per second, p50 and p99 latency, SQL queries per
   request, response bytes and the ratio of throughput to the bare page at the same
   concurrency. Socket errors and non-2xx answers are counted too. The time is split into
   rounds that visit every page in turn, and each figure is the median over the rounds
   (the ratio: of each round's ratio), so that load from other work on the machine
   weighs on all pages alike.
4. Writes the figures to bench-results/<time>.json, stops gunicorn and removes what it made.

Options: --duration SECONDS (per page and level), --rounds N, --concurrency 1,16,64,
--workers N, --redis URL (cache in Redis instead of process memory), --keep-db. The
database is BENCH_DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/ortomed_bench.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ortomed_bench"


@dataclass
class Page:
    name: str
    path: str
    # A wrk Lua script (bench/*.lua) for pages that need more than a GET: a POST with a fresh
    # slot each time, a cart with a session cookie.
    lua: str | None = None
    headers: list[str] = field(default_factory=list)
    # Targets from issue 6, as ratios to the bare page at the same concurrency.
    min_ratio: float | None = None


# The pages measured, in order. The first one is the floor every ratio is measured against.
PAGES = [
    Page("bare", "/bench/bare/"),
    Page("home", "/"),
    Page("article", "/besvar/halkuddesyndrom/", min_ratio=0.5),
    # Today a stub page (location, package, price); the booking app replaces it with the
    # real list of free slots at the same address.
    Page("slot list", "/boka/stockholm/nybesok/", min_ratio=0.25),
    # TODO(booking): the booking POST with a fresh slot each time, e.g.
    #   Page("booking POST", "/boka/stockholm/nybesok/", lua="bench/book.lua"),
    # where book.lua takes the next free slot id from a list the setup writes (wrk's
    # `request()` hook builds the POST body; CSRF: GET the form once per connection and
    # carry the csrftoken cookie, or post to a bench-only view).
    # TODO(shop): the cart, with a session holding a few products, e.g.
    #   Page("cart", "/shop/varukorg/", headers=["Cookie: sessionid=..."]),
]
P99_LIMIT_MS = 50  # for every GET at 16 connections


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=12, help="seconds per page and level")
    parser.add_argument("--rounds", type=int, default=4, help="rounds the duration is split into")
    parser.add_argument("--concurrency", default="1,16,64", help="comma-separated connections")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--redis", default="", help="REDIS_URL for the cache (default: none)")
    parser.add_argument("--keep-db", action="store_true", help="keep ortomed_bench afterwards")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]

    wrk = ensure_wrk()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    workdir = Path(tempfile.mkdtemp(prefix="ortomed-bench-"))
    port = free_port()
    env = server_env(database_url, workdir, port, args)
    server = None
    try:
        recreate_database(database_url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_clinic_content", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        server = start_gunicorn(env, workdir)
        base = f"http://127.0.0.1:{port}"
        wait_for_health(base, server, workdir)

        info = {page.name: probe(base, page) for page in PAGES}
        load_before = os.getloadavg()
        results = []
        seconds = max(1, args.duration // args.rounds)
        for connections in levels:
            rounds = []
            for _ in range(args.rounds):
                runs = {page.name: run_wrk(wrk, base, page, connections, seconds) for page in PAGES}
                floor = runs[PAGES[0].name]["rps"]
                for figures in runs.values():
                    figures["ratio"] = figures["rps"] / floor
                rounds.append(runs)
            for page in PAGES:
                figures = combine([runs[page.name] for runs in rounds])
                figures.update(page=page.name, connections=connections, **info[page.name])
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
            "results": results,
        }
        print_table(report)
        path = write_report(report)
        print(f"\nFigures written to {path.relative_to(ROOT)}")
        return 0 if all_ok(results) else 1
    finally:
        if server is not None:
            stop(server)
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


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(workdir / "static"),
        BENCH="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(args.workers or (os.cpu_count() or 1) * 2 + 1),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # wrk comes from one address; rate limits would measure themselves.
        RATELIMIT_ENABLE="0",
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


def start_gunicorn(env, workdir):
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 (closed with the workdir)
    gunicorn = Path(PYTHON).with_name("gunicorn")
    return subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "clinic.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_health(base, server, workdir, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or still starting
            time.sleep(0.3)
    sys.stderr.write((workdir / "gunicorn.log").read_text(errors="replace")[-3000:])
    raise SystemExit("gunicorn did not become healthy")


def stop(server):
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


# --- measuring ----------------------------------------------------------------------------


def probe(base, page, warmup=30, samples=20):
    """Bytes and SQL queries of one request once every worker has served the page."""
    counts = []
    size = 0
    for n in range(warmup + samples):
        request = urllib.request.Request(base + page.path)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
            if n >= warmup:
                counts.append(int(response.headers.get("X-Bench-Queries", -1)))
                size = len(body)
    counts.sort()
    return {"bytes": size, "queries": counts[len(counts) // 2]}


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * UNITS[unit], 2)


def run_wrk(wrk, base, page, connections, duration):
    command = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for header in page.headers:
        command += ["-H", header]
    if page.lua:
        command += ["-s", str(ROOT / page.lua)]
    output = subprocess.run(
        command + [base + page.path], capture_output=True, text=True, check=True
    ).stdout
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": to_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99_ms": to_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def combine(runs):
    """One page at one concurrency: medians over the rounds, errors summed."""
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
        "ratio": round(statistics.median(r["ratio"] for r in runs), 2),
        "requests": sum(r["requests"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
        "non_2xx": sum(r["non_2xx"] for r in runs),
        "rounds": [{k: r[k] for k in ("rps", "p50_ms", "p99_ms", "ratio")} for r in runs],
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
        f"  {r['page']:<14} c={r['connections']:<3} {r['rps']:>9.1f} req/s"
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
    header = (
        f"{'page':<14}{'conn':>5}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'queries':>9}{'bytes':>9}{'ratio':>7}{'errors':>8}  target"
    )
    print(header)
    print("-" * len(header))
    targets = {page.name: page.min_ratio for page in PAGES}
    for r in report["results"]:
        notes = []
        if targets.get(r["page"]) is not None:
            ok = r["ratio"] >= targets[r["page"]]
            notes.append(f"ratio >= {targets[r['page']]} {'ok' if ok else 'MISSED'}")
        if r["connections"] == 16 and r["page"] != PAGES[0].name:
            ok = r["p99_ms"] < P99_LIMIT_MS
            notes.append(f"p99 < {P99_LIMIT_MS} ms {'ok' if ok else 'MISSED'}")
        print(
            f"{r['page']:<14}{r['connections']:>5}{r['rps']:>10.1f}{r['p50_ms']:>9.2f}"
            f"{r['p99_ms']:>9.2f}{r['queries']:>9}{r['bytes']:>9}{r['ratio']:>7.2f}"
            f"{r['socket_errors'] + r['non_2xx']:>8}  {', '.join(notes)}"
        )


def write_report(report):
    folder = ROOT / "bench-results"
    folder.mkdir(exist_ok=True)
    path = folder / (datetime.now().strftime("%Y%m%d-%H%M%S") + ".json")
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    sys.exit(main())
