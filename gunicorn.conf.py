"""gunicorn in production: `gunicorn -c gunicorn.conf.py clinic.wsgi`.

Every value can be changed from the environment; the defaults suit one server behind a
reverse proxy that ends TLS.
"""

import gc
import multiprocessing
import os
import time

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, 2 x cores + 1 by default. Each keeps one persistent database connection
# (CONN_MAX_AGE), so PostgreSQL's max_connections must exceed workers x app servers.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, so that a slow leak never grows for long.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# The proxy in front may set X-Forwarded-For/-Proto; only trust it from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs on stdout. Django writes one JSON access line per request (method, path without the
# query string, status, duration, request id); gunicorn's own access log is off unless
# GUNICORN_ACCESS_LOG=- turns it on, and then also shows the path without the query string
# (%(U)s), never the client's address or the query (patient data never goes into logs).
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Tokens in paths (manage, waitlist, offer, order links) never reach the log.
    "filters": {"tokens": {"()": "clinic.logs.TokenFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["tokens"],
        }
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {
            "handlers": ["stdout"] if accesslog else [],
            "level": "INFO" if accesslog else "WARNING",
            "propagate": False,
        },
    },
}

# Cached pages are keyed by the release (clinic/cache.py): each start or reload of the
# master gets a new one, so new code or templates never serve pages the old ones rendered.
# Set RELEASE (e.g. the git commit) to share cached pages between app servers.
os.environ["PAGE_CACHE_RELEASE"] = os.environ.get("RELEASE") or str(time.time_ns())


def post_worker_init(worker):
    """Django and every module it imported live as long as the worker: keep them out of the
    garbage collector's full passes. Unfrozen, such a pass walks about 100,000 objects (40 to
    120 ms on this machine) inside whichever request happens to trigger it; frozen, the rest
    takes a few milliseconds."""
    gc.freeze()
