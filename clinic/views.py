import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_safe

from conditions.models import Condition
from shop.models import Treatment

from .models import ClinicSection, Location
from .pagecache import cache_public_page

logger = logging.getLogger(__name__)


@cache_public_page
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


@cache_public_page
def about_accessibility(request):
    return render(request, "clinic/accessibility.html")


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
    # No request context: the page must render even when the database is down.
    return HttpResponseServerError(loader.get_template("500.html").render())


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
