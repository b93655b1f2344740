"""Reception's calendar pages: the day, the week and a visit (reads only)."""

from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache

from clinic.models import Location, Practitioner
from clinic.phones import format_national

from ..models import Booking
from ..weeks import parse_day, week_param
from .forms import CancelForm, NoteForm
from .queries import calendar_days

VIEW = permission_required("booking.view_booking", login_url="admin:login")
CHANGE = permission_required("booking.change_booking", login_url="admin:login")
ADD = permission_required("booking.add_booking", login_url="admin:login")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def when(moment):
    """ "tisdag 8 december kl. 10:00" """
    return date_format(timezone.localtime(moment), "l j F \\k\\l. H:i")


def day_url(location, day, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items() if value)
    url = f"{reverse('booking:calendar-day', args=[location.slug])}?datum={day:%Y-%m-%d}"
    return f"{url}&{query}" if query else url


def asked_day(request):
    """The date in ?datum=YYYY-MM-DD, or today (with a message when it could not be read)."""
    value = request.GET.get("datum", "").strip()
    if value:
        if day := parse_day(value):
            return day
        messages.error(request, "Datumet kunde inte läsas. Dagens kalender visas i stället.")
    return timezone.localdate()


def asked_monday(request):
    """The Monday of ?vecka=2026-W49 (or of ?datum=), else this week's."""
    value = request.GET.get("vecka", "").strip()
    if value:
        try:
            year, week = value.split("-W")
            monday = date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            monday = None
        if monday is not None and FIRST_DAY <= monday <= LAST_DAY:
            return monday
        messages.error(request, "Veckan kunde inte läsas. Den här veckan visas i stället.")
        day = timezone.localdate()
    else:
        day = asked_day(request)
    return day - timedelta(days=day.weekday())


def practitioners_to_choose(location, days):
    """The location's practitioners and anyone with a column in the days shown, by name."""
    people = {
        p.pk: p
        for p in Practitioner.objects.filter(
            Q(locations=location) | Q(schedules__location=location), is_active=True
        ).distinct()
    }
    for day in days:
        for column in day.columns:
            people.setdefault(column.practitioner.pk, column.practitioner)
    return sorted(people.values(), key=lambda p: (p.name, p.pk))


def asked_practitioner(request, location):
    slug = request.GET.get("fotspecialist", "").strip()
    if not slug:
        return None
    practitioner = Practitioner.objects.filter(slug=slug).first()
    if practitioner is None:
        messages.error(request, "Fotspecialisten finns inte. Alla visas i stället.")
    return practitioner


def keep(*, practitioner=None, moving=None):
    """What the calendar's links carry on: the practitioner shown, the visit being moved."""
    params = {"fotspecialist": practitioner and practitioner.slug, "flytta": moving and moving.pk}
    chosen = {key: value for key, value in params.items() if value}
    return f"&{urlencode(chosen)}" if chosen else ""


def common_context(request, location, practitioner, days):
    return {
        "location": location,
        "locations": Location.objects.active(),
        "practitioner": practitioner,
        "practitioners": practitioners_to_choose(location, days),
        "today": timezone.localdate(),
        "can_add": request.user.has_perm("booking.add_booking"),
        "can_change": request.user.has_perm("booking.change_booking"),
        "now": timezone.now(),
    }


@never_cache
@VIEW
def root(request):
    location = Location.objects.active().first()
    if location is None:
        raise Http404
    return redirect("booking:calendar-day", location_slug=location.slug)


@never_cache
@VIEW
def day_view(request, location_slug):
    location = get_object_or_404(Location, slug=location_slug)
    day = asked_day(request)
    practitioner = asked_practitioner(request, location)
    moving = None
    if "flytta" in request.GET:
        moving = (
            Booking.objects.select_related("package", "reservation", "slot")
            .filter(
                pk=request.GET["flytta"] if request.GET["flytta"].isdigit() else None,
                slot__location=location,
                status=Booking.Status.BOOKED,
            )
            .first()
        )
        if moving is None:
            messages.error(request, "Besöket kan inte flyttas: det finns inte eller är inte bokat.")
    frame, days = calendar_days(
        location=location, days=[day], practitioner=practitioner, moving=moving
    )
    return render(
        request,
        "booking/calendar/day.html",
        {
            **common_context(request, location, practitioner, days),
            "day": day,
            "frame": frame,
            "calendar": days[0],
            "moving": moving,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "keep": keep(practitioner=practitioner, moving=moving),
            "grid_minutes": settings.BOOKING_GRID_MINUTES,
            "lead_minutes": settings.BOOKING_LEAD_MINUTES,
        },
    )


@never_cache
@VIEW
def week_view(request, location_slug):
    location = get_object_or_404(Location, slug=location_slug)
    monday = asked_monday(request)
    practitioner = asked_practitioner(request, location)
    frame, days = calendar_days(
        location=location,
        days=[monday + timedelta(days=n) for n in range(7)],
        practitioner=practitioner,
        merge_free=True,
    )
    days = [d for d in days if d.day.weekday() < 5 or d.columns]
    with_columns = [d for d in days if d.columns]
    if with_columns:
        with_columns[0].axis = True
    return render(
        request,
        "booking/calendar/week.html",
        {
            **common_context(request, location, practitioner, days),
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "frame": frame,
            "days": days,
            "day": monday,
            "previous_week": week_param(monday - timedelta(weeks=1)),
            "next_week": week_param(monday + timedelta(weeks=1)),
            "keep": keep(practitioner=practitioner),
            "this_week": week_param(
                timezone.localdate() - timedelta(days=timezone.localdate().weekday())
            ),
        },
    )


def visit_or_404(pk):
    return get_object_or_404(
        Booking.objects.select_related("slot__location", "package", "reservation__practitioner"),
        pk=pk,
    )


def visit_context(request, booking, **forms):
    now = timezone.now()
    started = booking.slot.start <= now
    same_day = timezone.localdate(booking.slot.start) == timezone.localdate(now)
    return {
        "booking": booking,
        "location": booking.slot.location,
        "phone": format_national(booking.phone),
        "identity": booking.formatted_personnummer or booking.date_of_birth
        if request.user.has_perm("booking.view_full_personnummer")
        else booking.masked_personnummer,
        "can_mark": booking.status == Booking.Status.BOOKED and started,
        "can_undo": booking.status != Booking.Status.BOOKED and booking.is_active and same_day,
        "can_change": request.user.has_perm("booking.change_booking"),
        "back": day_url(booking.slot.location, timezone.localdate(booking.slot.start)),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "note_form": forms.get("note_form") or NoteForm(initial={"note": booking.staff_note}),
    }


@never_cache
@VIEW
def visit(request, pk):
    booking = visit_or_404(pk)
    return render(request, "booking/calendar/visit.html", visit_context(request, booking))
