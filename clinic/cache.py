"""The site's one cache: Django's cache framework, keyed by versions kept in the database.

Two versions, rows of `ContentVersion`, move in the transaction of the data they stand for:
CONTENT (row 1) on every save or delete of a model in settings.PAGE_CACHE_CONTENT_MODELS
(signals below), BOOKINGS (row 2) on every change of a start time, reservation, booking, hold
or offer (database triggers, migration booking 0012). A thing is cached under the versions
read *before* its data, so it is never older than its key says, in any process or server.
Nothing here is a lock; no rule depends on it (README: "What keeps each rule"). A failing
cache backend (Redis down) costs speed, never a page.

On PostgreSQL, reading the versions costs no query while they stand still: each connection
LISTENs on CHANNEL, where a trigger sends a notice at commit (migration clinic 0007), and a
process keeps what it read until a notice comes (moments after the commit), its connection
is new or cut, or it is inside a transaction. On SQLite every read is a query.
"""

import hashlib
import logging
import threading
import time
from datetime import timedelta
from functools import wraps

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import BigIntegerField, F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from .models import ContentVersion

logger = logging.getLogger(__name__)

CONTENT, BOOKINGS = 1, 2
CHANNEL = "ortomed_versions"
TOKEN = "csrf-token-of-this-visitor"  # where a stored page has the visitor's CSRF token


class _Known(threading.local):
    listening = None  # this thread's psycopg connection, once it LISTENs
    versions = None  # read on it since the last notice
    generation = 0  # moved on by every notice


_known = _Known()


def _forget(notice=None):
    _known.versions = None
    _known.generation += 1


def versions():
    """(content, bookings) version numbers; None for a row not made yet."""
    raw = connection.connection
    if _known.versions is not None and raw is _known.listening and not connection.in_atomic_block:
        try:
            # The notices already here, without waiting. Twice: a connection the server cut
            # shows its last message first and its end only on the next read.
            for _ in range(2):
                raw.pgconn.consume_input()
                while raw.pgconn.notifies():
                    _forget()
        except psycopg.Error:  # cut: the query below lets Django connect anew
            _forget()
        if _known.versions is not None:
            return _known.versions
    generation = _known.generation
    with connection.cursor() as cursor:  # raw SQL: a third of the ORM's CPU time
        table = ContentVersion._meta.db_table
        cursor.execute(f"SELECT id, number FROM {table} WHERE id IN (%s, %s)", [CONTENT, BOOKINGS])
        rows = dict(cursor.fetchall())
    found = rows.get(CONTENT), rows.get(BOOKINGS)
    if (
        _known.listening is connection.connection is not None
        and _known.generation == generation  # no notice came while reading
        and not connection.in_atomic_block  # a transaction may see its own, unsent moves
    ):
        _known.versions = found
    return found


def listen(sender, connection, **kwargs):
    """Each new PostgreSQL connection listens for the notices, unless VERSION_NOTICES is off."""
    ours = connection.vendor == "postgresql" and connection.alias == "default"
    if ours and settings.VERSION_NOTICES:
        connection.connection.execute(f"LISTEN {CHANNEL}")
        connection.connection.add_notify_handler(_forget)  # those that come during a query
        _known.listening = connection.connection
        _forget()


connection_created.connect(listen, dispatch_uid="clinic.cache.listen")


def bump_content(**signal_kwargs):
    """Move the content version on, inside the caller's transaction. The new number is the
    clock in nanoseconds, or one more if that is larger: never used twice, not even after a
    rolled-back edit."""
    now = Value(time.time_ns(), output_field=BigIntegerField())
    if not ContentVersion.objects.filter(pk=CONTENT).update(number=Greatest(F("number") + 1, now)):
        ContentVersion.objects.get_or_create(pk=CONTENT, defaults={"number": time.time_ns()})


def connect_signals():
    """Every save or delete of a content model ("app.Model", or "app" for all its models)
    moves the content version. Writes that bypass signals (`QuerySet.update()`, raw SQL) must
    call `bump_content()` themselves."""
    for label in settings.PAGE_CACHE_CONTENT_MODELS:
        app_label, _, name = label.partition(".")
        models = [apps.get_model(label)] if name else apps.get_app_config(app_label).get_models()
        for model in models:
            uid = f"cache:{model._meta.label}"
            post_save.connect(bump_content, sender=model, dispatch_uid=uid)
            post_delete.connect(bump_content, sender=model, dispatch_uid=uid)
            for field in model._meta.many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(bump_content, sender=through, dispatch_uid=f"{uid}:{field}")


