"""Condition articles: every part of an article is a field or an ordered list staff can edit."""

import calendar
from datetime import date

from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from clinic.models import Practitioner
from shop.models import Product, Treatment


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day where it is shorter (31 Jan + 1)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class ConditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_article(self):
        """Everything the article page shows, in a fixed number of queries."""
        return self.select_related("author").prefetch_related(
            "reader_questions",
            "symptoms",
            "sections",
            "synonyms",
            "references",
            Prefetch(
                "treatment_recommendations",
                queryset=TreatmentRecommendation.objects.filter(
                    treatment__is_active=True
                ).select_related("treatment"),
            ),
            Prefetch(
                "product_recommendations",
                queryset=ProductRecommendation.objects.filter(
                    product__is_active=True
                ).select_related("product"),
            ),
        )


class Condition(models.Model):
    title = models.CharField("namn", max_length=120)
    slug = models.SlugField("slug", max_length=120, unique=True)
    subtitle = models.CharField("underrubrik", max_length=200, blank=True)
    tagline = models.CharField(
        "ingress", max_length=200, blank=True, help_text="”I denna artikel får du …”"
    )
    kicker = models.CharField(
        "överrubrik", max_length=120, blank=True, help_text="”Fotexperter i Stockholm och Göteborg”"
    )
    lead = models.TextField("inledning", help_text="Markdown.")
    invitation = models.TextField(
        "uppmaning",
        blank=True,
        help_text="Texten efter frågorna till läsaren (”Då är det bra att du …”). Markdown.",
    )
    symptoms_heading = models.CharField(
        "rubrik för symtom", max_length=200, default="De vanligaste symtomen"
    )
    treatments_heading = models.CharField(
        "rubrik för åtgärder", max_length=200, default="Våra rekommenderade åtgärder"
    )
    treatments_intro = models.TextField(
        "inledning till åtgärder", blank=True, help_text="Markdown."
    )
    treatments_lead = models.TextField(
        "inledning till behandlingar", blank=True, help_text="”Börja med åtgärd 1 eller 2 …”"
    )
    products_lead = models.TextField("inledning till produkter och tjänster", blank=True)
    products_detail_lead = models.CharField(
        "text över produktbeskrivningarna",
        max_length=200,
        blank=True,
        help_text="”Kombineras med behandlingar för optimalt omhändertagande”",
    )
    author = models.ForeignKey(
        Practitioner,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name="författare",
        null=True,
        blank=True,
    )
    published = models.DateField("publicerad")
    last_reviewed = models.DateField("senast granskad")
    review_interval_months = models.PositiveSmallIntegerField(
        "granskas om (månader)",
        default=12,
        help_text="Artikeln visar ”Nästa granskning senast …”: senast granskad plus så här "
        "många månader.",
    )
    meta_description = models.CharField(
        "metabeskrivning", max_length=200, help_text="Visas i sökmotorer, högst 160 tecken helst."
    )
    editorial_note = models.TextField(
        "redaktionell anteckning",
        blank=True,
        help_text="Syns bara här i administrationen, aldrig på webbplatsen.",
    )
    is_published = models.BooleanField("publicerad på webbplatsen", default=True)
    updated_at = models.DateTimeField("ändrad", auto_now=True)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = "besvär"
        verbose_name_plural = "besvär"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_interval_months__gte=1, review_interval_months__lte=60),
                name="review_interval_between_1_and_60_months",
                violation_error_message="Granskningsintervallet ska vara 1–60 månader.",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("conditions:detail", kwargs={"slug": self.slug})

    @property
    def next_review(self):
        return add_months(self.last_reviewed, self.review_interval_months)

    @property
    def review_is_overdue(self):
        return self.next_review < timezone.localdate()

    @property
    def commercial_interest(self):
        """What the clinic does with the products the article rates: sells, rents, or both."""
        products = [rec.product for rec in self.product_recommendations.all()]
        rents = any(p.is_rental for p in products)
        sells = any(not p.is_rental for p in products)
        if rents and sells:
            return "Vi säljer och hyr ut dessa produkter"
        if rents:
            return "Vi hyr ut dessa produkter"
        if sells:
            return "Vi säljer dessa produkter"
        return ""


