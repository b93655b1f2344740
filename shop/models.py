"""The catalogue: treatments and their packages (booked as visits) and products (ordered home)."""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse

from clinic.models import Location


class TreatmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_packages(self):
        """Treatments with their problem/solution pairs and active packages and locations."""
        return self.prefetch_related(
            "problems",
            Prefetch(
                "packages",
                queryset=TreatmentPackage.objects.active().prefetch_related(
                    Prefetch("locations", queryset=Location.objects.active())
                ),
            ),
        )


class Treatment(models.Model):
    name = models.CharField("namn", max_length=200)
    slug = models.SlugField("slug", max_length=200, unique=True)
    summary = models.TextField("sammanfattning", blank=True)
    description = models.TextField(
        "beskrivning", blank=True, help_text="Markdown: stycken, listor, rubriker (###)."
    )
    booking_heading = models.CharField(
        "bokningsrubrik", max_length=200, blank=True, help_text="Till exempel ”Boka tid för …”."
    )
    booking_prompt = models.CharField(
        "bokningstext", max_length=200, blank=True, default="Välj tid själv på önskad ort."
    )
    order = models.PositiveSmallIntegerField("ordning", default=0)
    is_active = models.BooleanField("aktiv", default=True)

    objects = TreatmentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "behandling"
        verbose_name_plural = "behandlingar"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("shop:treatment-detail", kwargs={"slug": self.slug})


class ProblemSolution(models.Model):
    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, related_name="problems", verbose_name="behandling"
    )
    problem = models.TextField("problem")
    solution = models.TextField("lösning")
    order = models.PositiveSmallIntegerField("ordning", default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "problem och lösning"
        verbose_name_plural = "problem och lösningar"

    def __str__(self):
        return self.problem[:60]


class TreatmentPackageQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, treatment__is_active=True)

    def offered_at(self, location):
        return self.filter(locations=location)


class TreatmentPackage(models.Model):
    """A bookable visit with a price, paid at the clinic."""

    treatment = models.ForeignKey(
        Treatment, on_delete=models.PROTECT, related_name="packages", verbose_name="behandling"
    )
    name = models.CharField("namn", max_length=200)
    slug = models.SlugField("slug", max_length=200, unique=True)
    price = models.PositiveIntegerField("pris (kr)", help_text="Hela kronor, inklusive moms.")
    duration_minutes = models.PositiveSmallIntegerField("längd (minuter)", default=60)
    locations = models.ManyToManyField(
        Location, verbose_name="erbjuds på", related_name="packages", blank=True
    )
    order = models.PositiveSmallIntegerField("ordning", default=0)
    is_active = models.BooleanField("aktiv", default=True)

    objects = TreatmentPackageQuerySet.as_manager()

    class Meta:
        ordering = ["treatment__order", "order", "pk"]
        verbose_name = "behandlingspaket"
        verbose_name_plural = "behandlingspaket"
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5), name="package_duration_at_least_5_minutes"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.treatment.get_absolute_url() + f"#paket-{self.slug}"

    def booking_url(self, location):
        return reverse(
            "booking:slots", kwargs={"location_slug": location.slug, "package_slug": self.slug}
        )


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Product(models.Model):
    name = models.CharField("namn", max_length=200)
    slug = models.SlugField("slug", max_length=200, unique=True)
    summary = models.TextField("sammanfattning", blank=True)
    description = models.TextField("beskrivning", blank=True, help_text="Markdown.")
    price = models.PositiveIntegerField(
        "pris (kr)",
        null=True,
        blank=True,
        help_text="Hela kronor inklusive moms; för hyra: per vecka. Tomt = pris på förfrågan.",
    )
    is_rental = models.BooleanField("uthyrning", default=False)
    min_rental_weeks = models.PositiveSmallIntegerField(
        "minsta hyrtid (veckor)", null=True, blank=True
    )
    order = models.PositiveSmallIntegerField("ordning", default=0)
    is_active = models.BooleanField("aktiv", default=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "produkt"
        verbose_name_plural = "produkter"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_rental=False) | Q(min_rental_weeks__gte=1),
                name="rental_product_has_min_weeks",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("shop:product-detail", kwargs={"slug": self.slug})

    @property
    def has_price(self):
        return self.price is not None


class PriceChange(models.Model):
    """One edit of a price, kept so staff can see who changed what and when."""

    package = models.ForeignKey(
        TreatmentPackage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="price_changes",
        verbose_name="behandlingspaket",
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="price_changes",
        verbose_name="produkt",
    )
    old_price = models.PositiveIntegerField("från (kr)", null=True, blank=True)
    new_price = models.PositiveIntegerField("till (kr)", null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name="ändrad av",
    )
    changed_at = models.DateTimeField("ändrad", auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = "prisändring"
        verbose_name_plural = "prishistorik"
        constraints = [
            models.CheckConstraint(
                condition=(Q(package__isnull=False, product__isnull=True))
                | (Q(package__isnull=True, product__isnull=False)),
                name="price_change_names_one_item",
            ),
        ]

    def __str__(self):
        return f"{self.item}: {self.old_price} → {self.new_price}"

    @property
    def item(self):
        return self.package or self.product
