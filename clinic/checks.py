"""Deployment checks on content: the site must not go live with no way to reach the clinic."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

ADMIN = "Administration → Mottagningen"


@register(Tags.security, "content", deploy=True)
def contact_details_are_filled(app_configs=None, **kwargs):
    """`manage.py check --deploy` fails while a public location lacks phone or e-mail, or the
    company details are empty. Run it after `migrate` and `load_clinic_content`."""
    from .models import Company, Location

    try:
        locations = list(Location.objects.active())
        company = Company.current()
    except DatabaseError as error:
        return [
            Error(
                f"Kan inte läsa mottagningarnas kontaktuppgifter ({type(error).__name__}).",
                hint="Kör migrate och load_clinic_content innan check --deploy.",
                id="clinic.E010",
            )
        ]
    errors = []
    for location in locations:
        missing = [
            label
            for label, value in [("telefon", location.phone), ("e-post", location.email)]
            if not value
        ]
        if missing:
            errors.append(
                Error(
                    f"Mottagningen i {location.city} saknar {' och '.join(missing)}.",
                    hint=f"Fyll i dem under {ADMIN} → Mottagningar → {location.city} "
                    f"(/admin/clinic/location/{location.pk}/change/).",
                    obj=location,
                    id="clinic.E011",
                )
            )
    if not company.is_complete:
        errors.append(
            Error(
                "Företagsuppgifterna (namn, organisationsnummer, adress) är inte ifyllda.",
                hint=f"Fyll i dem under {ADMIN} → Företagsuppgifter (/admin/clinic/company/).",
                id="clinic.E012",
            )
        )
    return errors