def _key(*parts):
    """A cache key from its parts (the versions among them) and the release."""
    raw = "|".join(str(part) for part in (settings.PAGE_CACHE_RELEASE, *parts))
    return "ortomed:" + hashlib.sha256(raw.encode()).hexdigest()


def _call(method, *args):
    try:
        return getattr(caches["default"], method)(*args)
    except Exception:
        logger.warning("cache unavailable", exc_info=True)
        return None


def remember(compute, *parts, depends):
    """`compute()` -> (value, good_until): the value, kept under `parts` and the versions it
    `depends` on until good_until (checked against the clock, not only the backend's timeout
    in whole seconds). Computed every time while the cache is off or a version is None (a
    fresh database: nothing to key on yet)."""
    if not settings.PAGE_CACHE or None in depends:
        return compute()[0]
    stored_under = _key(*parts, *depends)
    entry = _call("get", stored_under)
    if entry is not None and entry[0] > timezone.now():
        return entry[1]
    value, good_until = compute()
    if (seconds := int((good_until - timezone.now()).total_seconds())) >= 1:
        _call("set", stored_under, (good_until, value), seconds)
    return value


def _public(request):
    """A GET from a visitor without a session or messages: served from, and stored as, a page."""
    return (
        settings.PAGE_CACHE
        and request.method == "GET"
        and not request.path.startswith(settings.STATIC_URL)
        and not {settings.SESSION_COOKIE_NAME, "messages"} & request.COOKIES.keys()
    )


def _page_key(request):
    where = (request.scheme, request.get_host(), request.get_full_path())
    return _key("page", *where, timezone.localdate())


def cache_page(view=None, *, bookings=False, query_string=False):
    """Let PageCacheMiddleware keep this view's public page until the content changes (with
    `bookings`, also the booking state), at most settings.PAGE_CACHE_SECONDS, or until the
    view sets `request.page_good_until`. With `query_string`, pages with one are kept too
    (the query string is part of the key)."""
    if view is None:
        return lambda view: cache_page(view, bookings=bookings, query_string=query_string)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if _public(request) and (query_string or not request.META.get("QUERY_STRING")):
            if not hasattr(request, "versions"):
                request.versions = versions()  # before any data is read
            request.page_depends = request.versions if bookings else request.versions[:1]
            request.csrf_hole = True  # the page shows TOKEN (clinic/context_processors.py)
        return view(request, *args, **kwargs)

    return wrapped


class PageCacheMiddleware:
    """Serves cached public pages before the rest of MIDDLEWARE: a hit costs one cache read
    and the versions. Headers set below this middleware (security, CSP, language) are stored
    with the page; those set above it (the request id) are added to every hit. Where a page
    (or a `remember`ed one) shows TOKEN, every response gets the visitor's own CSRF token
    (and the CSRF cookie, if new)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        public = _public(request)
        if public and (entry := _call("get", _page_key(request))) is not None:
            depends, good_until, headers, body = entry
            request.versions = versions()
            if request.versions[: len(depends)] == depends and timezone.now() < good_until:
                response = HttpResponse(body, headers=dict(headers))
                request.csrf_hole = True
                return self.with_token(request, response)
        response = self.get_response(request)
        depends = getattr(request, "page_depends", None)
        session = getattr(request, "session", None)
        if (
            public
            and depends is not None  # a @cache_page view
            and None not in depends  # a fresh database: nothing to key on yet
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not (session is not None and session.modified)
        ):
            now = timezone.now()
            latest = now + timedelta(seconds=settings.PAGE_CACHE_SECONDS)
            good_until = min(getattr(request, "page_good_until", latest), latest)
            entry = (depends, good_until, list(response.items()), response.content)
            if (seconds := int((good_until - now).total_seconds())) >= 1:
                _call("set", _page_key(request), entry, seconds)
        return self.with_token(request, response)

    def with_token(self, request, response):
        hole = getattr(request, "csrf_hole", False) and not response.streaming
        if hole and TOKEN.encode() in response.content:
            self.csrf.process_request(request)  # the visitor's CSRF cookie, if any
            response.content = response.content.replace(TOKEN.encode(), get_token(request).encode())
            response["Content-Length"] = len(response.content)  # gunicorn sends no more
            self.csrf.process_response(request, response)  # sets the cookie when new
            patch_vary_headers(response, ["Cookie"])
        return response
