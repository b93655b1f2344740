"""The catalogue: treatments and their packages (booked as visits) and products (ordered home),
and the shop: orders with their lines, rentals of home-laser units, and enquiries."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse

from clinic.models import Location

# Paths under /shop/ that are pages of the shop itself, never a product's slug.
RESERVED_PRODUCT_SLUGS = {"varukorg", "villkor"}


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
    buffer_minutes = models.PositiveSmallIntegerField(
        "tid efter besöket (minuter)",
        default=0,
        help_text="Tid för städning och anteckningar efter besöket, som inte kan bokas; 0 = ingen.",
    )
    locations = models.ManyToManyField(
        Location, verbose_name="erbjuds på", related_name="packages", blank=True
    )
    leads_to_return_visit = models.BooleanField(
        "leder till återbesök",
        default=False,
        help_text="Patienter som bett om det får ett mejl efter besöket med en länk till "
        "fotspecialistens lediga tider för återbesök.",
    )
    recall_weeks = models.PositiveSmallIntegerField(
        "veckor till påminnelse",
        default=3,
        help_text="Hur många veckor efter besöket påminnelsen om återbesök skickas.",
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
            models.CheckConstraint(
                condition=Q(recall_weeks__gte=1, recall_weeks__lte=52),
                name="package_recall_weeks_1_to_52",
                violation_error_message="Veckor till påminnelse: mellan 1 och 52.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.treatment.get_absolute_url() + f"#paket-{self.slug}"

    @property
    def blocked_minutes(self):
        """How long a visit keeps the practitioner busy: its length and the time after it."""
        return self.duration_minutes + self.buffer_minutes

    def booking_url(self, location):
        return reverse(
            "booking:slots", kwargs={"location_slug": location.slug, "package_slug": self.slug}
        )


class ProductQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


def validate_product_slug(value):
    if value in RESERVED_PRODUCT_SLUGS:
        raise ValidationError("Adressen ”%(slug)s” används av shoppen.", params={"slug": value})


class Product(models.Model):
    name = models.CharField("namn", max_length=200)
    slug = models.SlugField("slug", max_length=200, unique=True, validators=[validate_product_slug])
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
    stock = models.PositiveIntegerField(
        "i lager",
        null=True,
        blank=True,
        help_text="Antal som kan säljas. Tomt = lagret följs inte. "
        "Hyrprodukter följs i stället per enhet (hemlaser 1, 2 …).",
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
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__gte=0),
                name="product_stock_never_negative",
            ),
            models.CheckConstraint(
                condition=Q(is_rental=False) | Q(stock__isnull=True),
                name="rental_product_has_units_not_stock",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("shop:product-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.is_rental and not self.min_rental_weeks:
            raise ValidationError({"min_rental_weeks": "Ange minsta hyrtid för en hyrprodukt."})
        if self.is_rental and self.stock is not None:
            raise ValidationError(
                {"stock": "Hyrprodukter har enheter i stället för lager: lämna fältet tomt."}
            )

    @property
    def has_price(self):
        return self.price is not None

    @property
    def tracks_stock(self):
        return self.stock is not None

    @property
    def in_stock(self):
        return self.stock is None or self.stock > 0

    @property
    def can_be_ordered(self):
        """Buyable or rentable online: active with a price (and in stock, for tracked goods)."""
        return self.is_active and self.has_price and self.in_stock


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


# --- The shop: units of rental products, orders, rentals and enquiries ------------------------


class RentalUnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class RentalUnit(models.Model):
    """One physical unit of a rental product (a home laser) the clinic owns and lends out."""

    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name="produkt",
        limit_choices_to={"is_rental": True},
    )
    name = models.CharField("namn", max_length=100, help_text="Till exempel ”Hemlaser 1”.")
    serial_number = models.CharField("serienummer", max_length=100, blank=True)
    is_active = models.BooleanField(
        "kan hyras ut", default=True, help_text="Ta bort bocken för en enhet på service eller såld."
    )
    note = models.TextField("anteckning", blank=True)

    objects = RentalUnitQuerySet.as_manager()

    class Meta:
        ordering = ["product", "name"]
        verbose_name = "hyrenhet"
        verbose_name_plural = "hyrenheter"
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="rental_unit_name_unique"),
        ]

    def __str__(self):
        return self.name


def new_order_number():
    """A short code staff can read over the phone, e.g. "ORT-7K4M9Q". Random: it does not
    reveal how many orders there are, and it opens nothing by itself."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud
    return "ORT-" + "".join(secrets.choice(alphabet) for _ in range(6))


