"""What every app shares: the clinic's locations, its practitioners and its own texts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from .phones import format_national, normalise_location_phone, tel_uri


class LocationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Location(models.Model):
    city = models.CharField("ort", max_length=60)
    slug = models.SlugField("slug", max_length=60, unique=True)
    name = models.CharField(
        "namn", max_length=120, help_text="Till exempel ”Ortomed fotspecialister Stockholm”."
    )
    street_address = models.CharField("gatuadress", max_length=120)
    postal_code = models.CharField("postnummer", max_length=10, blank=True)
    landmark = models.CharField(
        "läge", max_length=120, blank=True, help_text="Till exempel ”vid Järntorget”."
    )
    directions = models.TextField(
        "hitta hit",
        blank=True,
        help_text="Vägbeskrivning för kontaktsidan: kollektivtrafik, parkering, entré. Markdown.",
    )
    opening_hours = models.TextField(
        "kommentar till öppettiderna",
        blank=True,
        help_text="Visas under öppettiderna, till exempel ”Telefontid 8–9”. Själva tiderna "
        "fylls i per veckodag nedan.",
    )
    phone = models.CharField(
        "telefon",
        max_length=40,
        blank=True,
        help_text="Till exempel 08-123 45 67. Sparas i internationellt format.",
    )
    email = models.EmailField("e-post", blank=True)
    order = models.PositiveSmallIntegerField("ordning", default=0)
    is_active = models.BooleanField("aktiv", default=True)

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["order", "city"]
        verbose_name = "mottagning"
        verbose_name_plural = "mottagningar"

    def __str__(self):
        return self.city

    def get_absolute_url(self):
        return reverse("clinic:location", kwargs={"slug": self.slug})

    def clean(self):
        if self.phone:
            try:
                self.phone = normalise_location_phone(self.phone)
            except ValueError as error:
                raise ValidationError({"phone": str(error)}) from error

    @property
    def phone_display(self):
        """The phone number as Swedes write it: 08-123 45 67."""
        return format_national(self.phone)

    @property
    def phone_uri(self):
        return tel_uri(self.phone)

    @property
    def has_contact(self):
        return bool(self.phone or self.email)

    @property
    def booking_label(self):
        return f"{self.city} (webtidsbokning)"

    @property
    def full_address(self):
        parts = [self.street_address, " ".join(p for p in [self.postal_code, self.city] if p)]
        return ", ".join(p for p in parts if p)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "måndag"
    TUESDAY = 1, "tisdag"
    WEDNESDAY = 2, "onsdag"
    THURSDAY = 3, "torsdag"
    FRIDAY = 4, "fredag"
    SATURDAY = 5, "lördag"
    SUNDAY = 6, "söndag"


class OpeningHours(models.Model):
    """When a location is open on a weekday. A weekday without a row is closed."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="opening_hours_set"
    )
    weekday = models.PositiveSmallIntegerField("veckodag", choices=Weekday.choices)
    opens = models.TimeField("öppnar")
    closes = models.TimeField("stänger")

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = "öppettid"
        verbose_name_plural = "öppettider (per veckodag; en veckodag utan rad är stängd)"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "weekday"], name="opening_hours_once_per_weekday"
            ),
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")),
                name="opening_hours_open_before_close",
                violation_error_message="Mottagningen måste öppna innan den stänger.",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": "Mottagningen måste öppna innan den stänger."})


