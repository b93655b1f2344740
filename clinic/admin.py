from django.contrib import admin

from .models import ClinicSection, Location, Practitioner

admin.site.site_header = "Ortomed fotspecialister – administration"
admin.site.site_title = "Ortomed admin"
admin.site.index_title = "Administration"


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["city", "street_address", "landmark", "phone", "is_active", "order"]
    list_editable = ["order"]
    list_filter = ["is_active"]
    search_fields = ["city", "street_address"]
    prepopulated_fields = {"slug": ["city"]}


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["name", "title"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["locations"]


@admin.register(ClinicSection)
class ClinicSectionAdmin(admin.ModelAdmin):
    list_display = ["heading", "order", "is_published"]
    list_editable = ["order", "is_published"]
