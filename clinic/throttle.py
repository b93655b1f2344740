"""Rate limits for public POSTs, with the site's own 429 page.

    from clinic.throttle import rate_limit

    @rate_limit("booking")            # the rates of settings.PUBLIC_POST_RATES["booking"]
    def book(request, ...): ...

    @method_decorator(rate_limit("checkout"), name="post")   # on a class-based view

Only POSTs count and are refused; GETs of the same view are never limited. Each kind of
form has its own counters per client address (clinic.net.counted_address), one per rate
("10/m" and "60/h": both must hold). Counters live in the "shared" cache (Redis, or the
database), so every process and server counts together.
"""

import logging
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import ImproperlyConfigured
from django.db import router, transaction
from django.shortcuts import render
from django_ratelimit.core import get_usage

from .locks import lock
from .net import counted_address

logger = logging.getLogger(__name__)


def _rate_key(group, request):
    """The client's address; IPv6 clients by their /64 network, which one user usually has."""
    return counted_address(request) or "unknown"


@contextmanager
def counter_lock(name):
    """The lock that keeps a client's counters exact when they live in the database cache,
    whose incr() is a read and a write: one counting request per client and kind at a time
    (clinic.locks). Redis counts atomically: no lock."""
    counters = caches[settings.RATELIMIT_USE_CACHE]
    if not (getattr(settings, "RATELIMIT_ENABLE", True) and isinstance(counters, DatabaseCache)):
        yield
        return
    alias = router.db_for_write(counters.cache_model_class)
    with transaction.atomic(using=alias):
        lock("rate counters", name, using=alias)
        yield


def too_many_requests(request, retry_after=60):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rates_of(group):
    """The rates of a kind of form, from settings.PUBLIC_POST_RATES."""
    try:
        rates = settings.PUBLIC_POST_RATES[group]
    except KeyError:
        raise ImproperlyConfigured(f"PUBLIC_POST_RATES has no rate for {group!r}") from None
    return [rates] if isinstance(rates, str) else list(rates)


def _usage(request, group, rate):
    try:
        return get_usage(
            request, group=f"post:{group}", key=_rate_key, rate=rate, method="POST", increment=True
        )
    except Exception:  # the shared cache is down: a patient's booking matters more
        logger.exception("rate limit not checked: the shared cache failed")
        return None


def rate_limit(group, rate=None):
    """Refuse a client's POSTs to the decorated view beyond the rates of `group`.

    `group` names the counters and their rates in settings.PUBLIC_POST_RATES; views that
    share a group share its limits. A view with several forms may pass a function of the
    request that returns the group. `rate` ("3/m") overrides the settings.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                kind = group(request) if callable(group) else group
                with counter_lock(f"{kind}:{_rate_key(kind, request)}"):
                    usages = [
                        _usage(request, kind, each) for each in ([rate] if rate else rates_of(kind))
                    ]
                for usage in usages:
                    if usage and usage["should_limit"]:
                        logger.warning("rate limit reached", extra={"limit_group": kind})
                        return too_many_requests(request, retry_after=max(usage["time_left"], 1))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def login_username(request, credentials=None):
    """The username django-axes records for a failed admin login.

    What was typed, cut to fit axes' column (255 characters) and without NUL characters:
    Django's login form does not limit the length, so a 10,000-character username would
    otherwise fail the insert on PostgreSQL and answer with a 500.
    """
    if credentials:
        value = credentials.get("username")
    else:
        value = getattr(request, "POST", {}).get("username")
    if value is None:
        return None
    return str(value).replace("\x00", "")[:255]
