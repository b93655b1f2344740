from django.urls import path

from . import views

app_name = "booking"

urlpatterns = [
    path("", views.start, name="start"),
    path("<slug:location_slug>/<slug:package_slug>/", views.slot_list, name="slots"),
]
