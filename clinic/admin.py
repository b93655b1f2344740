from django.contrib import admin

from .admin_selection import ValidSelectionMixin
from .models import (
    ClinicSection,
    Company,
    InfoPage,
    Location,
    OpeningException,
    OpeningHours,
    OutboxEmail,
    Practitioner,
)

admin.site.site_header = "Ortomed fotspecialister – administration"
admin.site.site_title = "Ortomed admin"
admin.site.index_title = "Administration"


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


@admin.register(Location)
class LocationAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["city", "street_address", "landmark", "phone", "email", "is_active", "order"]
    list_editable = ["order"]
    list_filter = ["is_active"]
    search_fields = ["city", "street_address"]
    prepopulated_fields = {"slug": ["city"]}
    fields = [
        ("city", "slug"),
        "name",
        ("street_address", "postal_code"),
        "landmark",
        ("phone", "email"),
        "directions",
        "opening_hours",
        ("order", "is_active"),
    ]
    inlines = [OpeningHoursInline, OpeningExceptionInline]


@admin.register(Company)
class CompanyAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["__str__", "org_number", "city"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Company.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InfoPage)
class InfoPageAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Practitioner)
class PractitionerAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["person", "title", "is_active"]
    list_filter = ["is_active", "locations"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["locations", "excluded_packages"]

    @admin.display(description="namn", ordering="name")
    def person(self, practitioner):
        return practitioner.display_name


@admin.register(ClinicSection)
class ClinicSectionAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["heading", "order", "is_published"]
    list_editable = ["order", "is_published"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["created_at", "subject", "sent_at", "attempts"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]
    exclude = ["body", "html_body", "attachments"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
