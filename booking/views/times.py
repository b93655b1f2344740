"""The patient's way to a booked visit: treatments, free times, choosing one, details."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from clinic import cache
from clinic.models import Practitioner
from clinic.net import counted_address
from clinic.throttle import rate_limit
from shop.models import Treatment, TreatmentPackage

from .. import holds, services
from ..errors import BookingError, SlotTaken
from ..forms import BookingForm
from ..models import Booking, Reservation, Slot
from ..weeks import (
    distinct_starts,
    group_by_day,
    parse_week,
    this_monday,
    week_bounds,
    week_param,
)


def start(request):
    """Choose a treatment: what it is for, each package's length and price, and where."""
    treatments = list(Treatment.objects.active().with_packages())
    for treatment in treatments:
        offered = {}
        for package in treatment.packages.all():
            for location in package.locations.all():
                offered.setdefault(location.pk, location)
        treatment.offered_at = sorted(offered.values(), key=lambda loc: (loc.order, loc.city))
    return render(request, "booking/start.html", {"treatments": treatments})


def get_offer(location_slug, package_slug):
    """The location and the package offered there, or 404: one query, through the table of
    which package is offered where, kept under the content version (clinic/cache.py)."""

    def compute():
        offer = (
            TreatmentPackage.locations.through.objects.select_related(
                "location", "treatmentpackage__treatment"
            )
            .filter(
                location__slug=location_slug,
                location__is_active=True,
                treatmentpackage__slug=package_slug,
                treatmentpackage__is_active=True,
                treatmentpackage__treatment__is_active=True,
            )
            .first()
        )
        found = (offer.location, offer.treatmentpackage) if offer else None
        # An unknown address is not kept: anyone can make up as many as they like.
        seconds = settings.PAGE_CACHE_SECONDS if found else 0
        return found, timezone.now() + timedelta(seconds=seconds)

    depends = cache.versions()[:1] if settings.PAGE_CACHE else ()
    found = cache.remember(compute, "offer", location_slug, package_slug, depends=depends)
    if found is None:
        raise Http404("Behandlingen erbjuds inte där.")
    return found


def requested_week(request):
    """The week in the URL (`?vecka=2026-W49`), or None: then the first week with a free time."""
    value = request.GET.get("vecka") or request.POST.get("vecka")
    return parse_week(value) if value else None


def practitioners_for(location, package):
    """Who the patient may choose between: practitioners with free-looking upcoming hours at the
    location who perform the package (the list is shown only when there are two or more)."""
    hours = Slot.objects.at(location).upcoming().filter(practitioner=OuterRef("pk"))
    return list(Practitioner.objects.performing(package).filter(Exists(hours)))


def requested_practitioner(request, location, package):
    """The practitioner asked for (`?fotspecialist=<slug>`), or None for the first free."""
    slug = request.GET.get("fotspecialist") or request.POST.get("fotspecialist")
    if not slug:
        return None
    return (
        Practitioner.objects.performing(package)
        .filter(slug=slug[:120], slots__location=location)
        .distinct()
        .first()
    )


def week_context(location, package, monday=None, *, practitioner=None, ignore=None):
    """The free starts of the week of `monday` (None: the first week that has one), of one
    practitioner or, for "Första lediga", one per time."""

    def bookable(within=None):
        return Slot.objects.bookable(
            location=location,
            package=package,
            practitioner=practitioner,
            ignore=ignore,
            within=within,
        )

    if monday is None:
        first = bookable().first()
        monday = monday_of(first) if first else this_monday()
    start, end = week_bounds(monday)
    slots = distinct_starts(bookable(within=(start, end)))
    next_free = None if slots else bookable().filter(start__gte=end).first()
    return {
        "monday": monday,
        "this_week": week_param(monday),
        "sunday": monday + timedelta(days=6),
        "days": group_by_day(slots, monday),
        "week_slots": slots,
        "next_free": next_free,
        "next_free_week": week_param(monday_of(next_free)) if next_free else None,
        "previous_week": week_param(monday - timedelta(weeks=1))
        if monday > this_monday()
        else None,
        "next_week": week_param(monday + timedelta(weeks=1)),
        "practitioner": practitioner,
    }


@cache.cache_page(bookings=True, query_string=True)
def slot_list(request, location_slug, package_slug):
    """The week's free times. A first visit gets the whole page from the cache; a patient
    with a session gets the cached week (the queries and most of the rendering) in a page
    rendered for them. Both are kept under both versions (clinic/cache.py) until the week
    may change by the clock alone."""
    monday = requested_week(request)
    specialist = (request.GET.get("fotspecialist") or "")[:120]
    if not hasattr(request, "versions"):
        request.versions = cache.versions()  # before any data

    def compute():
        location, package = get_offer(location_slug, package_slug)
        practitioner = requested_practitioner(request, location, package)
        week = week_context(location, package, monday, practitioner=practitioner)
        week["practitioners"] = practitioners_for(location, package)
        html = render_to_string(
            "booking/includes/week_slots.html", {"location": location, "package": package, **week}
        )
        good_until = week_changes_by_clock(location, week)
        shown = (location, package, week["monday"], mark_safe(html), bool(week["week_slots"]))
        return (*shown, good_until), good_until

    where = (location_slug, package_slug, monday, specialist, timezone.localdate())
    value = cache.remember(compute, "week", *where, depends=request.versions)
    location, package, shown_monday, week_html, has_free_times, good_until = value
    request.page_good_until = good_until
    context = {
        "location": location,
        "package": package,
        "week_html": week_html,
        "has_free_times": has_free_times,
        "next_week": week_param(shown_monday + timedelta(weeks=1)),
    }
    return render(request, "booking/slot_list.html", context)


