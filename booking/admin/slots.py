"""The time field of reception's booking form: one location's free times, grouped by day."""

from itertools import groupby

from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from clinic.models import Location

from ..models import Slot

PARAMETER = "mottagning"


def chosen_location(request):
    """The location asked for in the add form's address (?mottagning=stockholm), if any."""
    slug = request.GET.get(PARAMETER, "")
    return Location.objects.active().filter(slug=slug).first() if slug else None


class SlotsByDay(ModelChoiceIterator):
    """Option groups per location and day ("Stockholm, onsdag 2 december"), times inside."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        slots = self.queryset.select_related("location", "practitioner").order_by(
            "location__city", "start"
        )
        for (location, day), group in groupby(
            slots, key=lambda slot: (slot.location, timezone.localdate(slot.start))
        ):
            label = f"{location}, {date_format(day, 'l j F Y')}"
            yield (label, [self.choice(slot) for slot in group])

    def choice(self, slot):
        value, _ = super().choice(slot)
        return value, f"{timezone.localtime(slot.start):%H:%M} ({slot.practitioner})"


def limit_slot_field(field, *, location, current=None):
    """Free upcoming times (of `location` if given), plus the booking's own time if any."""
    slots = Slot.objects.upcoming().free()
    if location is not None:
        slots = slots.at(location)
    if current is not None:
        slots = slots | Slot.objects.filter(pk=current.pk)
    field.iterator = SlotsByDay
    field.queryset = slots
    if location is None:
        field.help_text = format_html(
            "Lediga tider på alla mottagningar. Bara en mottagning: {}",
            location_links(),
        )
    else:
        field.help_text = f"Lediga tider på {location}, från i dag, dag för dag."


def location_links():
    add = reverse("admin:booking_booking_add")
    return format_html_join(
        ", ",
        '<a href="{}?{}={}">{}</a>',
        ((add, PARAMETER, place.slug, place) for place in Location.objects.active()),
    )
