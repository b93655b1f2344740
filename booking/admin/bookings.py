"""Bookings as reception works them: the list, the staff booking form, Kom/Uteblev."""

import csv

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html

from clinic.admin_selection import DeclaredFiltersOnlyMixin, ValidSelectionMixin
from clinic.models import Location
from clinic.patients import PatientDetailsMixin
from clinic.phones import format_national

from .. import services
from ..errors import BookingError
from ..models import (
    Booking,
)
from .dates import local
from .lists import StatusFilter, VisitDayFilter, exact_matches, upcoming_first
from .slots import chosen_location, limit_slot_field


class StaffBookingForm(PatientDetailsMixin, forms.ModelForm):
    """Booking on a patient's behalf: validated like the patient's own form."""

    # As typed ("19850709-9805", "070-123 45 67"): longer than the stored, normalised value.
    phone = forms.CharField(label="Mobiltelefon", max_length=30)
    email = forms.EmailField(
        label="E-post",
        max_length=254,
        required=False,
        help_text="Valfritt. Utan e-post skickas ingen bekräftelse eller påminnelse.",
    )
    personnummer = forms.CharField(
        label="Personnummer",
        max_length=20,
        required=False,
        help_text="Saknar patienten svenskt personnummer: lämna tomt och fyll i födelsedatum.",
    )
    cancel_visit = forms.BooleanField(
        label="Avboka besöket",
        required=False,
        help_text="Patienten får ett mejl om att mottagningen har avbokat, med orsaken nedan "
        "om du skriver en, och en länk för att boka en ny tid.",
    )

    class Meta:
        model = Booking
        fields = [
            "slot",
            "package",
            "name",
            "email",
            "phone",
            "personnummer",
            "date_of_birth",
            "message",
        ]

    # Set by BookingAdmin.get_form from the address (?mottagning=...): its times only.
    location = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slot" in self.fields:
            if self.instance.pk:  # a move stays at the visit's location
                current = self.instance.slot
                limit_slot_field(self.fields["slot"], location=current.location, current=current)
            else:
                limit_slot_field(self.fields["slot"], location=self.location)

    def identity_required(self):
        """A new booking asks who the patient is; a move keeps the stored identity."""
        return not self.instance.pk and super().identity_required()

    # Set by BookingAdmin.get_form when the booking service refused a valid form.
    booking_failure = None

    def clean(self):
        cleaned = super().clean()
        if self.booking_failure:
            self.add_error("slot" if "slot" in self.fields else None, self.booking_failure)
        slot, package = cleaned.get("slot"), cleaned.get("package")
        if slot and package and (not self.instance.pk or slot.pk != self.instance.slot_id):
            try:
                services.check_bookable(slot=slot, package=package)
            except BookingError as error:
                self.add_error("slot", error.message)
        return cleaned


DONE_AS = {
    Booking.Status.ATTENDED: "markerade som genomförda (Kom)",
    Booking.Status.NO_SHOW: "markerade som uteblivna",
    Booking.Status.BOOKED: "tillbaka som bokade",
}


EXPORT_COLUMNS = [
    "Datum",
    "Start",
    "Slut",
    "Mottagning",
    "Fotspecialist",
    "Behandling",
    "Status",
    "Namn",
    "Telefon",
    "E-post",
    "Personnummer",
    "Pris (kr)",
]


def as_text(value):
    """A cell a spreadsheet shows as text, never runs as a formula (a name typed "=1+1")."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class BookingActionForm(ActionForm):
    """The list's action bar, with the reason the patient reads when the clinic cancels."""

    reason = forms.CharField(
        label="Orsak till patienten (valfritt)",
        max_length=500,
        required=False,
        help_text="Skickas i mejlet när du avbokar markerade bokningar.",
    )


