"""Production: refuses to start without a secret key, allowed hosts and the site's URL."""

import copy
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, env_bool, env_list, require_env

DEBUG = env_bool("DEBUG")
PRODUCTION = True
SECRET_KEY = require_env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or require_env("ALLOWED_HOSTS").split(",")
# Every link in every e-mail starts with it; base.py's local default would send patients
# to http://127.0.0.1:8000.
SITE_URL = require_env("SITE_URL").rstrip("/")
if "BEHIND_PROXY" in os.environ:
    # Round one's name for it: refuse rather than silently count every client as the proxy.
    raise ImproperlyConfigured(
        "BEHIND_PROXY is no longer read: set TRUSTED_PROXY_COUNT to the number of our own "
        "reverse proxies that append to X-Forwarded-For (usually 1)."
    )

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A load balancer may ask for /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

# Structured logs on stdout, one JSON object a line, and an access line per request.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = copy.deepcopy(LOGGING)
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
ACCESS_LOG = env_bool("ACCESS_LOG", True)
