"""What must hold before a visit is booked at a start: the rules booking and the waitlist share."""

from dataclasses import dataclass, fields
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from clinic.models import Practitioner

from .errors import SlotNotBookable
from .models import Slot


@dataclass(frozen=True)
class Patient:
    name: str
    email: str
    phone: str
    personnummer: str = ""
    date_of_birth: date | None = None
    message: str = ""
    wants_recall: bool = False  # "Påminn mig om återbesök", off unless asked for

    @classmethod
    def from_form(cls, data):
        """The patient in a form's cleaned data (the fields the form has)."""
        return cls(**{field.name: data[field.name] for field in fields(cls) if field.name in data})


def rule_annotations(package):
    """What check_bookable asks the database, as annotations of a Slot query (the slot's own
    location and practitioner): whether the package is offered there and whether the
    practitioner performs it. A slot fetched with them saves check_bookable its query."""
    return {
        "package_offered": Exists(package.locations.filter(pk=OuterRef("location_id"))),
        "package_performed": Exists(
            Practitioner.objects.performing(package).filter(pk=OuterRef("practitioner_id"))
        ),
    }


def check_bookable(*, slot, package, now=None):
    """Raise SlotNotBookable unless the package may be booked at this start (taken or not).
    `slot` may carry rule_annotations(package) (the same package); otherwise one query."""
    now = now or timezone.now()
    if not hasattr(slot, "package_offered"):
        slot = Slot.objects.annotate(**rule_annotations(package)).get(pk=slot.pk)
    if not package.is_active or not slot.package_offered:
        raise SlotNotBookable("Behandlingen erbjuds inte på den mottagningen.")
    if slot.start < now + timedelta(minutes=settings.BOOKING_LEAD_MINUTES):
        raise SlotNotBookable("Den tiden har redan passerat eller är för nära i tid att boka.")
    if slot.end - slot.start < timedelta(minutes=package.duration_minutes):
        raise SlotNotBookable("Tiden är för kort för den behandlingen.")
    if not slot.package_performed:
        raise SlotNotBookable("Fotspecialisten utför inte den behandlingen.")
