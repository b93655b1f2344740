from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from clinic.models import Location
from shop.models import Treatment, TreatmentPackage

from . import services
from .forms import BookingForm
from .models import Booking, Slot
from .weeks import group_by_day, parse_week, this_monday, week_bounds, week_param


def start(request):
    treatments = Treatment.objects.active().with_packages()
    return render(request, "booking/start.html", {"treatments": treatments})


def get_offer(location_slug, package_slug):
    """The location and the package offered there, or 404."""
    location = get_object_or_404(Location.objects.active(), slug=location_slug)
    package = get_object_or_404(
        TreatmentPackage.objects.active().offered_at(location).select_related("treatment"),
        slug=package_slug,
    )
    return location, package


def week_context(location, package, monday):
    start, end = week_bounds(monday)
    bookable = Slot.objects.bookable(location=location, package=package)
    slots = list(bookable.filter(start__gte=start, start__lt=end))
    next_free = None if slots else bookable.filter(start__gte=end).first()
    return {
        "monday": monday,
        "sunday": monday + timedelta(days=6),
        "days": group_by_day(slots, monday),
        "week_slots": slots,
        "next_free": next_free,
        "next_free_week": week_param(monday_of(next_free)) if next_free else None,
        "previous_week": week_param(monday - timedelta(weeks=1))
        if monday > this_monday()
        else None,
        "next_week": week_param(monday + timedelta(weeks=1)),
    }


def slot_list(request, location_slug, package_slug):
    location, package = get_offer(location_slug, package_slug)
    monday = parse_week(request.GET.get("vecka"))
    context = {"location": location, "package": package, **week_context(location, package, monday)}
    return render(request, "booking/slot_list.html", context)


def monday_of(slot):
    day = timezone.localtime(slot.start).date()
    return day - timedelta(days=day.weekday())


@require_http_methods(["GET", "POST"])
def details(request, location_slug, package_slug):
    location, package = get_offer(location_slug, package_slug)
    unavailable = False
    if request.method == "POST":
        earlier = Booking.objects.filter(request_token=form_token(request.POST))
        if earlier.exists():
            return redirect("booking:confirmation", token=earlier.get().token)
        form = BookingForm(request.POST, location=location, package=package)
        if form.is_valid():
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
                )
            except services.BookingError as error:
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
        form = BookingForm(location=location, package=package, initial={"slot": slot.pk})
        unavailable = not form.fields["slot"].queryset.filter(pk=slot.pk).exists()

    monday = monday_of(slot) if slot else parse_week(None)
    week = week_context(location, package, monday)
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
            "week_value": week_param(monday),
            **week,
        },
    )


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
        Booking.objects.select_related("slot__location", "package__treatment"), token=token
    )


def confirmation(request, token):
    booking = booking_by_token(token)
    return render(request, "booking/confirmation.html", {"booking": booking})


def manage(request, token):
    booking = booking_by_token(token)
    return render(
        request,
        "booking/manage.html",
        {"booking": booking, "can_change": booking.can_be_changed(), "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
def cancel(request, token):
    booking = booking_by_token(token)
    if request.method == "POST":
        try:
            services.cancel_booking(booking=booking)
        except services.BookingError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Din bokning är avbokad. Vi har skickat en bekräftelse.")
        return redirect("booking:manage", token=token)
    if not booking.can_be_changed():
        return redirect("booking:manage", token=token)
    return render(request, "booking/cancel.html", {"booking": booking})


@require_http_methods(["GET", "POST"])
def move(request, token):
    booking = booking_by_token(token)
    if not booking.can_be_changed():
        return redirect("booking:manage", token=token)
    location, package = booking.slot.location, booking.package
    error = None
    if request.method == "POST":
        new_slot = (
            Slot.objects.bookable(location=location, package=package)
            .filter(pk=_int(request.POST.get("slot")))
            .first()
        )
        if new_slot is None:
            error = "Den tiden går inte att välja längre. Välj en annan tid."
        else:
            try:
                services.move_booking(booking=booking, new_slot=new_slot)
            except services.BookingError as failure:
                error = failure.message
            else:
                messages.success(request, "Din tid är flyttad. Vi har skickat en ny bekräftelse.")
                return redirect("booking:manage", token=token)
    monday = parse_week(request.GET.get("vecka") or request.POST.get("vecka"))
    return render(
        request,
        "booking/move.html",
        {
            "booking": booking,
            "location": location,
            "package": package,
            "error": error,
            "week_value": week_param(monday),
            **week_context(location, package, monday),
        },
        status=409 if error else 200,
    )


@permission_required("booking.view_booking", login_url="admin:login")
def day_view(request, location_slug):
    location = get_object_or_404(Location, slug=location_slug)
    try:
        day = date.fromisoformat(request.GET.get("datum", ""))
    except ValueError:
        day = timezone.localdate()
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
