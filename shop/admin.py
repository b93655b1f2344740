from django.contrib import admin

from .models import PriceChange, ProblemSolution, Product, Treatment, TreatmentPackage
from .services import record_price_change


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
    fields = ["name", "slug", "price", "duration_minutes", "locations", "order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Treatment)
class TreatmentAdmin(admin.ModelAdmin):
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
class TreatmentPackageAdmin(PriceHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "treatment", "price", "duration_minutes", "offered_at", "is_active"]
    list_filter = ["treatment", "locations", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["locations"]
    inlines = [PriceChangeInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("treatment").prefetch_related("locations")
        )

    @admin.display(description="erbjuds på")
    def offered_at(self, obj):
        return ", ".join(location.city for location in obj.locations.all())


@admin.register(Product)
class ProductAdmin(PriceHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "price", "is_rental", "is_active"]
    list_filter = ["is_rental", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PriceChangeInline]


@admin.register(PriceChange)
class PriceChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "item", "old_price", "new_price", "changed_by"]
    list_filter = ["changed_at"]
    search_fields = ["package__name", "product__name", "changed_by__username"]
    list_select_related = ["package", "product", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
