"""The slot list, cached without ever showing a taken time or hiding a free one.

The public list of free times (`/boka/<ort>/<paket>/?vecka=...`) is the site's busiest page
that needs the database. Its buttons are a form with the visitor's CSRF token, so the page
cannot go into the page cache as it is (clinic/pagecache.py). Instead:

- The week's free times, rendered (templates/booking/includes/week_slots.html: the queries
  and the template work of the page), are cached under location, package, week, today's
  date, the content version and the *booking-state version*, with a placeholder for the
  CSRF token (clinic/tokenpages.py), and used for every visitor of that week.
- For visitors without a session or messages cookie (most first visits) the whole page is
  cached as well, under the same key plus scheme, host and path. A hit costs one query (both
  versions) and one cache read.
- Every response gets the visitor's own fresh CSRF token in place of the placeholder.

Why it is never stale:

- The booking-state version is row 2 of clinic's version table. Database triggers move it
  in the same transaction as every change of a start time, reservation, booking, hold or
  offer, however it is written (migration booking 0012; on PostgreSQL at commit, so no
  writer ever waits for another on it: it protects no rule, the constraints do). The
  versions are read before any data, so an entry is stored under the version it was
  computed from or an older one.
- Holds and offers end by time alone, with no write. An entry is never kept past the
  earliest expiry among the active holds and open offers of the location from that week
  on, nor past the moment the first time it shows (or the "next free time" it points to)
  falls inside the booking lead time, nor past PAGE_CACHE_SECONDS. Today's date is in the
  key, so days that pass (and the week's links) change the page at midnight.

Entries live in the "default" cache (each worker's memory, or Redis); either way the keys
and expiry checks make them correct. PAGE_CACHE=0 turns this off with the page cache.
"""

from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from clinic import tokenpages
from clinic.models import Location
from clinic.pagecache import VERSION_PK as CONTENT_VERSION_PK
from clinic.pagecache import current_versions
from clinic.tokenpages import CSRF_PLACEHOLDER
from shop.models import TreatmentPackage

from .models import Reservation
from .weeks import week_bounds

BOOKING_VERSION_PK = 2  # moved by database triggers (migration booking 0012)
SKIP_COOKIES = ("messages",)


class Week(NamedTuple):
    location: Location
    package: TreatmentPackage
    monday: date  # the week shown: the one asked for, or the first with a free time
    html: str  # the rendered free times, with the CSRF placeholder
    has_free_times: bool


class SlotListCache:
    """The cache of one request for one week's slot list.

    cache = SlotListCache(request, location_slug, package_slug, monday)  # None: first free
    if (page := cache.page()) is not None:
        return page
    ...
    week_html, has_free_times = cache.week(location, package, compute_week)
    response = render(request, ..., {..., "csrf_token": CSRF_PLACEHOLDER})
    return cache.finish(response)
    """

    def __init__(self, request, location_slug, package_slug, monday, practitioner_slug=""):
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
            location_slug,
            package_slug,
            monday.isoformat() if monday else "first-free",
            practitioner_slug,
            timezone.localdate().isoformat(),
            content,
            booking,
        )
        self.week_key = "slots:week:" + tokenpages.digest(settings.PAGE_CACHE_RELEASE, *base)
        self.page_key = tokenpages.page_key(request, "slots", *base)
        self.whole_page = (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not any(name in request.COOKIES for name in SKIP_COOKIES)
        )

    def page(self):
        """The whole page with this visitor's CSRF token, or None."""
        if not (self.enabled and self.whole_page):
            return None
        return tokenpages.cached_page(self.request, self.page_key)

    def week(self, compute):
        """The week's Week (location, package, rendered free times): cached, or made from
        `compute()` -> (location, package, the week's data from views.week_context), which
        may raise Http404 (nothing is cached then)."""
        if self.enabled:
            value, expires = tokenpages.get(self.week_key)
            if value is not None:
                self.expires = expires
                return value
        location, package, week = compute()
        html = render_to_string(
            "booking/includes/week_slots.html",
            {"location": location, "package": package, **week, "csrf_token": CSRF_PLACEHOLDER},
        )
        value = Week(location, package, week["monday"], mark_safe(html), bool(week["week_slots"]))
        if self.enabled:
            self.expires = self._expiry(location, week)
            tokenpages.set(self.week_key, value, self.expires)
        return value

    def _expiry(self, location, week):
        """The moment this week's list may change without any write: the earliest expiry of
        a hold or offer that could free a time, or the first shown time entering the lead."""
        now = timezone.now()
        candidates = [now + timedelta(seconds=settings.PAGE_CACHE_SECONDS)]
        first = week["week_slots"][0] if week["week_slots"] else week["next_free"]
        if first is not None:
            candidates.append(first.start - timedelta(minutes=settings.BOOKING_LEAD_MINUTES))
        from_ = max(week_bounds(week["monday"])[0], now)
        # Holds and open offers (each a hold too): the first of them to end by time.
        ends = (
            Reservation.objects.live(now)
            .filter(hold__slot__location=location, start__gte=from_, expires_at__isnull=False)
            .order_by("expires_at")
            .values_list("expires_at", flat=True)
        )
        candidates.extend(ends[:1])
        return min(candidates)

    def finish(self, response):
        """Store the whole page when it suits every first visit, and put this visitor's CSRF
        token in place of the placeholder."""
        store = self.enabled and self.whole_page
        return tokenpages.finish(
            self.request,
            response,
            key=self.page_key if store else None,
            expires=self.expires,
        )
