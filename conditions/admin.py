from django.contrib import admin
from django.utils.formats import date_format

from clinic.admin_selection import ValidSelectionMixin

from .models import (
    Condition,
    ProductRecommendation,
    ReaderQuestion,
    Reference,
    Section,
    Symptom,
    Synonym,
    TreatmentRecommendation,
)


class OrderedInline(admin.StackedInline):
    extra = 0


class ReaderQuestionInline(admin.TabularInline):
    model = ReaderQuestion
    extra = 0


class SymptomInline(admin.TabularInline):
    model = Symptom
    extra = 0


class SectionInline(OrderedInline):
    model = Section
    prepopulated_fields = {"anchor": ["heading"]}


class SynonymInline(admin.TabularInline):
    model = Synonym
    extra = 0


class ReferenceInline(OrderedInline):
    model = Reference
    fields = [
        ("authors", "year"),
        "title",
        ("journal", "volume", "issue", "pages", "published_on"),
        ("doi", "order"),
    ]


class TreatmentRecommendationInline(OrderedInline):
    model = TreatmentRecommendation
    autocomplete_fields = ["treatment"]


class ProductRecommendationInline(OrderedInline):
    model = ProductRecommendation
    autocomplete_fields = ["product"]


class ReviewDueFilter(admin.SimpleListFilter):
    title = "granskning"
    parameter_name = "granskning"

    def lookups(self, request, model_admin):
        return [("forsenad", "Försenad"), ("i-tid", "I tid")]

    def queryset(self, request, queryset):
        if self.value() not in {"forsenad", "i-tid"}:
            return queryset
        # The interval is in months, per article: decided in Python (a handful of articles).
        overdue = [
            c.pk
            for c in queryset.only("last_reviewed", "review_interval_months")
            if c.review_is_overdue
        ]
        if self.value() == "forsenad":
            return queryset.filter(pk__in=overdue)
        return queryset.exclude(pk__in=overdue)


@admin.register(Condition)
class ConditionAdmin(ValidSelectionMixin, admin.ModelAdmin):
    list_display = ["title", "is_published", "last_reviewed", "next_review_display", "author"]
    list_filter = ["is_published", ReviewDueFilter]
    search_fields = ["title", "synonyms__name"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["author"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "is_published", "kicker", "subtitle", "tagline"]}),
        ("Inledning", {"fields": ["lead", "invitation", "symptoms_heading"]}),
        (
            "Åtgärder",
            {
                "fields": [
                    "treatments_heading",
                    "treatments_intro",
                    "treatments_lead",
                    "products_lead",
                    "products_detail_lead",
                ]
            },
        ),
        (
            "Författare och datum",
            {"fields": ["author", "published", "last_reviewed", "review_interval_months"]},
        ),
        ("Sökmotorer", {"fields": ["meta_description"]}),
        ("Redaktionellt (visas aldrig på webbplatsen)", {"fields": ["editorial_note"]}),
    ]
    inlines = [
        ReaderQuestionInline,
        SymptomInline,
        SectionInline,
        SynonymInline,
        TreatmentRecommendationInline,
        ProductRecommendationInline,
        ReferenceInline,
    ]

    @admin.display(description="Nästa granskning", ordering="last_reviewed")
    def next_review_display(self, obj):
        day = date_format(obj.next_review, "j F Y")
        return f"{day} – försenad" if obj.review_is_overdue else day
