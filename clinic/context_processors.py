from django.utils.functional import SimpleLazyObject

from .models import Company, Location


def clinic(request):
    """The locations and company details every page shows in its footer (lazily queried)."""
    return {
        "footer_locations": Location.objects.active(),
        "footer_company": SimpleLazyObject(Company.current),
    }
