"""The patient fields every booking and waitlist entry share."""

import secrets

from django.db import models


class PatientDetails(models.Model):
    """Who the patient is: the same fields, validated the same way, wherever we ask."""

    name = models.CharField("namn", max_length=120)
    email = models.EmailField("e-post", max_length=254)
    phone = models.CharField("mobiltelefon", max_length=20)
    personnummer = models.CharField("personnummer", max_length=12, blank=True)
    date_of_birth = models.DateField("födelsedatum", null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def masked_personnummer(self):
        if self.personnummer:
            return f"{self.personnummer[:8]}-****"
        if self.date_of_birth:
            return f"{self.date_of_birth:%Y%m%d} (födelsedatum)"
        return ""

    @property
    def formatted_personnummer(self):
        if not self.personnummer:
            return ""
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"


def new_token():
    return secrets.token_urlsafe(32)
