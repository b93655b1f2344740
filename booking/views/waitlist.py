"""The waitlist pages and the offers made from it."""

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic.net import counted_address
from clinic.throttle import rate_limit

from .. import services, waitlist, waitlist_signup
from ..errors import BookingError
from ..forms import WaitlistForm
from ..models import WaitlistEntry, WaitlistOffer
from ..weeks import (
    week_param,
)
from .times import get_offer, monday_of, practitioners_for

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
                patient=services.Patient.from_form(data),
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
@rate_limit("manage")
@require_http_methods(["GET", "POST"])
def waitlist_confirm(request, token):
    """The link in the sign-up e-mail. Opening it changes nothing, since mail scanners open
    links too: the patient confirms with the page's button."""
    entry = entry_by_token(token)
    if request.method == "POST":
        if entry.status == WaitlistEntry.Status.WAITING:
            waitlist_signup.confirm(entry=entry)
        return redirect("booking:waitlist-confirm", token=token)
    if entry.status == WaitlistEntry.Status.WAITING and entry.confirmed_at is None:
        return render(request, "booking/waitlist_confirm.html", {"entry": entry})
    return render(
        request,
        "booking/waitlist_entry.html",
        {"entry": entry, "confirmed": True, "free_slots": free_slots_of(entry)},
    )


@never_cache  # patient data: no browser or proxy keeps a copy
@rate_limit("manage")
@require_http_methods(["GET", "POST"])
def waitlist_change(request, token):
    """The link in the change e-mail: the page shows the change, and its button makes it."""
    if request.method == "POST":
        if entry := waitlist_signup.confirm_change(change_token=token):
            context = {"entry": entry, "changed": True, "free_slots": free_slots_of(entry)}
            return render(request, "booking/waitlist_entry.html", context)
    elif waiting := waitlist_signup.pending_change(token):
        entry, changed = waiting
        return render(
            request, "booking/waitlist_confirm.html", {"entry": entry, "changed": changed}
        )
    return render(request, "booking/waitlist_change_gone.html", status=404)


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
            booking = services.accept_offer(offer=offer)
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
