from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from . import cache
from .models import Company, Location


def clinic(request):
    """The locations and company details every page shows in its footer: read when a page
    first shows them, and cached under the content version (clinic/cache.py). On a page the
    cache may keep for every visitor, the CSRF token is left for the cache to fill in."""
    footer = SimpleLazyObject(lambda: _footer(request))
    context = {
        "footer_locations": SimpleLazyObject(lambda: footer[0]),
        "footer_company": SimpleLazyObject(lambda: footer[1]),
    }
    if getattr(request, "csrf_hole", False):  # a page the cache may keep for everyone
        context["csrf_token"] = cache.TOKEN
    return context


def _footer(request):
    def compute():
        until = timezone.now() + timedelta(seconds=settings.PAGE_CACHE_SECONDS)
        return (list(Location.objects.active()), Company.current()), until

    depends = (getattr(request, "versions", None) or cache.versions())[:1]
    return cache.remember(compute, "footer", depends=depends)