class OpeningException(models.Model):
    """A date with other hours than the week's, or closed: a holiday, a staff day."""

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="opening_exceptions"
    )
    date = models.DateField("datum")
    closed = models.BooleanField("stängt", default=True)
    opens = models.TimeField("öppnar", null=True, blank=True)
    closes = models.TimeField("stänger", null=True, blank=True)
    note = models.CharField("anledning", max_length=120, blank=True, help_text="”Julafton”")

    class Meta:
        ordering = ["date"]
        verbose_name = "avvikande öppettid"
        verbose_name_plural = "avvikande öppettider (helgdagar, stängda dagar)"
        constraints = [
            models.UniqueConstraint(
                fields=["location", "date"], name="opening_exception_once_per_date"
            ),
            models.CheckConstraint(
                condition=models.Q(closed=True, opens__isnull=True, closes__isnull=True)
                | models.Q(closed=False, opens__lt=models.F("closes")),
                name="opening_exception_closed_or_hours",
                violation_error_message="Ange antingen stängt eller både öppnar och stänger.",
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d}"

    def clean(self):
        if self.closed and (self.opens or self.closes):
            raise ValidationError("En stängd dag har inga tider: ta bort tiderna eller stängt.")
        if not self.closed and not (self.opens and self.closes and self.opens < self.closes):
            raise ValidationError(
                "Ange både när mottagningen öppnar och när den stänger, eller kryssa i stängt."
            )


def org_number_is_valid(value):
    digits = value.replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


class Company(models.Model):
    """The company behind the clinic: one row, edited in the admin."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    name = models.CharField("företagsnamn", max_length=160, blank=True)
    org_number = models.CharField(
        "organisationsnummer", max_length=11, blank=True, help_text="Till exempel 556677-8899."
    )
    street_address = models.CharField("gatuadress (säte)", max_length=120, blank=True)
    postal_code = models.CharField("postnummer", max_length=10, blank=True)
    city = models.CharField("ort", max_length=60, blank=True)
    email = models.EmailField(
        "e-post för personuppgiftsfrågor",
        blank=True,
        help_text="Visas i integritetsinformationen. Tomt: mottagningarnas kontaktuppgifter.",
    )

    class Meta:
        verbose_name = "företagsuppgifter"
        verbose_name_plural = "företagsuppgifter"
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=1), name="company_single_row")
        ]

    def __str__(self):
        return self.name or "Företagsuppgifter (ej ifyllda)"

    @classmethod
    def current(cls):
        """The one row, or an empty unsaved one before staff have filled it."""
        return cls.objects.first() or cls()

    @property
    def is_complete(self):
        return all([self.name, self.org_number, self.street_address, self.city])

    @property
    def full_address(self):
        locality = " ".join(p for p in [self.postal_code, self.city] if p)
        return ", ".join(p for p in [self.street_address, locality] if p)

    def clean(self):
        if self.org_number and not org_number_is_valid(self.org_number):
            raise ValidationError(
                {"org_number": "Organisationsnumret stämmer inte. Skriv det som 556677-8899."}
            )


class PractitionerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def performing(self, package):
        """Active practitioners who perform the package (not listed as excluded for it).
        Asked through the link table: as a subquery of a Slot query (booking.rules) this is
        half the work for the ORM of `exclude(excluded_packages=package)`."""
        excluded = Practitioner.excluded_packages.through.objects.filter(
            practitioner=models.OuterRef("pk"), treatmentpackage=package
        )
        return self.active().exclude(models.Exists(excluded))


class Practitioner(models.Model):
    """A foot specialist. Their weekly hours per location are booking's WeeklySchedule rows;
    a practitioner without a name is shown as "Fotspecialist" (the clinic fills in names)."""

    name = models.CharField("namn", max_length=120, blank=True)
    slug = models.SlugField("slug", max_length=120, unique=True)
    title = models.CharField("titel", max_length=160, blank=True)
    credentials = models.TextField("kompetens", blank=True)
    locations = models.ManyToManyField(
        Location, verbose_name="mottagningar", related_name="practitioners", blank=True
    )
    excluded_packages = models.ManyToManyField(
        "shop.TreatmentPackage",
        verbose_name="utför inte",
        related_name="excluded_practitioners",
        blank=True,
        help_text="Behandlingspaket som fotspecialisten inte utför; tomt = alla.",
    )
    is_active = models.BooleanField(
        "tar emot bokningar", default=True, help_text="Avmarkera när personen slutat."
    )

    objects = PractitionerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "fotspecialist"
        verbose_name_plural = "fotspecialister"

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.name or "Fotspecialist"


class ClinicSectionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class ClinicSection(models.Model):
    """A section of the clinic's own text on the home page ("Därför ska du välja Ortomed")."""

    heading = models.CharField("rubrik", max_length=200)
    body = models.TextField("text", help_text="Markdown: stycken, listor och **fetstil**.")
    order = models.PositiveSmallIntegerField("ordning", default=0)
    is_published = models.BooleanField("publicerad", default=True)

    objects = ClinicSectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "text om mottagningen"
        verbose_name_plural = "texter om mottagningen"

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return reverse("clinic:home") + f"#avsnitt-{self.pk}"


class OutboxEmailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at__isnull=True)


class OutboxEmail(models.Model):
    """An e-mail waiting to be sent, or sent. Written in the same transaction as what it tells.

    A booking or an order stays confirmed whatever the mail server does: the
    message is stored with it, sent after commit, and retried by `send_outbox`.
    `key` makes each message unique, so nothing is queued or sent twice.
    """

    key = models.CharField("nyckel", max_length=200, unique=True)
    to = models.CharField("till", max_length=500)
    subject = models.CharField("ämne", max_length=300)
    body = models.TextField("text")
    html_body = models.TextField("html", blank=True)
    attachments = models.JSONField("bilagor", default=list, blank=True)
    created_at = models.DateTimeField("skapat", auto_now_add=True)
    claimed_at = models.DateTimeField("skickas sedan", null=True, blank=True)
    sent_at = models.DateTimeField("skickat", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("försök", default=0)
    last_error = models.TextField("senaste fel", blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "utgående e-post"
        verbose_name_plural = "utgående e-post"
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_pending_idx",
            )
        ]

    def __str__(self):
        return self.subject


class ContentVersion(models.Model):
    """One counter that every edit of the site's content increments, in the edit's transaction.

    Cached pages are keyed by it (clinic/cache.py): a page cached under an older number
    is never served again, whichever process or server cached it.
    """

    number = models.BigIntegerField("versionsnummer", default=0)

    class Meta:
        verbose_name = "innehållsversion"
        verbose_name_plural = "innehållsversioner"

    def __str__(self):
        return str(self.number)


class InfoPage(models.Model):
    """A page of the clinic's own text, such as the privacy notice (/integritet/).

    The body may hold placeholders like [[lagringstid]], filled from the settings when the
    page is shown (clinic/placeholders.py), so figures are never typed into the text.
    """

    slug = models.SlugField("slug", max_length=60, unique=True)
    title = models.CharField("rubrik", max_length=200)
    meta_description = models.CharField("metabeskrivning", max_length=200, blank=True)
    body = models.TextField(
        "text",
        help_text="Markdown. Platshållare som fylls i från inställningarna: "
        "[[lagringstid]], [[avbokningsgrans]], [[paminnelse]].",
    )
    updated_at = models.DateTimeField("ändrad", auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "textsida"
        verbose_name_plural = "textsidor"

    def __str__(self):
        return self.title

    def clean(self):
        from .placeholders import unknown_placeholders

        unknown = unknown_placeholders(self.body)
        if unknown:
            raise ValidationError(
                {"body": "Okända platshållare: " + ", ".join(f"[[{name}]]" for name in unknown)}
            )
