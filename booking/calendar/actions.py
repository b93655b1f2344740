"""What reception does from the calendar: Kom/Uteblev, cancel, note, move, book for a
patient. Every write goes through booking.services."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from clinic.models import Location
from clinic.phones import format_national
from shop.models import TreatmentPackage

from .. import services
from ..errors import BookingError, ChangeNotAllowed
from ..models import Booking, Slot
from .forms import CalendarBookingForm, CancelForm, NoteForm
from .pages import ADD, CHANGE, day_url, visit_context, visit_or_404, when
from .queries import returning_patients


def back_to(request, booking):
    """Where an action returns: the calendar page it came from, else the visit's day."""
    target = request.POST.get("tillbaka", "")
    if target.startswith(reverse("booking:calendar-root")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(day_url(booking.slot.location, timezone.localdate(booking.slot.start)))


MARKS = {
    "kom": (Booking.Status.ATTENDED, "{name} {time}: markerad som Kom."),
    "uteblev": (Booking.Status.NO_SHOW, "{name} {time}: markerad som Uteblev."),
    "angra": (Booking.Status.BOOKED, "{name} {time}: tillbaka som bokad."),
}


@never_cache
@require_POST
@CHANGE
def visit_action(request, pk, action):
    booking = visit_or_404(pk)
    label = {"name": booking.name, "time": when(booking.slot.start)}
    try:
        if action in MARKS:
            status, done = MARKS[action]
            services.mark_visit(booking=booking, status=status)
            messages.success(request, done.format(**label))
        elif action == "avboka":
            form = CancelForm(request.POST)
            if not form.is_valid():
                return render(
                    request,
                    "booking/calendar/visit.html",
                    visit_context(request, booking, cancel_form=form),
                    status=400,
                )
            services.cancel_booking(
                booking=booking, by_staff=True, reason=form.cleaned_data["reason"]
            )
            messages.success(
                request,
                "{name} {time}: avbokad. ".format(**label)
                + (
                    "Patienten får ett mejl om att mottagningen har avbokat."
                    if booking.email
                    else "Patienten har ingen e-post: inget mejl skickades. Ring patienten."
                ),
            )
        elif action == "anteckning":
            form = NoteForm(request.POST)
            if not form.is_valid():
                return render(
                    request,
                    "booking/calendar/visit.html",
                    visit_context(request, booking, note_form=form),
                    status=400,
                )
            booking = services.set_note(booking=booking, note=form.cleaned_data["note"])
            done = "sparad" if booking.staff_note else "borttagen"
            messages.success(request, f"{label['name']} {label['time']}: anteckningen {done}.")
        else:
            raise Http404
    except ChangeNotAllowed:
        messages.error(request, f"{label['name']} ändrades inte: besöket är inte bokat längre.")
    except BookingError as error:
        messages.error(request, f"{label['name']} ändrades inte: {error.message}")
    return back_to(request, booking)


@never_cache
@require_POST
@CHANGE
def move(request, pk):
    booking = visit_or_404(pk)
    location = booking.slot.location
    new_slot = Slot.objects.filter(
        pk=request.POST.get("tid") if request.POST.get("tid", "").isdigit() else None,
        location=location,
    ).first()
    if new_slot is None:
        messages.error(request, "Välj en ledig tid i kalendern att flytta besöket till.")
        return redirect(day_url(location, timezone.localdate(booking.slot.start), flytta=pk))
    try:
        booking = services.move_booking(booking=booking, new_slot=new_slot, by_staff=True)
    except ChangeNotAllowed:
        messages.error(request, f"{booking.name} flyttades inte: besöket är inte bokat längre.")
    except BookingError as error:
        messages.error(request, f"{booking.name} flyttades inte: {error.message}")
        return redirect(day_url(location, timezone.localdate(new_slot.start), flytta=pk))
    else:
        mail = (
            "Patienten får ett mejl om den nya tiden."
            if booking.email
            else "Patienten har ingen e-post: inget mejl skickades. Ring patienten."
        )
        messages.success(
            request,
            f"{booking.name}: flyttad till {when(new_slot.start)} hos "
            f"{new_slot.practitioner}. {mail}",
        )
    return redirect(day_url(location, timezone.localdate(booking.slot.start)))


def prefill(request, patient_pk):
    """The form's first values from a returning patient's earlier booking (`?patient=<pk>`);
    none without one."""
    if not patient_pk.isdigit():
        return {}, None
    earlier = Booking.objects.filter(pk=patient_pk, anonymised_at__isnull=True).first()
    if earlier is None:
        return {}, None
    initial = {
        "name": earlier.name,
        "phone": format_national(earlier.phone),
        "email": earlier.email,
        "date_of_birth": earlier.date_of_birth,
    }
    if request.user.has_perm("booking.view_full_personnummer"):
        initial["personnummer"] = earlier.formatted_personnummer
    else:
        initial["earlier"] = earlier.pk
    return initial, earlier


@never_cache
@require_http_methods(["GET", "POST"])
@ADD
def book(request, location_slug):
    location = get_object_or_404(Location, slug=location_slug)
    tid = request.GET.get("tid", "")
    slot = (
        Slot.objects.select_related("practitioner")
        .filter(pk=tid if tid.isdigit() else None, location=location)
        .first()
    )
    if slot is None:
        messages.error(request, "Välj en ledig tid i kalendern först.")
        return redirect("booking:calendar-day", location_slug=location.slug)
    day = timezone.localdate(slot.start)
    packages = (
        TreatmentPackage.objects.active()
        .offered_at(location)
        .exclude(excluded_practitioners=slot.practitioner)
        .filter(duration_minutes__lte=slot.minutes)
        .order_by("duration_minutes", "name")
    )
    search = request.GET.get("sok", "")[:100]
    patients = returning_patients(search) if search.strip() else []
    for earlier in patients:
        earlier.national_phone = format_national(earlier.phone)
    initial, earlier = prefill(request, request.GET.get("patient", "").strip())
    status = 200
    if request.method == "POST":
        form = CalendarBookingForm(request.POST, packages=packages)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.book_slot(
                    slot=slot,
                    package=data["package"],
                    patient=services.Patient.from_form(data),
                    request_token=data["request_token"],
                    by_staff=True,
                )
            except BookingError as error:
                form.add_error(None, error.message)
                status = 409
            else:
                mail = (
                    f"Bekräftelsen skickas till {booking.email}."
                    if booking.email
                    else "Patienten har ingen e-post: ingen bekräftelse skickades."
                )
                messages.success(
                    request,
                    f"Bokat: {booking.name}, {booking.package.name} {when(booking.slot.start)} "
                    f"hos {booking.practitioner}. {mail}",
                )
                return redirect(day_url(location, day))
        else:
            status = 400
    else:
        form = CalendarBookingForm(initial=initial, packages=packages)
    return render(
        request,
        "booking/calendar/book.html",
        {
            "location": location,
            "slot": slot,
            "day": day,
            "form": form,
            "search": search,
            "patients": patients,
            "earlier": earlier,
            "back": day_url(location, day),
        },
        status=status,
    )
