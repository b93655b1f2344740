"""What every app shares: the clinic's locations, its practitioners and its own texts."""

from django.db import models
from django.urls import reverse


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
        "hitta hit", max_length=120, blank=True, help_text="Till exempel ”vid Järntorget”."
    )
    opening_hours = models.TextField("öppettider", blank=True)
    phone = models.CharField("telefon", max_length=40, blank=True)
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

    @property
    def booking_label(self):
        return f"{self.city} (webtidsbokning)"

    @property
    def full_address(self):
        parts = [self.street_address, " ".join(p for p in [self.postal_code, self.city] if p)]
        return ", ".join(p for p in parts if p)


class Practitioner(models.Model):
    name = models.CharField("namn", max_length=120)
    slug = models.SlugField("slug", max_length=120, unique=True)
    title = models.CharField("titel", max_length=160)
    credentials = models.TextField("kompetens", blank=True)
    locations = models.ManyToManyField(
        Location, verbose_name="mottagningar", related_name="practitioners", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "fotspecialist"
        verbose_name_plural = "fotspecialister"

    def __str__(self):
        return self.name


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

    Cached pages are keyed by it (clinic/pagecache.py): a page cached under an older number
    is never served again, whichever process or server cached it.
    """

    number = models.BigIntegerField("versionsnummer", default=0)

    class Meta:
        verbose_name = "innehållsversion"
        verbose_name_plural = "innehållsversioner"

    def __str__(self):
        return str(self.number)
