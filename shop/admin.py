from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from clinic.admin_selection import DeclaredFiltersOnlyMixin, ValidSelectionMixin

from .models import (
    Enquiry,
    Order,
    OrderLine,
    PriceChange,
    ProblemSolution,
    Product,
    Rental,
    RentalUnit,
    Treatment,
    TreatmentPackage,
)
from .services import (
    StatusChangeNotAllowed,
    allowed_statuses,
    change_order_status,
    change_rental_status,
    record_price_change,
)


class PriceHistoryMixin:
    """Records who changed a price, when, from what and to what."""

    def save_model(self, request, obj, form, change):
        old_price = form.initial.get("price") if change else None
        super().save_model(request, obj, form, change)
        if "price" in form.changed_data:
            record_price_change(item=obj, old_price=old_price, user=request.user)


class ProblemSolutionInline(admin.TabularInline):
    model = ProblemSolution
    extra = 0


class TreatmentPackageInline(admin.TabularInline):
    model = TreatmentPackage
    extra = 0
    fields = [
        "name",
        "slug",
        "price",
        "duration_minutes",
        "locations",
        "leads_to_return_visit",
        "recall_weeks",
        "order",
        "is_active",
    ]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Treatment)
class TreatmentAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["name", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProblemSolutionInline, TreatmentPackageInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not TreatmentPackage:
            return super().save_formset(request, form, formset, change)
        changed = [
            (f.instance, f.initial.get("price") if f.instance.pk else None)
            for f in formset.forms
            if f.has_changed() and "price" in f.changed_data
        ]
        super().save_formset(request, form, formset, change)
        for package, old_price in changed:
            if package.pk:
                record_price_change(item=package, old_price=old_price, user=request.user)


class PriceChangeInline(admin.TabularInline):
    model = PriceChange
    extra = 0
    fields = ["changed_at", "changed_by", "old_price", "new_price"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(TreatmentPackage)
class TreatmentPackageAdmin(ValidSelectionMixin, PriceHistoryMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "treatment",
        "price",
        "duration_minutes",
        "offered_at",
        "leads_to_return_visit",
        "is_active",
    ]
    list_filter = ["treatment", "locations", "leads_to_return_visit", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["locations"]
    inlines = [PriceChangeInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("treatment").prefetch_related("locations")
        )

    @admin.display(description="Erbjuds på")
    def offered_at(self, obj):
        return ", ".join(location.city for location in obj.locations.all())


@admin.register(Product)
class ProductAdmin(ValidSelectionMixin, PriceHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "price", "stock", "is_rental", "is_active"]
    list_filter = ["is_rental", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PriceChangeInline]

    def get_inlines(self, request, obj):
        # Rental products list their units (the home lasers the clinic owns).
        if obj is not None and obj.is_rental:
            return [RentalUnitInline, PriceChangeInline]
        return [PriceChangeInline]


@admin.register(PriceChange)
class PriceChangeAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["changed_at", "item", "old_price", "new_price", "changed_by"]
    list_filter = ["changed_at"]
    search_fields = ["package__name", "product__name", "changed_by__username"]
    list_select_related = ["package", "product", "changed_by"]

    @admin.display(description="Behandlingspaket eller produkt")
    def item(self, change):
        return change.item

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- The shop: units, orders, rentals, enquiries --------------------------------------------


class RentalUnitInline(admin.TabularInline):
    model = RentalUnit
    extra = 0
    fields = ["name", "serial_number", "is_active", "note"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ["product_name", "unit_price", "quantity", "weeks", "line_total", "from_stock"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class RentalInline(admin.TabularInline):
    model = Rental
    extra = 0
    fields = ["unit", "start_date", "end_date", "status", "returned_on"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit")


class OrderAdminForm(forms.ModelForm):
    """The status offers only the next steps of the order's flow."""

    class Meta:
        model = Order
        fields = [
            "status",
            "staff_note",
            "name",
            "email",
            "phone",
            "delivery_method",
            "pickup_location",
            "address",
            "postal_code",
            "city",
            "payment_status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "status" in self.fields:
            allowed = allowed_statuses(self.instance)
            self.fields["status"].choices = [
                (value, label) for value, label in Order.Status.choices if value in allowed
            ]
            self.fields[
                "status"
            ].help_text = (
                "Avbryter du ordern läggs varorna tillbaka i lager och hyrenheten blir ledig."
            )


def _status_action(status, description):
    def action(modeladmin, request, queryset):
        changed = 0
        for order in queryset:
            try:
                change_order_status(order=order, status=status)
            except StatusChangeNotAllowed as error:
                modeladmin.message_user(request, error.message, messages.WARNING)
            else:
                changed += 1
        if changed:
            modeladmin.message_user(
                request, f"{changed} beställning(ar): {Order.Status(status).label.lower()}."
            )

    action.__name__ = f"mark_{status}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Order)
class OrderAdmin(DeclaredFiltersOnlyMixin, ValidSelectionMixin, admin.ModelAdmin):
    form = OrderAdminForm
    list_display = [
        "number",
        "created_at",
        "name",
        "delivery_method",
        "pickup_location",
        "status",
        "payment_method",
        "payment_status",
        "total",
    ]
    list_filter = ["status", "delivery_method", "pickup_location", "payment_status", "created_at"]
    search_fields = ["number", "name", "email", "phone"]
    date_hierarchy = "created_at"
    list_select_related = ["pickup_location"]
    inlines = [OrderLineInline, RentalInline]
    readonly_fields = [
        "number",
        "created_at",
        "updated_at",
        "expected_date",
        "payment_method",
        "total",
        "vat_amount",
        "message",
        "confirmation_link",
    ]
    fieldsets = [
        (None, {"fields": ["number", "status", "created_at", "updated_at", "staff_note"]}),
        ("Kund", {"fields": ["name", "email", "phone", "message"]}),
        (
            "Leverans",
            {
                "fields": [
                    "delivery_method",
                    "pickup_location",
                    "address",
                    "postal_code",
                    "city",
                    "expected_date",
                ]
            },
        ),
        (
            "Betalning",
            {"fields": ["payment_method", "payment_status", "total", "vat_amount"]},
        ),
        ("Kundens sida", {"fields": ["confirmation_link"]}),
    ]
    actions = [
        _status_action(Order.Status.CONFIRMED, "Markera som bekräftade"),
        _status_action(Order.Status.SHIPPED, "Markera som skickade"),
        _status_action(Order.Status.READY_FOR_PICKUP, "Markera som klara att hämta"),
        _status_action(Order.Status.COLLECTED, "Markera som hämtade"),
        _status_action(
            Order.Status.CANCELLED, "Avbryt (lägger tillbaka i lager, frigör hyrenheter)"
        ),
    ]

    def has_add_permission(self, request):
        return False  # orders come from the checkout, with its checks and locks

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: that returns the stock and frees the units

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status in (Order.Status.CANCELLED, Order.Status.LAPSED):
            fields.append("status")
        return fields

    @admin.display(description="Orderbekräftelse")
    def confirmation_link(self, obj):
        return format_html(
            '<a href="{}">Öppna kundens orderbekräftelse</a>', obj.get_absolute_url()
        )

    def save_model(self, request, obj, form, change):
        # The status moves only through the service, which returns stock and frees units.
        new_status = obj.status
        if change and "status" in form.changed_data:
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if change and new_status != obj.status:
            try:
                change_order_status(order=obj, status=new_status)
            except StatusChangeNotAllowed as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                obj.status = new_status


def _rental_action(status, description):
    def action(modeladmin, request, queryset):
        for rental in queryset:
            try:
                change_rental_status(rental=rental, status=status)
            except StatusChangeNotAllowed as error:
                modeladmin.message_user(request, error.message, messages.WARNING)

    action.__name__ = f"mark_rental_{status}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Rental)
class RentalAdmin(DeclaredFiltersOnlyMixin, ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["unit", "order", "start_date", "end_date", "status", "returned_on"]
    list_filter = ["status", "unit", "start_date"]
    search_fields = ["order__number", "order__name", "unit__name"]
    list_select_related = ["unit", "order"]
    date_hierarchy = "start_date"
    fields = ["order", "unit", "start_date", "end_date", "status", "returned_on"]
    readonly_fields = ["order", "status", "returned_on"]
    actions = [
        _rental_action(Rental.Status.OUT, "Markera som utlämnade till patienten"),
        _rental_action(Rental.Status.RETURNED, "Markera som återlämnade i dag"),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RentalUnit)
class RentalUnitAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["name", "product", "serial_number", "is_active"]
    list_filter = ["product", "is_active"]
    search_fields = ["name", "serial_number"]
    list_select_related = ["product"]


@admin.register(Enquiry)
class EnquiryAdmin(DeclaredFiltersOnlyMixin, ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["created_at", "product", "name", "email", "is_handled"]
    list_filter = ["is_handled", "product", "created_at"]
    search_fields = ["name", "email", "message"]
    list_select_related = ["product"]
    fields = [
        "product",
        "name",
        "email",
        "phone",
        "message",
        "created_at",
        "is_handled",
        "staff_note",
    ]
    readonly_fields = ["product", "name", "email", "phone", "message", "created_at"]

    def has_add_permission(self, request):
        return False
