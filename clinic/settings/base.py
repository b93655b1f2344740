"""Settings shared by every environment; everything that differs comes from the environment."""

import os
import re
import time
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django_ratelimit",
    "clinic",
    "conditions",
    "shop",
    "booking",
]

MIDDLEWARE = [
    # Outermost: names the request (X-Request-ID), times it and writes the access log line.
    "clinic.middleware.RequestLogMiddleware",
    # Serves cached public pages before everything below, whose headers it stored with the
    # page (clinic/cache.py).
    "clinic.cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: turns a locked-out admin login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "clinic.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
                "shop.context_processors.cart",
            ],
        },
    },
]

WSGI_APPLICATION = "clinic.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing with "database is locked";
    # WAL lets readers go on while one request writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # An unreachable database fails a request (and /healthz) in seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["connect_timeout"] = int(
        os.environ.get("DB_CONNECT_TIMEOUT", "5")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Two caches:
# - "default": rendered pages and other things a process may keep for itself. Redis when
#   REDIS_URL is set (shared by every process and server), otherwise local memory (per process).
# - "shared": what must be the same for every process and server: rate-limit counters. Redis
#   when REDIS_URL is set (atomic INCR), otherwise Django's database cache (a table made by a
#   migration and by `manage.py createcachetable`), whose incr() is a read and a write: two
#   POSTs at the same instant may count once, so a burst may get one or two more through.
# Cached things stay correct with either: they are keyed by versions kept in the database
# (clinic/cache.py), so an edit reaches every process at once.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ortomed",
        },
        "shared": {
            # django-redis: the backend django-ratelimit supports (atomic INCR).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ortomed-shared",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ortomed",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "clinic_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }

# Whole public pages (home, articles) are cached until content changes; off while developing
# so that template edits show at once.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# On PostgreSQL each connection listens for the notice that the cache's versions moved, and
# reads them only then (clinic/cache.py). Turn off behind a pooler that hands one session's
# statements to different server connections (PgBouncer in transaction mode): notices would
# not reach the right one. Every read is then a query.
VERSION_NOTICES = env_bool("VERSION_NOTICES", True)
# Every save or delete of these models invalidates all cached pages ("app" = all its models).
# Add a model here when a cached page starts to show it.
PAGE_CACHE_CONTENT_MODELS = [
    "clinic.Location",
    "clinic.Practitioner",
    "clinic.ClinicSection",
    "clinic.Company",
    "clinic.OpeningHours",
    "clinic.OpeningException",
    "conditions",
    "shop.Treatment",
    "shop.TreatmentPackage",
    "shop.ProblemSolution",
    "shop.Product",
]
# Part of every cached page's key, so that new code or templates never serve pages rendered
# by the old ones. gunicorn.conf.py sets it once per start of the master process.
PAGE_CACHE_RELEASE = (
    os.environ.get("RELEASE") or os.environ.get("PAGE_CACHE_RELEASE") or str(time.time_ns())
)

# Who the client is (clinic/net.py): REMOTE_ADDR, or behind our own reverse proxies the
# address the outermost one appended to X-Forwarded-For. TRUSTED_PROXY_COUNT says how many
# proxies of ours append to it (0 = none, use REMOTE_ADDR; 1 = one nginx or load balancer).
# Entries before ours are whatever the client wrote and are never trusted. Rate limits, admin
# lockouts, HOLDS_PER_ADDRESS and WAITLIST_MAX_OPEN_OFFERS all count by this address (an IPv6
# address by its /64, clinic.net.address_key).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Rate limits of public POSTs (clinic.throttle.rate_limit), per client address and kind of
# form, counted in the shared cache. Every rate of a kind must hold ("N/s", "N/m", "N/h",
# "N/d"). GETs are never limited. The environment may change single kinds:
# PUBLIC_POST_RATES="cart=120/m,enquiry=3/m+10/h".
PUBLIC_POST_RATES = {
    # Sending the booking form (a patient correcting a typo sends it a few times).
    "booking": ("10/m", "60/h"),
    # Choosing a time and letting go of it: a click each, and each click holds a time.
    "hold": ("30/m",),
    # Cancelling or moving a booking from the e-mail's link.
    "manage": ("10/m",),
    # Joining the waitlist: it e-mails whatever address is given.
    "waitlist": ("5/m", "20/h"),
    # Accepting or declining a time offered from the waitlist.
    "offer": ("10/m",),
    # Adding to the cart and changing it: generous, many small clicks.
    "cart": ("60/m",),
    # Placing an order.
    "checkout": ("10/m", "60/h"),
    # Asking about a product: it e-mails the clinic.
    "enquiry": ("5/m", "20/h"),
}
for _item in env_list("PUBLIC_POST_RATES"):
    _kind, _, _rates = (part.strip() for part in _item.partition("="))
    _rates = tuple(r.strip() for r in _rates.split("+") if r.strip())
    if (
        _kind not in PUBLIC_POST_RATES
        or not _rates
        or not all(re.fullmatch(r"[0-9]+/[0-9]*[smhd]", r) for r in _rates)
    ):
        raise ImproperlyConfigured(f"PUBLIC_POST_RATES: unknown kind or bad rate in {_item!r}")
    PUBLIC_POST_RATES[_kind] = _rates
RATELIMIT_USE_CACHE = "shared"
# When the shared cache fails, let the POST through (and log it) rather than refuse bookings.
RATELIMIT_FAIL_OPEN = True
if not REDIS_URL:
    # django-ratelimit asks for a cache that increments atomically. The database cache is
    # shared by every process, and clinic.throttle.counter_lock makes its read-and-write
    # increment one step per client (tests/clinic/test_throttle.py races it).
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Admin login throttling (django-axes): five failures from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "clinic.net.counted_address"  # IPv6 by its /64
AXES_USERNAME_CALLABLE = "clinic.throttle.login_username"
AXES_LOCKOUT_TEMPLATE = "clinic/lockout.html"

# Security headers on every response, in every environment (HSTS and secure cookies: prod.py).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere (the admin of Django 5.2 needs none either). JSON-LD
# blocks are data, not scripts, and are not affected.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features the site never uses, switched off (clinic/middleware.py).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# Error reports (e-mails to ADMINS, debug pages with DEBUG off) never carry patient data:
# every POST value, the query string, cookies and local variables are replaced by stars.
DEFAULT_EXCEPTION_REPORTER_FILTER = "clinic.reporting.PatientSafeExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "clinic.reporting.PatientSafeExceptionReporter"

# Benchmark mode (`make bench` only): adds /bench/bare/ and a query-count header.
BENCH = env_bool("BENCH")
# True in prod.py only: commands that make up data (seed_history) refuse to run there, but on
# the bench's own database (BENCH=1).
PRODUCTION = False
if BENCH:
    MIDDLEWARE.insert(0, "clinic.bench.QueryCountMiddleware")
# Rate limits are always on, except in a benchmark that asks for them off
# (BENCH_WITHOUT_RATE_LIMITS=1, only together with BENCH=1): wrk sends thousands of POSTs a
# second from one address, and the limits would measure themselves.
RATELIMIT_ENABLE = not (BENCH and env_bool("BENCH_WITHOUT_RATE_LIMITS"))

# E-mail. A mail server that accepts the connection and then hangs must not
# hang a request: keep a timeout, and send after commit through the outbox.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Ortomed fotspecialister <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where messages to the clinic (enquiries, new bookings) are sent.
CLINIC_NOTIFY_EMAILS = env_list("CLINIC_NOTIFY_EMAILS")
# On: requests only queue e-mail, and the outbox worker (`manage.py send_outbox --follow`,
# run beside gunicorn) sends it as each transaction commits, so no patient waits for the
# mail server. Off (development, tests): the request sends it itself after commit.
OUTBOX_WORKER = env_bool("OUTBOX_WORKER")

# The shop: when an order reaches the patient, in working days (Monday-Friday) after the
# order day. A home-laser rental starts on that day (or a later day the patient chooses).
SHOP_PICKUP_WORKING_DAYS = int(os.environ.get("SHOP_PICKUP_WORKING_DAYS", "1"))
SHOP_DELIVERY_WORKING_DAYS = int(os.environ.get("SHOP_DELIVERY_WORKING_DAYS", "3"))
# The longest home-laser rental the clinic allows, and how long an order staff have not
# confirmed keeps its laser unit and tracked stock before it lapses (lapse_unconfirmed_orders).
SHOP_MAX_RENTAL_WEEKS = int(os.environ.get("SHOP_MAX_RENTAL_WEEKS", "12"))
SHOP_UNCONFIRMED_LAPSE_DAYS = int(os.environ.get("SHOP_UNCONFIRMED_LAPSE_DAYS", "3"))

# The public address of the site, used in links inside e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGIN_URL = "admin:login"
# Where a login lands when `next` is missing or unsafe (Django's default is a 404).
LOGIN_REDIRECT_URL = "admin:index"

# Logs name requests, never people: one line per request with its id, method, path (no
# query string), status and duration; "json" for production, "plain" while developing.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
ACCESS_LOG = env_bool("ACCESS_LOG")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "clinic.logs.RequestIdFilter"},
        # Every handler: no booking, waitlist, offer or order token ever reaches a log.
        "tokens": {"()": "clinic.logs.TokenFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "clinic.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes says hello at every start; its lockout warnings still show.
    "loggers": {"axes": {"level": "WARNING"}},
}


