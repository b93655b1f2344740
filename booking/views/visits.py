"""A booked visit: its confirmation, the patient's own page to cancel or move it, the day list."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.models import Location
from clinic.throttle import rate_limit

from .. import services
from ..errors import BookingError
from ..models import Booking, Slot
from ..weeks import parse_day, week_param
from .times import _int, requested_week, week_context


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
        if asked := parse_day(request.GET["datum"]):
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
