"""Local development: debug on, a throwaway secret key, SQLite unless DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production"  # noqa: F405
if not DEBUG and SECRET_KEY.startswith("dev-only"):
    raise ValueError("Set SECRET_KEY when DEBUG is off.")

# Serve static files straight from static/ without collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Template edits show at once while developing.
PAGE_CACHE = env_bool("PAGE_CACHE", False)
