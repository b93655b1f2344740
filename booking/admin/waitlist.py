"""The waitlist and the offers made from it."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from clinic.admin_selection import DeclaredFiltersOnlyMixin, ValidSelectionMixin

from .. import waitlist
from ..errors import BookingError
from ..models import (
    Slot,
    WaitlistEntry,
    WaitlistOffer,
    Weekday,
)
from .dates import local


class WaitlistOfferInline(admin.TabularInline):
    model = WaitlistOffer
    extra = 0
    fields = ["slot", "status", "created_at", "expires_at", "closed_at", "made_by_staff"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class WaitlistEntryForm(forms.ModelForm):
    offer_slot = forms.ModelChoiceField(
        label="Erbjud en tid nu",
        queryset=Slot.objects.none(),
        required=False,
        help_text="Lediga tider på mottagningen, långa nog för behandlingen. "
        "Patienten får ett mejl och tiden hålls för hen.",
    )

    class Meta:
        model = WaitlistEntry
        fields = [
            "earliest_date",
            "latest_date",
            "weekdays",
            "time_of_day",
            "name",
            "email",
            "phone",
            "status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entry = self.instance
        if entry.pk:
            slots = Slot.objects.bookable(location=entry.location, package=entry.package)
            self.fields["offer_slot"].queryset = slots
            self.fields["offer_slot"].label_from_instance = lambda s: local(s.start)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(DeclaredFiltersOnlyMixin, ValidSelectionMixin, admin.ModelAdmin):
    form = WaitlistEntryForm
    list_display = [
        "created_at",
        "location",
        "package",
        "position",
        "name",
        "wishes",
        "confirmed",
        "status",
    ]
    list_filter = ["location", "package", "status"]
    search_fields = ["name", "email", "phone"]
    readonly_fields = ["location", "package", "created_at", "confirmed_at"]
    inlines = [WaitlistOfferInline]
    actions = ["remove"]

    def get_queryset(self, request):
        ahead = (
            WaitlistEntry.objects.waiting()
            .filter(
                location=OuterRef("location"),
                package=OuterRef("package"),
                created_at__lt=OuterRef("created_at"),
            )
            .values("location")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .select_related("location", "package")
            .annotate(ahead=Coalesce(Subquery(ahead), 0))
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description="Plats i kön", ordering="created_at")
    def position(self, entry):
        waiting = entry.status == WaitlistEntry.Status.WAITING and entry.confirmed_at
        return entry.ahead + 1 if waiting else "–"

    @admin.display(description="Önskemål")
    def wishes(self, entry):
        days = ", ".join(Weekday(int(d)).label[:3] for d in entry.weekdays) or "alla dagar"
        return (
            f"{entry.earliest_date:%Y-%m-%d}–{entry.latest_date:%Y-%m-%d}, {days}, "
            f"{entry.get_time_of_day_display().lower()}"
        )

    @admin.display(description="Bekräftad", boolean=True)
    def confirmed(self, entry):
        return entry.confirmed_at is not None

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        slot = form.cleaned_data.get("offer_slot")
        if slot:
            try:
                waitlist.make_offer(entry=obj, slot=slot, by_staff=True)
            except BookingError as error:
                messages.error(request, f"Tiden erbjöds inte: {error.message}")
            else:
                messages.success(request, f"{obj.name} har erbjudits tiden {local(slot.start)}.")

    @admin.action(description="Ta bort från väntelistan")
    def remove(self, request, queryset):
        for entry in queryset:
            waitlist.leave(entry=entry)
        self.message_user(request, "Markerade patienter står inte längre på väntelistan.")


@admin.register(WaitlistOffer)
class WaitlistOfferAdmin(DeclaredFiltersOnlyMixin, ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["created_at", "slot", "entry", "status", "expires_at", "made_by_staff"]
    list_filter = ["status", "slot__location"]
    list_select_related = ["slot__location", "entry__package", "entry__location"]
    search_fields = ["entry__name", "entry__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
