import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

from conditions.models import Condition
from conditions.structured_data import clinic_json_ld
from shop.models import Treatment

from . import hours, placeholders
from .cache import cache_page
from .models import ClinicSection, Company, InfoPage, Location

logger = logging.getLogger(__name__)


@cache_page
def home(request):
    return render(
        request,
        "clinic/home.html",
        {
            "sections": ClinicSection.objects.published(),
            "conditions": Condition.objects.published(),
            "treatments": Treatment.objects.active(),
            "locations": Location.objects.active(),
        },
    )


@cache_page
def about_accessibility(request):
    return render(request, "clinic/accessibility.html")


@require_safe
def location_detail(request, slug):
    """A location's contact page: address, phone, e-mail, opening hours, how to get there."""
    location = get_object_or_404(
        Location.objects.active().prefetch_related("opening_hours_set"), slug=slug
    )
    json_ld = {"@context": "https://schema.org", **clinic_json_ld(request, location, hours=True)}
    return render(
        request,
        "clinic/location.html",
        {
            "location": location,
            "week": hours.week(location),
            "exceptions": hours.upcoming_exceptions(location),
            "json_ld": json_ld,
        },
    )


@require_safe
def privacy(request):
    """The privacy notice. Not cached: its figures come from the settings at render time."""
    page = get_object_or_404(InfoPage, slug="integritet")
    return render(
        request,
        "clinic/privacy.html",
        {
            "page": page,
            "body": placeholders.fill(page.body),
            "company": Company.current(),
        },
    )


@require_GET
@cache_control(max_age=60 * 60 * 24)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /boka/hantera/",
        "Disallow: /shop/varukorg/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the page must render even when the database is down. Then it
    # names the addresses it knows without the database (in the template).
    try:
        locations = list(Location.objects.active())
    except Exception:  # the database may be what failed
        logger.warning("500 page: locations unavailable, showing the addresses only")
        locations = None
    context = {"footer_locations": locations, "site_url": settings.SITE_URL}
    return HttpResponseServerError(loader.get_template("500.html").render(context))


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, else 503. No cookies."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("health check: database unavailable (%s)", type(error).__name__)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
