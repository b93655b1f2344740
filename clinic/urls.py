from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import bench, views
from .sitemaps import SITEMAPS

handler404 = "clinic.views.page_not_found"
handler500 = "clinic.views.server_error"

urlpatterns = [
    path("", include("clinic.site_urls")),
    path("besvar/", include("conditions.urls")),
    path("", include("shop.urls")),
    path("boka/", include("booking.urls")),
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("healthz", views.healthz, name="healthz"),
]

if settings.BENCH:
    urlpatterns.append(path("bench/bare/", bench.bare))
