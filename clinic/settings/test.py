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
