from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.models import Location, Practitioner
from clinic.net import counted_address
from clinic.throttle import rate_limit
from clinic.tokenpages import CSRF_PLACEHOLDER
from shop.models import Treatment, TreatmentPackage

from . import holds, services, waitlist, waitlist_signup
from .errors import BookingError, SlotTaken
from .forms import BookingForm, WaitlistForm
from .models import Booking, Slot, WaitlistEntry, WaitlistOffer
from .slotcache import SlotListCache
from .weeks import (
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
    """The location and the package offered there, or 404."""
    location = get_object_or_404(Location.objects.active(), slug=location_slug)
    package = get_object_or_404(
        TreatmentPackage.objects.active().offered_at(location).select_related("treatment"),
        slug=package_slug,
    )
    return location, package


def requested_week(request):
    """The week in the URL (`?vecka=2026-W49`), or None: then the first week with a free time."""
    value = request.GET.get("vecka") or request.POST.get("vecka")
    return parse_week(value) if value else None


def practitioners_for(location, package):
    """Who the patient may choose between: practitioners with free-looking upcoming hours at the
    location who perform the package (the list is shown only when there are two or more)."""
    ids = (
        Slot.objects.at(location)
        .upcoming()
        .performing(package)
        .values_list("practitioner_id", flat=True)
        .distinct()
    )
    return list(Practitioner.objects.filter(pk__in=ids))


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
    bookable = Slot.objects.bookable(
        location=location, package=package, practitioner=practitioner, ignore=ignore
    )
    if monday is None:
        first = bookable.first()
        monday = monday_of(first) if first else this_monday()
    start, end = week_bounds(monday)
    slots = distinct_starts(bookable.filter(start__gte=start, start__lt=end))
    next_free = None if slots else bookable.filter(start__gte=end).first()
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


def slot_list(request, location_slug, package_slug):
    """The week's free times; cached (booking/slotcache.py), never stale."""
    monday = requested_week(request)
    specialist = (request.GET.get("fotspecialist") or "")[:120]
    cache = SlotListCache(request, location_slug, package_slug, monday, specialist)
    page = cache.page()
    if page is not None:
        return page

    def compute():
        location, package = get_offer(location_slug, package_slug)
        practitioner = requested_practitioner(request, location, package)
        week = week_context(location, package, monday, practitioner=practitioner)
        week["practitioners"] = practitioners_for(location, package)
        return location, package, week

    week = cache.week(compute)
    context = {
        "location": week.location,
        "package": week.package,
        "week_html": week.html,
        "has_free_times": week.has_free_times,
        "next_week": week_param(week.monday + timedelta(weeks=1)),
        "csrf_token": CSRF_PLACEHOLDER,
    }
    return cache.finish(render(request, "booking/slot_list.html", context))


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
        earlier = earlier_booking(form_token(request.POST))
        if earlier.exists():
            return redirect("booking:confirmation", token=earlier.get().token)
        form = BookingForm(request.POST, location=location, package=package, holder=holder)
        if form.is_valid() and (email_hint := form.email_hint()):
            chosen = form.cleaned_data["slot"]
        elif form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.book_slot(
                    slot=data["slot"],
                    package=package,
                    patient=services.Patient(
                        name=data["name"],
                        email=data["email"],
                        phone=data["phone"],
                        personnummer=data["personnummer"],
                        date_of_birth=data["date_of_birth"],
                        message=data["message"],
                    ),
                    request_token=data["request_token"],
                    holder=holder,
                )
            except BookingError as error:
                chosen = data["slot"]
                form.add_error("slot", error.message)
            else:
                return redirect("booking:confirmation", token=booking.token)
        else:
            chosen = Slot.objects.at(location).filter(pk=_int(request.POST.get("slot"))).first()
        # A double click whose twin won the race while this one validated: same booking.
        if earlier.exists():
            return redirect("booking:confirmation", token=earlier.get().token)
        slot = chosen
    else:
        slot = get_object_or_404(Slot.objects.at(location), pk=_int(request.GET.get("tid")))
        form = BookingForm(
            location=location, package=package, holder=holder, initial={"slot": slot.pk}
        )
        unavailable = not form.fields["slot"].queryset.filter(pk=slot.pk).exists()

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


def booking_by_token(token):
    return get_object_or_404(
        Booking.objects.select_related(
            "slot__location", "package__treatment", "reservation__practitioner"
        ),
        token=token,
    )


@never_cache  # patient data: no browser or proxy keeps a copy
def confirmation(request, token):
    booking = booking_by_token(token)
    return render(request, "booking/confirmation.html", {"booking": booking})


@never_cache  # patient data: no browser or proxy keeps a copy
def manage(request, token):
    booking = booking_by_token(token)
    return render(
        request,
        "booking/manage.html",
        {"booking": booking, "can_change": booking.can_be_changed(), "now": timezone.now()},
    )


@never_cache  # patient data: no browser or proxy keeps a copy
@rate_limit("manage")
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    booking = booking_by_token(token)
    if request.method == "POST":
        try:
            services.cancel_booking(booking=booking)
        except BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Din bokning är avbokad. Vi har skickat en bekräftelse.")
        return redirect("booking:manage", token=token)
    if not booking.can_be_changed():
        return redirect("booking:manage", token=token)
    return render(request, "booking/cancel.html", {"booking": booking})


@never_cache  # patient data: no browser or proxy keeps a copy
@rate_limit("manage")
@require_http_methods(["GET", "POST"])
def move(request, token):
    booking = booking_by_token(token)
    if not booking.can_be_changed():
        return redirect("booking:manage", token=token)
    location, package = booking.slot.location, booking.package
    error = None
    if request.method == "POST":
        new_slot = (
            Slot.objects.bookable(location=location, package=package, ignore=booking.reservation)
            .filter(pk=_int(request.POST.get("slot")))
            .first()
        )
        if new_slot is None:
            error = "Den tiden går inte att välja längre. Välj en annan tid."
        else:
            try:
                services.move_booking(booking=booking, new_slot=new_slot)
            except BookingError as failure:
                error = failure.message
            else:
                messages.success(request, "Din tid är flyttad. Vi har skickat en ny bekräftelse.")
                return redirect("booking:manage", token=token)
    week = week_context(location, package, requested_week(request), ignore=booking.reservation)
    return render(
        request,
        "booking/move.html",
        {
            "booking": booking,
            "location": location,
            "package": package,
            "error": error,
            "week_value": week_param(week["monday"]),
            **week,
        },
        status=409 if error else 200,
    )


@never_cache  # patient data: no browser or proxy keeps a copy
@permission_required("booking.view_booking", login_url="admin:login")
def day_view(request, location_slug):
    location = get_object_or_404(Location, slug=location_slug)
    day = timezone.localdate()
    if "datum" in request.GET:
        try:
            asked = date.fromisoformat(request.GET["datum"])
        except ValueError:
            asked = None
        if asked and date(1900, 1, 1) <= asked <= date(2999, 12, 31):
            day = asked
        else:
            messages.error(request, "Datumet kunde inte läsas. Dagens besök visas i stället.")
    bookings = Booking.objects.for_day_view(location=location, day=day)
    return render(
        request,
        "booking/day_view.html",
        {
            "location": location,
            "day": day,
            "bookings": bookings,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "locations": Location.objects.active(),
        },
    )


JOINED_SESSION_KEY = "waitlist_joined"


@rate_limit("waitlist")
@require_http_methods(["GET", "POST"])
def waitlist_join(request, location_slug, package_slug):
    location, package = get_offer(location_slug, package_slug)
    if request.method == "POST":
        form = WaitlistForm(request.POST, practitioners=practitioners_for(location, package))
        if form.is_valid():
            data = form.cleaned_data
            wishes = form.wishes()
            waitlist_signup.join(
                location=location,
                package=package,
                wishes=wishes,
                patient=services.Patient(
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    personnummer=data["personnummer"],
                    date_of_birth=data["date_of_birth"],
                ),
                client_address=counted_address(request),
            )
            request.session[JOINED_SESSION_KEY] = {
                "email": data["email"],
                "earliest_date": wishes["earliest_date"].isoformat(),
                "latest_date": wishes["latest_date"].isoformat(),
            }
            return redirect("booking:waitlist-joined")
    else:
        today = timezone.localdate()
        form = WaitlistForm(
            practitioners=practitioners_for(location, package),
            initial={"earliest_date": today, "latest_date": today + timedelta(weeks=4)},
        )
    return render(
        request,
        "booking/waitlist_join.html",
        {"location": location, "package": package, "form": form},
    )


@never_cache  # patient data: no browser or proxy keeps a copy
def waitlist_joined(request):
    """What was sent where: the address and dates given, so a typo can be caught."""
    joined = request.session.get(JOINED_SESSION_KEY)
    context = {}
    if isinstance(joined, dict):
        try:
            context = {
                "email": str(joined["email"]),
                "earliest_date": date.fromisoformat(joined["earliest_date"]),
                "latest_date": date.fromisoformat(joined["latest_date"]),
            }
        except (KeyError, TypeError, ValueError):
            context = {}
    return render(request, "booking/waitlist_joined.html", context)


def entry_by_token(token):
    return get_object_or_404(
        WaitlistEntry.objects.select_related("location", "package"), token=token
    )


@never_cache  # patient data: no browser or proxy keeps a copy
def waitlist_confirm(request, token):
    entry = entry_by_token(token)
    if entry.status == WaitlistEntry.Status.WAITING:
        entry = waitlist_signup.confirm(entry=entry)
    return render(
        request,
        "booking/waitlist_entry.html",
        {"entry": entry, "confirmed": True, "free_slots": free_slots_of(entry)},
    )


@never_cache  # patient data: no browser or proxy keeps a copy
def waitlist_change(request, token):
    """The link in the change e-mail: the change asked for takes effect now."""
    entry = waitlist_signup.confirm_change(change_token=token)
    if entry is None:
        return render(request, "booking/waitlist_change_gone.html", status=404)
    return render(
        request,
        "booking/waitlist_entry.html",
        {"entry": entry, "changed": True, "free_slots": free_slots_of(entry)},
    )


def free_slots_of(entry):
    """The free times that fit a waiting entry, each with its week's page to book from."""
    if entry.status != WaitlistEntry.Status.WAITING:
        return []
    return [(slot, week_param(monday_of(slot))) for slot in waitlist.matching_free_slots(entry)]


@never_cache  # patient data: no browser or proxy keeps a copy
@rate_limit("manage")
@require_http_methods(["GET", "POST"])
def waitlist_leave(request, token):
    entry = entry_by_token(token)
    if request.method == "POST":
        entry = waitlist.leave(entry=entry)
        messages.success(request, "Du står inte längre på väntelistan.")
        return redirect("booking:waitlist-leave", token=token)
    return render(request, "booking/waitlist_entry.html", {"entry": entry, "leaving": True})


def offer_by_token(token):
    return get_object_or_404(
        WaitlistOffer.objects.select_related(
            "entry__package", "slot__location", "slot__practitioner", "booking"
        ),
        token=token,
    )


@never_cache  # patient data: no browser or proxy keeps a copy
@rate_limit("offer")
@require_http_methods(["GET", "POST"])
def offer(request, token):
    """The link in the offer e-mail: one button books the time with the details already given."""
    offer = offer_by_token(token)
    if request.method == "POST":
        try:
            booking = waitlist.accept_offer(offer=offer)
        except BookingError as error:
            messages.error(request, error.message)
            return redirect("booking:offer", token=token)
        return redirect("booking:confirmation", token=booking.token)
    is_open = offer.status == WaitlistOffer.Status.OPEN and offer.expires_at > timezone.now()
    return render(request, "booking/offer.html", {"offer": offer, "is_open": is_open})


@never_cache  # patient data: no browser or proxy keeps a copy
@rate_limit("offer")
@require_http_methods(["POST"])
def offer_decline(request, token):
    offer = offer_by_token(token)
    waitlist.decline_offer(offer=offer)
    messages.success(request, "Tack! Vi erbjuder tiden till nästa patient på listan.")
    return redirect("booking:offer", token=token)
