from django.shortcuts import get_object_or_404, render

from clinic.models import Location
from shop.models import Treatment, TreatmentPackage


def start(request):
    treatments = Treatment.objects.active().with_packages()
    return render(request, "booking/start.html", {"treatments": treatments})


def slot_list(request, location_slug, package_slug):
    location = get_object_or_404(Location.objects.active(), slug=location_slug)
    package = get_object_or_404(
        TreatmentPackage.objects.active().offered_at(location).select_related("treatment"),
        slug=package_slug,
    )
    return render(request, "booking/slot_list.html", {"location": location, "package": package})
