"""The slot list, cached without ever showing a taken time or hiding a free one.

The public list of free times (`/boka/<ort>/<paket>/?vecka=...`) is the site's busiest page
that needs the database. Its buttons are a form with the visitor's CSRF token, so the page
cannot go into the page cache as it is (clinic/pagecache.py). Instead:

- The week's free-slot data (what `views.week_context` computes with the expensive queries)
  is cached under location, package, week, today's date, the content version and the
  *booking-state version*, and is used for every visitor of that week.
- For visitors without a session or messages cookie (most first visits) the whole rendered
  page is cached as well, under the same key plus scheme, host and path, with a placeholder
  where the CSRF token goes. A hit costs one query (both versions) and one cache read; the
  visitor's own fresh token is put in before the page leaves.

Why it is never stale:

- The booking-state version is row 2 of clinic's version table. It moves in the same
  transaction as every change of a Slot, Booking, SlotHold or WaitlistOffer: signals on
  their saves and deletes, and `booking_state_changes()` called first thing by every
  service that writes them (so that all such writers take that row's lock before any other
  lock, in the same order, and cannot deadlock). Writes that bypass signals
  (`QuerySet.update()`, `bulk_create()`) call it themselves. The versions are read before
  any data, so an entry is stored under the version it was computed from or an older one.
- Holds and offers end by time alone, with no write. An entry is never kept past the
  earliest expiry among the active holds and open offers of the location from that week
  on, nor past the moment the first time it shows (or the "next free time" it points to)
  falls inside the booking lead time, nor past PAGE_CACHE_SECONDS. Today's date is in the
  key, so days that pass (and the week's links) change the page at midnight.

Entries live in the "default" cache (each worker's memory, or Redis); either way the keys
and expiry checks make them correct. PAGE_CACHE=0 turns this off with the page cache.
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from clinic.pagecache import VERSION_PK as CONTENT_VERSION_PK
from clinic.pagecache import bump_version, current_versions

from .models import Booking, Slot, SlotHold, WaitlistOffer
from .weeks import week_bounds

logger = logging.getLogger(__name__)

BOOKING_VERSION_PK = 2
MODELS = (Slot, Booking, SlotHold, WaitlistOffer)
# Rendered in place of the CSRF token, and replaced by the visitor's own token in every
# response. Fixed, so that a page cached by one process (Redis) works in every other.
CSRF_PLACEHOLDER = "csrf-token-placeholder-7c1d2f9e"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
SKIP_COOKIES = ("messages",)


def booking_state_changes(**kwargs):
    """Invalidate every cached slot list, inside the caller's transaction.

    Call it first in a transaction that changes slots, bookings, holds or offers: it takes
    the version row's lock, which every such writer then takes first.
    """
    bump_version(BOOKING_VERSION_PK)


def connect_signals():
    for model in MODELS:
        uid = f"slotcache:{model._meta.label}"
        post_save.connect(booking_state_changes, sender=model, dispatch_uid=uid)
        post_delete.connect(booking_state_changes, sender=model, dispatch_uid=uid)


def _digest(*parts):
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _cache(method, *args):
    """A read or write of the cache; a failing cache (Redis down) only costs speed."""
    try:
        return getattr(caches["default"], method)(*args)
    except Exception:
        logger.warning("slot list cache unavailable", exc_info=True)
        return None


class SlotListCache:
    """The cache of one request for one week's slot list.

    cache = SlotListCache(request, location_slug, package_slug, monday)
    if (page := cache.page()) is not None:
        return page
    ...
    week = cache.week(location, lambda: week_context(location, package, monday))
    response = render(request, ..., {**week, "csrf_token": CSRF_PLACEHOLDER})
    return cache.finish(response)
    """

    def __init__(self, request, location_slug, package_slug, monday):
        self.request = request
        self.monday = monday
        self.expires = None
        self.enabled = settings.PAGE_CACHE
        if not self.enabled:
            return
        # Read before any data: what is computed next is at least as new as these.
        content, booking = current_versions(CONTENT_VERSION_PK, BOOKING_VERSION_PK)
        if content is None or booking is None:  # a fresh database: nothing to key on yet
            self.enabled = False
            return
        base = (
            settings.PAGE_CACHE_RELEASE,
            location_slug,
            package_slug,
            monday.isoformat(),
            timezone.localdate().isoformat(),
            content,
            booking,
        )
        self.week_key = "slots:week:" + _digest(*base)
        self.page_key = "slots:page:" + _digest(
            *base, request.scheme, request.get_host(), request.path
        )
        self.whole_page = (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not any(name in request.COOKIES for name in SKIP_COOKIES)
        )

    # --- reading ------------------------------------------------------------------------

    def _get(self, key):
        entry = _cache("get", key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= timezone.now():
            return None
        self.expires = expires
        return value

    def page(self):
        """The whole page with this visitor's CSRF token, or None."""
        if not (self.enabled and self.whole_page):
            return None
        body = self._get(self.page_key)
        if body is None:
            return None
        response = HttpResponse(body.replace(_PLACEHOLDER_BYTES, get_token(self.request).encode()))
        patch_vary_headers(response, ["Cookie"])  # as the rendered page has it
        return response

    def week(self, location, compute):
        """The week's free-slot data: cached, or computed by `compute()` and cached."""
        if self.enabled:
            week = self._get(self.week_key)
            if week is not None:
                return week
        week = compute()
        if self.enabled:
            self.expires = self._expiry(location, week)
            self._set(self.week_key, week)
        return week

    # --- storing ------------------------------------------------------------------------

    def _expiry(self, location, week):
        """The moment this week's list may change without any write: the earliest expiry of
        a hold or offer that could free a time, or the first shown time entering the lead."""
        now = timezone.now()
        candidates = [now + timedelta(seconds=settings.PAGE_CACHE_SECONDS)]
        first = week["week_slots"][0] if week["week_slots"] else week["next_free"]
        if first is not None:
            candidates.append(first.start - timedelta(minutes=settings.BOOKING_LEAD_MINUTES))
        from_ = max(week_bounds(self.monday)[0], now)
        holds = SlotHold.objects.filter(
            expires_at__gt=now, slot__location=location, slot__start__gte=from_
        ).values_list("expires_at", flat=True)
        offers = WaitlistOffer.objects.filter(
            status=WaitlistOffer.Status.OPEN,
            expires_at__gt=now,
            slot__location=location,
            slot__start__gte=from_,
        ).values_list("expires_at", flat=True)
        holds, offers = holds.order_by(), offers.order_by()  # no model ordering in a UNION
        candidates.extend(holds.union(offers).order_by("expires_at")[:1])  # one query
        return min(candidates)

    def _set(self, key, value):
        seconds = int((self.expires - timezone.now()).total_seconds())
        if seconds >= 1:
            _cache("set", key, (self.expires, value), seconds)

    def finish(self, response):
        """Store the rendered page (when it is the same for every such visitor) and put this
        visitor's CSRF token in place of the placeholder."""
        session = getattr(self.request, "session", None)
        if (
            self.enabled
            and self.whole_page
            and self.expires is not None
            and response.status_code == 200
            and not response.cookies
            and not (session is not None and session.modified)
        ):
            self._set(self.page_key, response.content)
        response.content = response.content.replace(
            _PLACEHOLDER_BYTES, get_token(self.request).encode()
        )
        return response
