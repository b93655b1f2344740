from .models import Location


def clinic(request):
    """The locations every page lists in its footer (one query, evaluated lazily)."""
    return {"footer_locations": Location.objects.active()}
