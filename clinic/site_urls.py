from django.urls import path

from . import views

app_name = "clinic"

urlpatterns = [
    path("", views.home, name="home"),
    path("tillganglighet/", views.about_accessibility, name="accessibility"),
    path("kontakt/<slug:slug>/", views.location_detail, name="location"),
    path("integritet/", views.privacy, name="privacy"),
]