def new_access_token():
    return secrets.token_urlsafe(24)


class OrderQuerySet(models.QuerySet):
    def with_lines(self):
        """An order's page and e-mail: its location, lines and rentals with their units."""
        return self.select_related("pickup_location").prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("rental__unit").order_by("pk"),
            )
        )


class Order(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "Ny"
        CONFIRMED = "confirmed", "Bekräftad"
        SHIPPED = "shipped", "Skickad"
        READY_FOR_PICKUP = "ready_for_pickup", "Klar att hämta"
        COLLECTED = "collected", "Hämtad"
        CANCELLED = "cancelled", "Avbruten"
        LAPSED = "lapsed", "Förfallen (inte bekräftad i tid)"

    class Delivery(models.TextChoices):
        DELIVERY = "delivery", "Hemleverans"
        PICKUP = "pickup", "Hämtas på mottagningen"

    class Payment(models.TextChoices):
        INVOICE = "invoice", "Faktura"
        AT_PICKUP = "at_pickup", "Betala vid hämtning"

    class PaymentStatus(models.TextChoices):
        AWAITING = "awaiting", "Väntar på betalning"
        PAID = "paid", "Betald"

    number = models.CharField("ordernummer", max_length=20, unique=True, editable=False)
    access_token = models.CharField(
        max_length=64, unique=True, default=new_access_token, editable=False
    )
    checkout_token = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="The one-time token of the checkout form: a resubmitted form finds this order.",
    )
    status = models.CharField("status", max_length=20, choices=Status, default=Status.NEW)
    created_at = models.DateTimeField("lagd", auto_now_add=True)
    updated_at = models.DateTimeField("ändrad", auto_now=True)

    name = models.CharField("namn", max_length=120)
    email = models.EmailField("e-post")
    phone = models.CharField("telefon", max_length=40)

    delivery_method = models.CharField("leverans", max_length=20, choices=Delivery)
    address = models.CharField("gatuadress", max_length=200, blank=True)
    postal_code = models.CharField("postnummer", max_length=6, blank=True)
    city = models.CharField("ort", max_length=100, blank=True)
    pickup_location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name="hämtas i",
    )
    expected_date = models.DateField(
        "beräknad leverans/hämtning", help_text="Räknat när ordern lades; hyror startar då."
    )

    payment_method = models.CharField("betalning", max_length=20, choices=Payment)
    payment_status = models.CharField(
        "betalstatus", max_length=20, choices=PaymentStatus, default=PaymentStatus.AWAITING
    )
    total = models.PositiveIntegerField("totalt (kr)", help_text="Hela kronor inklusive moms.")
    vat_amount = models.DecimalField("varav moms (kr)", max_digits=12, decimal_places=2)
    message = models.TextField("meddelande från kunden", blank=True)
    staff_note = models.TextField("intern anteckning", blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "beställning"
        verbose_name_plural = "beställningar"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(delivery_method="delivery", pickup_location__isnull=True)
                    & ~Q(address="")
                    & ~Q(postal_code="")
                    & ~Q(city="")
                )
                | Q(delivery_method="pickup", pickup_location__isnull=False),
                name="order_has_address_or_pickup_location",
            ),
            models.CheckConstraint(
                condition=~Q(payment_method="at_pickup") | Q(delivery_method="pickup"),
                name="order_pays_at_pickup_only_when_picked_up",
            ),
            models.CheckConstraint(condition=Q(vat_amount__gte=0), name="order_vat_never_negative"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("shop:order-confirmation", kwargs={"token": self.access_token})

    def clean(self):
        if self.delivery_method == self.Delivery.DELIVERY:
            missing = {
                field: "Fyll i för hemleverans."
                for field in ["address", "postal_code", "city"]
                if not getattr(self, field)
            }
            if missing:
                raise ValidationError(missing)
            if self.pickup_location_id:
                raise ValidationError({"pickup_location": "Välj hemleverans eller hämtning."})
        if self.delivery_method == self.Delivery.PICKUP and not self.pickup_location_id:
            raise ValidationError({"pickup_location": "Välj mottagning."})
        if (
            self.payment_method == self.Payment.AT_PICKUP
            and self.delivery_method != self.Delivery.PICKUP
        ):
            raise ValidationError({"payment_method": "Betala vid hämtning kräver hämtning."})

    @property
    def is_pickup(self):
        return self.delivery_method == self.Delivery.PICKUP


class OrderLine(models.Model):
    """One item of an order, with its name and price as they were when the order was placed."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name="beställning"
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="order_lines", verbose_name="produkt"
    )
    product_name = models.CharField("namn", max_length=200)
    is_rental = models.BooleanField("hyra", default=False)
    unit_price = models.PositiveIntegerField(
        "styckpris (kr)", help_text="Inklusive moms; för hyra: per vecka."
    )
    quantity = models.PositiveSmallIntegerField("antal", default=1)
    weeks = models.PositiveSmallIntegerField("veckor", null=True, blank=True)
    line_total = models.PositiveIntegerField("summa (kr)")
    vat_rate = models.PositiveSmallIntegerField("moms (%)", default=25)
    from_stock = models.BooleanField(
        "dragen från lager", default=False, help_text="Läggs tillbaka i lager om ordern avbryts."
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = "orderrad"
        verbose_name_plural = "orderrader"
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="order_line_quantity_at_least_1"
            ),
            models.CheckConstraint(
                condition=Q(is_rental=False, weeks__isnull=True)
                | Q(is_rental=True, weeks__gte=1, quantity=1),
                name="order_line_rental_has_weeks",
            ),
        ]

    def __str__(self):
        return self.product_name

    @property
    def total(self):
        return self.line_total


class RentalQuerySet(models.QuerySet):
    def blocking(self):
        """Rentals that hold their unit: booked or out with the patient."""
        return self.filter(status__in=Rental.BLOCKING)

    def overlapping(self, start, end):
        """Rentals whose period [start_date, end_date) meets [start, end)."""
        return self.filter(start_date__lt=end, end_date__gt=start)


class Rental(models.Model):
    """One unit lent to one order for [start_date, end_date): the return day is end_date.

    No unit is lent twice for overlapping periods: the order service locks the units and
    checks, and on PostgreSQL an exclusion constraint (migration 0004) makes it a rule of
    the database too.
    """

    class Status(models.TextChoices):
        BOOKED = "booked", "Bokad"
        OUT = "out", "Hos patienten"
        RETURNED = "returned", "Återlämnad"
        CANCELLED = "cancelled", "Avbokad"

    BLOCKING = (Status.BOOKED, Status.OUT)

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="rentals", verbose_name="beställning"
    )
    order_line = models.OneToOneField(
        OrderLine, on_delete=models.CASCADE, related_name="rental", verbose_name="orderrad"
    )
    unit = models.ForeignKey(
        RentalUnit, on_delete=models.PROTECT, related_name="rentals", verbose_name="enhet"
    )
    start_date = models.DateField("från")
    end_date = models.DateField("åter senast", help_text="Enheten är ledig igen från denna dag.")
    status = models.CharField("status", max_length=20, choices=Status, default=Status.BOOKED)
    returned_on = models.DateField("återlämnad", null=True, blank=True)

    objects = RentalQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = "uthyrning"
        verbose_name_plural = "uthyrningar"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="rental_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.start_date}–{self.end_date}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": "Slutdatum måste vara efter startdatum."})
        if (
            self.unit_id
            and self.start_date
            and self.end_date
            and self.status in self.BLOCKING
            and Rental.objects.blocking()
            .overlapping(self.start_date, self.end_date)
            .filter(unit_id=self.unit_id)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"unit": "Enheten är redan uthyrd under en del av perioden."})


class Enquiry(models.Model):
    """A question about a product without a price, for staff to answer."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="enquiries", verbose_name="produkt"
    )
    name = models.CharField("namn", max_length=120)
    email = models.EmailField("e-post")
    phone = models.CharField("telefon", max_length=40, blank=True)
    message = models.TextField("fråga", max_length=2000)
    created_at = models.DateTimeField("inkommen", auto_now_add=True)
    is_handled = models.BooleanField("besvarad", default=False)
    staff_note = models.TextField("intern anteckning", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "förfrågan"
        verbose_name_plural = "förfrågningar"

    def __str__(self):
        return f"{self.product}: {self.name}"