def week_changes_by_clock(location, week):
    """The moment the week's free times may change without any write: the first hold or
    open offer of the location to end, the first time shown entering the booking lead, or
    PAGE_CACHE_SECONDS from now."""
    now = timezone.now()
    candidates = [now + timedelta(seconds=settings.PAGE_CACHE_SECONDS)]
    first = week["week_slots"][0] if week["week_slots"] else week["next_free"]
    if first is not None:
        candidates.append(first.start - timedelta(minutes=settings.BOOKING_LEAD_MINUTES))
    ends = (
        Reservation.objects.live(now)
        .filter(
            hold__slot__location=location,
            start__gte=max(week_bounds(week["monday"])[0], now),
            expires_at__isnull=False,
        )
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
    )
    candidates.extend(ends[:1])
    return min(candidates)


@rate_limit("hold")
@require_http_methods(["POST"])
def choose(request, location_slug, package_slug):
    """Choosing a time holds it for this browser session while the patient types."""
    location, package = get_offer(location_slug, package_slug)
    slot = get_object_or_404(
        Slot.objects.at(location).select_related("practitioner"),
        pk=_int(request.POST.get("slot")),
    )
    holder = holds.session_holder(request)
    if requested_practitioner(request, location, package) is None:
        # "Första lediga": whoever is free then, the one with the fewest visits that day first.
        choices = services.fair_choices(slot, package, holder) or [slot]
    else:
        choices = [slot]
    failure = None
    for choice in choices:
        try:
            services.check_bookable(slot=choice, package=package)
            holds.hold_slot(
                slot=choice,
                package=package,
                holder=holder,
                client_address=counted_address(request),
            )
        except SlotTaken as error:
            failure = error  # another patient was quicker with this practitioner: the next
            continue
        except BookingError as error:
            failure = error
            break
        slot, failure = choice, None
        break
    if failure is not None:
        messages.error(request, failure.message)
        url = reverse("booking:slots", args=[location.slug, package.slug])
        return redirect(f"{url}?vecka={week_param(monday_of(slot))}")
    url = reverse("booking:details", args=[location.slug, package.slug])
    return redirect(f"{url}?tid={slot.pk}")


@rate_limit("hold")
@require_http_methods(["POST"])
def release(request, location_slug, package_slug):
    """The journey's back link: let go of the held time and show the week again."""
    location, package = get_offer(location_slug, package_slug)
    holds.release(holds.session_holder(request))
    url = reverse("booking:slots", args=[location.slug, package.slug])
    return redirect(f"{url}?vecka={week_param(parse_week(request.POST.get('vecka')))}")


def monday_of(slot):
    day = timezone.localtime(slot.start).date()
    return day - timedelta(days=day.weekday())


@rate_limit("booking")
@require_http_methods(["GET", "POST"])
def details(request, location_slug, package_slug):
    location, package = get_offer(location_slug, package_slug)
    unavailable = False
    email_hint = None
    holder = holds.session_holder(request)
    if request.method == "POST":
        form = BookingForm(request.POST, package=package)
        if form.is_valid() and not (email_hint := form.email_hint()):
            data = form.cleaned_data
            try:
                booking = services.book_slot(
                    slot=data["slot"],
                    location=location,
                    package=package,
                    patient=services.Patient.from_form(data),
                    request_token=data["request_token"],
                    holder=holder,
                )
            except BookingError as error:
                form.add_error("slot", error.message)
            else:
                return redirect("booking:confirmation", token=booking.token)
        # Not booked. A double click whose twin has booked meanwhile: the twin's booking.
        if earlier := earlier_booking(form_token(request.POST)).first():
            return redirect("booking:confirmation", token=earlier.token)
        slot = (
            Slot.objects.at(location)
            .select_related("practitioner")
            .filter(pk=_int(request.POST.get("slot")))
            .first()
        )
    else:
        slot = get_object_or_404(
            Slot.objects.at(location).select_related("practitioner"),
            pk=_int(request.GET.get("tid")),
        )
        form = BookingForm(initial={"slot": slot.pk}, package=package)
        unavailable = (
            not Slot.objects.bookable(location=location, package=package, holder=holder)
            .filter(pk=slot.pk)
            .exists()
        )

    week = week_context(location, package, monday_of(slot) if slot else None)
    if unavailable or "slot" in form.errors:
        form.offer_other_times(Slot.objects.filter(pk__in=[s.pk for s in week["week_slots"]]))
    return render(
        request,
        "booking/details.html",
        {
            "location": location,
            "package": package,
            "form": form,
            "slot": slot,
            "unavailable": unavailable,
            "email_hint": email_hint,
            "hold": holds.current_hold(holder),
            "visit_end": slot.start + timedelta(minutes=package.duration_minutes) if slot else None,
            "week_value": week_param(week["monday"]),
            **week,
        },
    )


def earlier_booking(token):
    """Bookings already made with this form's token; none without a well-formed token, so a
    missing token never matches the NULL tokens of staff, waitlist and anonymised bookings."""
    if token is None:
        return Booking.objects.none()
    return Booking.objects.filter(request_token=token)


def form_token(data):
    """The booking form's one-time token if it is well formed (32 hex digits), else None."""
    token = data.get("request_token", "")
    return token if len(token) == 32 and all(c in "0123456789abcdef" for c in token) else None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
