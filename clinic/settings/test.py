"""The test suite: SQLite by default, PostgreSQL when DATABASE_URL points at it."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than shared-cache memory: the concurrency tests need SQLite's real
    # locking (IMMEDIATE transactions wait for the busy timeout); in shared-cache memory
    # concurrent writers fail at once with "database table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405

# Tests keep their caches to themselves, whatever REDIS_URL says: rate-limit counters in
# the database cache are rolled back with each test; pages live in this process's memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "clinic_cache",
    },
}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]  # as in base.py