@admin.register(Booking)
class BookingAdmin(DeclaredFiltersOnlyMixin, ValidSelectionMixin, admin.ModelAdmin):
    form = StaffBookingForm
    action_form = BookingActionForm
    # Narrow enough for 1280 px without sideways scrolling: the location shares the visit's
    # cell, personnummer and phone the patient's; the e-mail is searchable instead.
    list_display = ["visit", "package", "patient", "status"]
    list_filter = ["slot__location", StatusFilter, VisitDayFilter, "package"]
    search_fields = ["name", "email", "phone"]
    date_hierarchy = "slot__start"
    actions = ["cancel", "mark_attended", "mark_no_show", "mark_booked", "export_csv"]
    change_list_template = "admin/booking/booking/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("slot__location", "package")

    def get_ordering(self, request):
        return upcoming_first()

    def get_search_results(self, request, queryset, search_term):
        """Also a phone or personnummer in any format ("070-123 45 67", "850709-9805"),
        matched exactly as the patient forms store it (never a part of a personnummer)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        exact = exact_matches(search_term.strip()) if search_term.strip() else None
        if exact:
            results |= queryset.filter(exact)
        return results, may_have_duplicates

    def get_fields(self, request, obj=None):
        if obj is None:
            return StaffBookingForm.Meta.fields
        fields = [
            "slot",
            "package",
            "status",
            "cancel_visit",
            "name",
            "email",
            "phone",
            "identity",
            "message",
            "price",
            "created_at",
            "booked_by_staff",
            "cancelled_at",
            "cancelled_by_clinic",
            "cancel_reason",
            "reminder_sent_at",
            "manage_link",
        ]
        if obj.status != Booking.Status.BOOKED:
            fields.remove("cancel_visit")
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = [
            "package",
            "status",
            "identity",
            "price",
            "created_at",
            "booked_by_staff",
            "cancelled_at",
            "cancelled_by_clinic",
            "reminder_sent_at",
            "manage_link",
        ]
        if obj.status != Booking.Status.BOOKED:
            readonly += ["slot", "cancel_reason"]
        return readonly

    @admin.display(description="Besök", ordering="slot__start")
    def visit(self, booking):
        return format_html("{}<br>{}", local(booking.slot.start), booking.slot.location)

    @admin.display(description="Patient", ordering="name")
    def patient(self, booking):
        return format_html(
            "{}<br>{}<br>{}",
            booking.name,
            booking.masked_personnummer,
            format_national(booking.phone),
        )

    @admin.display(description="Personnummer / födelsedatum")
    def identity(self, booking):
        if getattr(booking, "show_full_identity", False):
            if booking.personnummer:
                return booking.formatted_personnummer
            return booking.date_of_birth or ""
        return booking.masked_personnummer

    @admin.display(description="Patientens länk")
    def manage_link(self, booking):
        return f"{settings.SITE_URL}{booking.get_absolute_url()}" if booking.token else ""

    def get_object(self, request, object_id, from_field=None):
        booking = super().get_object(request, object_id, from_field)
        if booking is not None:
            # Per request, on the object: the admin instance is shared between threads.
            booking.show_full_identity = request.user.has_perm("booking.view_full_personnummer")
        return booking

    def save_model(self, request, obj, form, change):
        try:
            if not change:
                booking = services.book_slot(
                    slot=form.cleaned_data["slot"],
                    package=form.cleaned_data["package"],
                    patient=services.Patient.from_form(form.cleaned_data),
                    by_staff=True,
                )
                obj.pk, obj._state.adding = booking.pk, False
                if not booking.email:
                    messages.warning(
                        request, "Patienten har ingen e-post: ingen bekräftelse skickades."
                    )
                return
            reason = form.cleaned_data.get("cancel_reason", "")
            if form.cleaned_data.get("cancel_visit"):
                services.cancel_booking(booking=obj, by_staff=True, reason=reason)
            elif "slot" in form.changed_data:
                services.move_booking(
                    booking=obj,
                    new_slot=form.cleaned_data["slot"],
                    by_staff=True,
                    reason=reason,
                )
            details = [f for f in ["name", "email", "phone", "message"] if f in form.changed_data]
            if details:
                Booking.objects.filter(pk=obj.pk).update(
                    **{field: getattr(obj, field) for field in details}
                )
        except BookingError as error:
            request.booking_failed = error.message

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        chosen = {
            "booking_failure": getattr(request, "booking_failed", None),
            "location": chosen_location(request),
        }
        return type(form.__name__, (form,), chosen)

    def log_addition(self, request, obj, message):
        if not getattr(request, "booking_failed", None):
            super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not getattr(request, "booking_failed", None):
            super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "booking_failed", None):
            # The form again, with what was typed and the service's reason on the time field.
            return self.changeform_view(request, None)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "booking_failed", None):
            return self.changeform_view(request, str(obj.pk))
        return super().response_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Bookings are cancelled, not deleted: the clinic keeps its counts.
        return request.user.is_superuser

    @admin.action(description="Avboka markerade (patienten får e-post)")
    def cancel(self, request, queryset):
        reason = request.POST.get("reason", "")[:500]
        for booking in queryset.filter(status=Booking.Status.BOOKED):
            services.cancel_booking(booking=booking, by_staff=True, reason=reason)
        self.message_user(request, "Markerade bokningar är avbokade.", messages.SUCCESS)

    @admin.action(description="Kom (markera som genomförda)")
    def mark_attended(self, request, queryset):
        self.mark(request, queryset, Booking.Status.ATTENDED)

    @admin.action(description="Uteblev (markera som uteblivna)")
    def mark_no_show(self, request, queryset):
        self.mark(request, queryset, Booking.Status.NO_SHOW)

    @admin.action(description="Ångra Kom/Uteblev (tillbaka till bokad, samma dag)")
    def mark_booked(self, request, queryset):
        self.mark(request, queryset, Booking.Status.BOOKED)

    @admin.action(description="Exportera markerade som CSV (öppnas i Excel)")
    def export_csv(self, request, queryset):
        """The selected visits as a spreadsheet, soonest first: times in Stockholm time, the
        personnummer whole only for staff who may see it."""
        full = request.user.has_perm("booking.view_full_personnummer")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="bokningar.csv"'
        response.write("\ufeff")  # a byte order mark: Excel reads the file as UTF-8
        writer = csv.writer(response, delimiter=";")  # Swedish Excel separates with ;
        writer.writerow(EXPORT_COLUMNS)
        visits = queryset.select_related(
            "slot__location", "package", "reservation__practitioner"
        ).order_by("reservation__start")
        for booking in visits:
            start, end = timezone.localtime(booking.start), timezone.localtime(booking.end)
            writer.writerow(
                [
                    f"{start:%Y-%m-%d}",
                    f"{start:%H:%M}",
                    f"{end:%H:%M}",
                    booking.slot.location.city,
                    booking.practitioner.display_name,
                    booking.package.name,
                    booking.get_status_display(),
                    as_text(booking.name),
                    format_national(booking.phone) if booking.phone else "",
                    as_text(booking.email),
                    booking.formatted_personnummer if full else booking.masked_personnummer,
                    booking.price,
                ]
            )
        return response

    def mark(self, request, queryset, status):
        """One service call per visit; the message says what was done and what was skipped."""
        done, skipped = 0, []
        for booking in queryset.select_related("slot"):
            try:
                services.mark_visit(booking=booking, status=status)
            except BookingError as error:
                skipped.append(f"{booking.name} {local(booking.slot.start)} ({error.message})")
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} besök {DONE_AS[status]}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, "Inte ändrade: " + "; ".join(skipped) + ".", messages.WARNING
            )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "day_locations": Location.objects.active()}
        return super().changelist_view(request, extra_context)
