"""Rendered pages and fragments kept with a placeholder where the visitor's CSRF token goes.

A page with a form carries the visitor's own CSRF token, so the page cache
(clinic/pagecache.py) cannot keep it. Rendered with CSRF_PLACEHOLDER as the token (pass
`"csrf_token": CSRF_PLACEHOLDER` in the context), it is the same for every visitor it suits,
and `finish()` puts each visitor's own token in before the response leaves:

    key = tokenpages.page_key(request, "cart", what_the_page_shows, ...)
    if (hit := tokenpages.cached_page(request, key)) is not None:
        return hit
    response = render(request, "...", {..., "csrf_token": CSRF_PLACEHOLDER})
    return tokenpages.finish(request, response, key=key, expires=until_when)

The key must name everything the page shows (versions of what it reads, today's date for
pages that follow the clock); `expires` is the moment it may change without any write. An
entry is served only before that moment (checked against the clock, not only the cache's
timeout). Only responses the same for every such visitor are stored: 200, no cookie set,
no session change, no message shown (callers skip visitors with pending messages).
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

# Fixed (not random per process), so that an entry stored by one process (Redis) works in all.
CSRF_PLACEHOLDER = "csrf-token-placeholder-7c1d2f9e"
_PLACEHOLDER = CSRF_PLACEHOLDER.encode()


def digest(*parts):
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def page_key(request, name, *parts):
    """A key for a whole page: its name and parts, the release, scheme, host and path."""
    return f"tokenpage:{name}:" + digest(
        settings.PAGE_CACHE_RELEASE, request.scheme, request.get_host(), request.path, *parts
    )


def cache_call(method, *args):
    """A read or write of the cache; a failing cache (Redis down) only costs speed."""
    try:
        return getattr(caches["default"], method)(*args)
    except Exception:
        logger.warning("cache unavailable", exc_info=True)
        return None


def get(key):
    """(value, expires) of a live entry, or (None, None)."""
    entry = cache_call("get", key)
    if entry is None:
        return None, None
    expires, value = entry
    if expires <= timezone.now():
        return None, None
    return value, expires


def set(key, value, expires):  # noqa: A001 (the cache's own word)
    seconds = int((expires - timezone.now()).total_seconds())
    if seconds >= 1:
        cache_call("set", key, (expires, value), seconds)


def has_pending_messages(request):
    """Whether the page would show messages (reading them without using them up)."""
    return len(get_messages(request)) > 0


def with_token(request, content: bytes) -> bytes:
    return content.replace(_PLACEHOLDER, get_token(request).encode())


def cached_page(request, key):
    """The cached page with this visitor's CSRF token in it, or None."""
    if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return None
    body, _ = get(key)
    if body is None:
        return None
    response = HttpResponse(with_token(request, body))
    patch_vary_headers(response, ["Cookie"])  # as the rendered page has it
    return response


def finish(request, response, *, key=None, expires=None):
    """Store the rendered page under `key` until `expires` when it suits every visitor the
    key is for, and put this visitor's CSRF token in place of the placeholder."""
    session = getattr(request, "session", None)
    if (
        settings.PAGE_CACHE
        and key is not None
        and expires is not None
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.cookies
        and not (session is not None and session.modified)
        and not getattr(get_messages(request), "used", False)  # it showed messages
    ):
        set(key, response.content, expires)
    response.content = with_token(request, response.content)
    return response
