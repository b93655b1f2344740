"""Whole public pages, cached until the site's content changes.

    from clinic.pagecache import cache_public_page

    @cache_public_page
    def condition_detail(request, slug): ...

(with `clinic.pagecache.PageCacheMiddleware` in MIDDLEWARE, as in clinic/settings/base.py).

How it stays correct with one process or many, on one server or several:

- A page is stored in the "default" cache (Redis, or each process's own memory) under its
  release, scheme, host and path, together with the content version it was rendered from.
  `PageCacheMiddleware` (high in MIDDLEWARE) serves it only while that version is current.
- The content version is one row in the database (`ContentVersion`). Every save or delete of
  a model in `settings.PAGE_CACHE_CONTENT_MODELS` increments it through signals, in the same
  transaction as the edit. A request reads the version (one primary-key query) before any
  content, so a page is only ever stored under the version of the content it shows or under
  an older one that no request asks for any more. An edit therefore shows at once
  everywhere. (A version kept in a per-process memory cache would only reach the process
  that made the edit; one kept in Redis would need Redis for correctness. The database is
  the one thing every process already shares.)
- Only GETs without a query string from visitors without a session or messages cookie are
  served from or stored in the cache. Staff, visitors with a cart and anyone with a pending
  message always get a freshly rendered page, so pages may show per-visitor parts. A
  response that sets a cookie, used the CSRF token or changed the session is never stored.
- Writes that bypass signals (`QuerySet.update()`, raw SQL) must call
  `bump_content_version()` themselves if they change what a cached page shows.
"""

import hashlib
import logging
import time
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, F, Subquery, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

from .models import ContentVersion

logger = logging.getLogger(__name__)

VERSION_PK = 1
SESSIONLESS_COOKIES_TO_SKIP = ("messages",)


def current_content_version():
    """The content version, or None when no content has been saved yet.

    Raw SQL: this runs on every cached page, and the ORM would double its cost.
    """
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {table} WHERE id = %s", [VERSION_PK])
        row = cursor.fetchone()
    return row[0] if row else None


def content_version_subquery():
    """The content version as an expression, to read it within another query."""
    return Subquery(ContentVersion.objects.filter(pk=VERSION_PK).values("number")[:1])


def current_versions(*pks):
    """Several version rows in one query: their numbers in the order asked (None if missing).

    Row VERSION_PK is the content's; others count other things cached the same way (row 2:
    the booking state, booking/slotcache.py).
    """
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    marks = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, number FROM {table} WHERE id IN ({marks})", list(pks))
        found = dict(cursor.fetchall())
    return tuple(found.get(pk) for pk in pks)


def bump_content_version(**kwargs):
    """Invalidate every cached page. Runs inside the caller's transaction."""
    bump_version(VERSION_PK)


def bump_version(pk):
    """Move version row `pk` on, inside the caller's transaction (which then holds its lock).

    The new number is the clock in nanoseconds (or one more than the old number, if that is
    larger): a number is never used twice, even when the transaction that set it is rolled
    back and a page was cached under it meanwhile, or the row is deleted and made again.
    """
    new_number = Greatest(F("number") + 1, Value(time.time_ns(), output_field=BigIntegerField()))
    if ContentVersion.objects.filter(pk=pk).update(number=new_number):
        return
    try:
        with transaction.atomic():
            ContentVersion.objects.create(pk=pk, number=time.time_ns())
    except IntegrityError:  # another request made the row first
        ContentVersion.objects.filter(pk=pk).update(number=new_number)


def content_models():
    """The models named in settings.PAGE_CACHE_CONTENT_MODELS ("app" means all its models)."""
    found = []
    for label in settings.PAGE_CACHE_CONTENT_MODELS:
        if "." in label:
            found.append(apps.get_model(label))
        else:
            found.extend(apps.get_app_config(label).get_models())
    return found


def connect_signals():
    for model in content_models():
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(bump_content_version, sender=model, dispatch_uid=uid)
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                bump_content_version,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}:{field.name}",
            )


def _servable_from_cache(request):
    return (
        settings.PAGE_CACHE
        and request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not any(name in request.COOKIES for name in SESSIONLESS_COOKIES_TO_SKIP)
    )


def _storable(request, response):
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _page_key(request):
    raw = "|".join([settings.PAGE_CACHE_RELEASE, request.scheme, request.get_host(), request.path])
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def cache_public_page(view=None, *, seconds=None):
    """Let PageCacheMiddleware keep this view's page until the site's content changes.

    `@cache_public_page`, or `@cache_public_page(seconds=60)` for a page that must also
    follow the clock (at most `seconds` old; default settings.PAGE_CACHE_SECONDS).
    """
    if view is None:
        return lambda view: cache_public_page(view, seconds=seconds)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        # Read before any content: the page is stored under this version or none. The
        # middleware may have read it already, also before any content.
        if _servable_from_cache(request):
            if not hasattr(request, "_page_cache_version"):
                request._page_cache_version = current_content_version()
            request._page_cache_seconds = seconds or settings.PAGE_CACHE_SECONDS
        return view(request, *args, **kwargs)

    return wrapped


class PageCacheMiddleware:
    """Serves cached pages before sessions, URL resolving and views; stores new ones.

    A page is stored under its path with the content version its view read first, and is
    served only while that is still the current version: a hit costs one cache read and
    one primary-key query. Paths never stored cost one cache read. Headers added by the
    middleware above this one (security headers, CSP, request id) are added to every hit;
    those added below it (Content-Language, Vary) are stored with the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        servable = _servable_from_cache(request)
        if servable:
            entry = _cache_call("get", _page_key(request))
            if entry is not None:
                version, headers, body = entry
                request._page_cache_version = current_content_version()
                if version == request._page_cache_version:
                    response = HttpResponse(body)
                    for name, value in headers:
                        response[name] = value
                    return response
        response = self.get_response(request)
        version = getattr(request, "_page_cache_version", None)
        marked = hasattr(request, "_page_cache_seconds")
        if servable and marked and version is not None and _storable(request, response):
            _cache_call(
                "set",
                _page_key(request),
                (version, list(response.items()), response.content),
                request._page_cache_seconds,
            )
        return response


def _cache_call(method, *args):
    """A read or write of the page cache; a failing cache (Redis down) only costs speed."""
    try:
        return getattr(caches["default"], method)(*args)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return None
