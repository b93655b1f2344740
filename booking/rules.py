"""What must hold before a visit is booked at a start: the rules booking and the waitlist share."""

from dataclasses import dataclass, fields
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists
from django.utils import timezone

from clinic.models import Practitioner
from shop.models import TreatmentPackage

from .errors import SlotNotBookable


@dataclass(frozen=True)
class Patient:
    name: str
    email: str
    phone: str
    personnummer: str = ""
    date_of_birth: date | None = None
    message: str = ""

    @classmethod
    def from_form(cls, data):
        """The patient in a form's cleaned data (the fields the form has)."""
        return cls(**{field.name: data[field.name] for field in fields(cls) if field.name in data})


def check_bookable(*, slot, package, now=None):
    """Raise SlotNotBookable unless the package may be booked at this start (taken or not)."""
    now = now or timezone.now()
    offered, performed = (  # one query for both
        TreatmentPackage.objects.filter(pk=package.pk)
        .annotate(
            offered=Exists(package.locations.filter(pk=slot.location_id)),
            performed=Exists(
                Practitioner.objects.performing(package).filter(pk=slot.practitioner_id)
            ),
        )
        .values_list("offered", "performed")
        .get()
    )
    if not package.is_active or not offered:
        raise SlotNotBookable("Behandlingen erbjuds inte på den mottagningen.")
    if slot.start < now + timedelta(minutes=settings.BOOKING_LEAD_MINUTES):
        raise SlotNotBookable("Den tiden har redan passerat eller är för nära i tid att boka.")
    if slot.end - slot.start < timedelta(minutes=package.duration_minutes):
        raise SlotNotBookable("Tiden är för kort för den behandlingen.")
    if not performed:
        raise SlotNotBookable("Fotspecialisten utför inte den behandlingen.")