class OrderedPart(models.Model):
    order = models.PositiveSmallIntegerField("ordning", default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class ReaderQuestion(OrderedPart):
    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="reader_questions"
    )
    text = models.TextField("fråga")

    class Meta(OrderedPart.Meta):
        verbose_name = "fråga till läsaren"
        verbose_name_plural = "frågor till läsaren"

    def __str__(self):
        return self.text[:60]


class Symptom(OrderedPart):
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="symptoms")
    text = models.CharField("symtom", max_length=300)

    class Meta(OrderedPart.Meta):
        verbose_name = "symtom"
        verbose_name_plural = "symtom"

    def __str__(self):
        return self.text


class Section(OrderedPart):
    """A headed part of the article body: causes, biomechanics, the in-depth answers."""

    class Part(models.TextChoices):
        CAUSE = "cause", "Orsak"
        BIOMECHANICS = "biomechanics", "Biomekanik"
        IN_DEPTH = "in_depth", "Fördjupad information"
        CARE = "care", "Vård och behandling"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="sections")
    part = models.CharField("del", max_length=20, choices=Part.choices)
    heading = models.CharField("rubrik", max_length=200)
    anchor = models.SlugField(
        "ankare", max_length=80, help_text="Används i innehållsförteckningens länkar."
    )
    body = models.TextField("text", help_text="Markdown: stycken och punktlistor (”- ”).")

    class Meta(OrderedPart.Meta):
        verbose_name = "avsnitt"
        verbose_name_plural = "avsnitt"
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "anchor"], name="section_anchor_unique_per_condition"
            )
        ]

    def __str__(self):
        return self.heading


class Synonym(OrderedPart):
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="synonyms")
    name = models.CharField("namn", max_length=120)

    class Meta(OrderedPart.Meta):
        verbose_name = "annat namn"
        verbose_name_plural = "andra namn"

    def __str__(self):
        return self.name


class Reference(OrderedPart):
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="references")
    authors = models.CharField("författare", max_length=400)
    year = models.PositiveSmallIntegerField("år")
    title = models.CharField("titel", max_length=400)
    journal = models.CharField("tidskrift", max_length=200)
    volume = models.CharField("volym", max_length=20, blank=True)
    issue = models.CharField("nummer", max_length=20, blank=True)
    pages = models.CharField("sidor", max_length=40, blank=True)
    published_on = models.CharField(
        "utgivning", max_length=60, blank=True, help_text="Till exempel ”May 2018”."
    )
    doi = models.CharField("DOI", max_length=200, blank=True, help_text="Utan https://doi.org/")

    class Meta(OrderedPart.Meta):
        verbose_name = "referens"
        verbose_name_plural = "referenser"
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "doi"],
                condition=~models.Q(doi=""),
                name="reference_doi_unique_per_condition",
            )
        ]

    def __str__(self):
        return f"{self.authors} ({self.year})"

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""


class TreatmentRecommendation(OrderedPart):
    """How a treatment is recommended for one condition, in the clinic's order."""

    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="treatment_recommendations"
    )
    treatment = models.ForeignKey(
        Treatment,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name="behandling",
    )
    is_first_choice = models.BooleanField("förstaval", default=False)
    title = models.CharField("rubrik i listan", max_length=200)
    text = models.TextField("text i listan")
    detail_title = models.CharField("rubrik i beskrivningen", max_length=200)
    detail_text = models.TextField("beskrivning för besväret", help_text="Markdown.")

    class Meta(OrderedPart.Meta):
        verbose_name = "rekommenderad behandling"
        verbose_name_plural = "rekommenderade behandlingar"
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "treatment"], name="treatment_recommended_once_per_condition"
            )
        ]

    def __str__(self):
        return self.title


class ProductRecommendation(OrderedPart):
    """A product recommended for one condition, with the clinic's own rating."""

    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="product_recommendations"
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="recommendations", verbose_name="produkt"
    )
    title = models.CharField("rubrik", max_length=200)
    text = models.TextField("text")
    rating = models.PositiveSmallIntegerField(
        "betyg (1–5)", help_text="Mottagningens eget betyg av produkten för besväret."
    )

    class Meta(OrderedPart.Meta):
        verbose_name = "rekommenderad produkt"
        verbose_name_plural = "rekommenderade produkter"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="rating_between_1_and_5"
            ),
            models.UniqueConstraint(
                fields=["condition", "product"], name="product_recommended_once_per_condition"
            ),
        ]

    def __str__(self):
        return self.title