def require_env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"You must set the {name} environment variable.")
    return value


# Booking: how soon a patient may book, and until when they may cancel or move.
BOOKING_LEAD_MINUTES = int(os.environ.get("BOOKING_LEAD_MINUTES", "120"))
BOOKING_CHANGE_DEADLINE_HOURS = int(os.environ.get("BOOKING_CHANGE_DEADLINE_HOURS", "24"))
BOOKING_REMINDER_HOURS = int(os.environ.get("BOOKING_REMINDER_HOURS", "24"))
# Recalls (booking/recall.py): the package a return visit is booked as, and how long after it
# was due a recall is still sent (a cron that was down does not send stale invitations).
RECALL_PACKAGE_SLUG = os.environ.get("RECALL_PACKAGE_SLUG", "aterbesok")
RECALL_LATEST_DAYS = int(os.environ.get("RECALL_LATEST_DAYS", "14"))
BOOKING_WEEKS_AHEAD = int(os.environ.get("BOOKING_WEEKS_AHEAD", "8"))
# Visits start on this grid of minutes inside a practitioner's hours, so a 45-minute and a
# 60-minute visit fit back to back (15: 10:00, 10:15, ...).
BOOKING_GRID_MINUTES = int(os.environ.get("BOOKING_GRID_MINUTES", "15"))
# Patient details are anonymised this many days after the visit.
RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", str(3 * 365)))
# Holds: a chosen time is kept for the patient this long while they type.
HOLD_MINUTES = int(os.environ.get("HOLD_MINUTES", "10"))
HOLDS_PER_ADDRESS = int(os.environ.get("HOLDS_PER_ADDRESS", "3"))
# Waitlist: how long an offered time is kept for the patient it is offered to
# (shorter when the visit is within a day; never past the booking lead time).
OFFER_HOLD_MINUTES = int(os.environ.get("OFFER_HOLD_MINUTES", "120"))
OFFER_HOLD_MINUTES_SOON = int(os.environ.get("OFFER_HOLD_MINUTES_SOON", "30"))
# At most this many open waitlist offers per inbox (e-mail without +tag) and per client
# address (IPv6 by /64), so one person cannot hold many freed times at once.
WAITLIST_MAX_OPEN_OFFERS = int(os.environ.get("WAITLIST_MAX_OPEN_OFFERS", "2"))
