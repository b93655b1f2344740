"""The site's one cache: Django's cache framework, keyed by versions kept in the database.

Two versions, each one row of `ContentVersion`, read together in one query:

- CONTENT (row 1) moves on every save or delete of a model in
  settings.PAGE_CACHE_CONTENT_MODELS (signals below), in the same transaction as the edit.
- BOOKINGS (row 2) moves on every change of a start time, reservation, booking, hold or
  offer, by database triggers in the same transaction (migration booking 0012).

A cached thing is stored under a key that holds the versions read *before* its data, so it
is stored under the version of the data it shows or an older one that no request asks for
any more: an edit shows at once in every process and on every server, whether the cache is
Redis or each process's own memory. The database is the one thing every process shares.
Nothing here is a lock; no rule depends on it (README: "What keeps each rule").

What is cached:

- Whole public pages (`@cache_page`, served by `PageCacheMiddleware` near the top of
  MIDDLEWARE): only GETs without a query string from visitors without a session or messages
  cookie, and only responses that set no cookie and used no CSRF token. Per-visitor content
  (a CSRF token, the cart, a held time) therefore never sits in a shared page.
- Values (`remember`): e.g. the week of free times on the slot list, rendered without a
  CSRF token (the page around it is rendered per request).

A failing cache backend (Redis down) costs speed, never a page.
"""

import hashlib
import logging
import time
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone

from .models import ContentVersion

logger = logging.getLogger(__name__)

CONTENT, BOOKINGS = 1, 2
SKIP_COOKIES = ("messages",)


def versions():
    """(content, bookings) version numbers in one query; None for a row not made yet.

    Raw SQL: this runs on every cache hit, and the ORM would double its cost.
    """
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, number FROM {table} WHERE id IN (%s, %s)", [CONTENT, BOOKINGS])
        found = dict(cursor.fetchall())
    return found.get(CONTENT), found.get(BOOKINGS)


def bump_content(**signal_kwargs):
    """Move the content version on, inside the caller's transaction.

    The new number is the clock in nanoseconds (or one more, if that is larger), so a number
    is never used twice, not even after a rolled-back edit.
    """
    now = Value(time.time_ns(), output_field=BigIntegerField())
    if not ContentVersion.objects.filter(pk=CONTENT).update(number=Greatest(F("number") + 1, now)):
        ContentVersion.objects.get_or_create(pk=CONTENT, defaults={"number": time.time_ns()})


def connect_signals():
    """Every save or delete of a content model (settings.PAGE_CACHE_CONTENT_MODELS) moves
    the content version. Writes that bypass signals (`QuerySet.update()`, raw SQL) must call
    `bump_content()` themselves."""
    for label in settings.PAGE_CACHE_CONTENT_MODELS:
        if "." in label:
            models = [apps.get_model(label)]
        else:  # "app": all its models
            models = apps.get_app_config(label).get_models()
        for model in models:
            uid = f"cache:{model._meta.label}"
            post_save.connect(bump_content, sender=model, dispatch_uid=uid)
            post_delete.connect(bump_content, sender=model, dispatch_uid=uid)
            for field in model._meta.many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(bump_content, sender=through, dispatch_uid=f"{uid}:{field}")


def key(*parts):
    """A cache key from its parts (the versions among them) and the release."""
    raw = "|".join(str(part) for part in (settings.PAGE_CACHE_RELEASE, *parts))
    return "ortomed:" + hashlib.sha256(raw.encode()).hexdigest()


def _call(method, *args):
    try:
        return getattr(caches["default"], method)(*args)
    except Exception:
        logger.warning("cache unavailable", exc_info=True)
        return None


def remember(key, compute):
    """The value stored under `key` if it is still good, else `compute()` -> (value,
    good_until), stored until that moment. Expiry is checked against the clock, not only the
    backend's timeout (whole seconds)."""
    if settings.PAGE_CACHE:
        entry = _call("get", key)
        if entry is not None and entry[0] > timezone.now():
            return entry[1]
    value, good_until = compute()
    seconds = int((good_until - timezone.now()).total_seconds())
    if settings.PAGE_CACHE and seconds >= 1:
        _call("set", key, (good_until, value), seconds)
    return value


def _public(request):
    return (
        settings.PAGE_CACHE
        and request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and not request.path.startswith(settings.STATIC_URL)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not any(name in request.COOKIES for name in SKIP_COOKIES)
    )


def _page_key(request):
    return key("page", request.scheme, request.get_host(), request.path)


def cache_page(view):
    """Let PageCacheMiddleware keep this view's public page until the content changes (and
    at most settings.PAGE_CACHE_SECONDS)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if _public(request) and not hasattr(request, "content_version"):
            request.content_version = versions()[0]  # before any content is read
        return view(request, *args, **kwargs)

    return wrapped


class PageCacheMiddleware:
    """Serves cached public pages before the rest of MIDDLEWARE: a hit costs one cache read
    and one query, a path never cached one cache read. Headers set below this middleware
    (security, CSP, language) are stored with the page; those set above it (the request id)
    are added to every hit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = _public(request)
        if public and (entry := _call("get", _page_key(request))) is not None:
            version, headers, body = entry
            request.content_version = versions()[0]
            if version == request.content_version:
                response = HttpResponse(body)
                for name, value in headers:
                    response[name] = value
                return response
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (
            public
            and getattr(request, "content_version", None) is not None  # a @cache_page view
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not (session is not None and session.modified)
        ):
            entry = (request.content_version, list(response.items()), response.content)
            _call("set", _page_key(request), entry, settings.PAGE_CACHE_SECONDS)
        return response
