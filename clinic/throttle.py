"""Rate limits for public POSTs, with the site's own 429 page.

    from clinic.throttle import rate_limit

    @rate_limit("booking")            # settings.PUBLIC_POST_RATE per client address
    def book(request, ...): ...

    @method_decorator(rate_limit("order"), name="post")   # on a class-based view

Only POSTs count and are refused; GETs of the same view are never limited. Counters live in
the "shared" cache (Redis, or the database), so every process and server counts together.
"""

import ipaddress
import logging
from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


def client_ip(request):
    """The address to count a request against (None if there is none).

    REMOTE_ADDR, unless settings.BEHIND_PROXY says our own reverse proxy stands in front: then
    the last X-Forwarded-For entry, the one that proxy appended. Entries before it come from
    the client and anyone can write them.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            address = last
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # no address (a unix socket, a test request)
        return None


def _rate_key(group, request):
    """The client's address; IPv6 clients by their /64 network, which one user usually has."""
    address = client_ip(request) or "unknown"
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return address


def too_many_requests(request, retry_after=60):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _usage(request, group, rate):
    try:
        return get_usage(
            request, group=f"post:{group}", key=_rate_key, rate=rate, method="POST", increment=True
        )
    except Exception:  # the shared cache is down: a patient's booking matters more
        logger.exception("rate limit not checked: the shared cache failed")
        return None


def rate_limit(group, rate=None):
    """Refuse a client's POSTs to the decorated view beyond `rate` (default PUBLIC_POST_RATE).

    `group` names the counter; views that share a group share one limit.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                usage = _usage(request, group, rate or settings.PUBLIC_POST_RATE)
                if usage and usage["should_limit"]:
                    logger.warning("rate limit reached", extra={"limit_group": group})
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
