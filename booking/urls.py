from django.urls import path, register_converter

from . import views
from .calendar import actions, pages
from .numbers import views as numbers


class TokenConverter:
    """A booking's manage token: url-safe base64, so nothing else reaches the database."""

    regex = "[A-Za-z0-9_-]{16,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TokenConverter, "token")

app_name = "booking"

urlpatterns = [
    path("", views.start, name="start"),
    path("bekraftelse/<token:token>/", views.confirmation, name="confirmation"),
    path("hantera/<token:token>/", views.manage, name="manage"),
    path("hantera/<token:token>/avboka/", views.cancel, name="cancel"),
    path("hantera/<token:token>/flytta/", views.move, name="move"),
    path("personal/dag/<slug:location_slug>/", views.day_view, name="day-view"),
    path("personal/siffror/", numbers.numbers, name="numbers"),
    path("personal/kalender/", pages.root, name="calendar-root"),
    path("personal/kalender/besok/<int:pk>/", pages.visit, name="calendar-visit"),
    path("personal/kalender/besok/<int:pk>/flytta/", actions.move, name="calendar-move"),
    path(
        "personal/kalender/besok/<int:pk>/<slug:action>/",
        actions.visit_action,
        name="calendar-action",
    ),
    path("personal/kalender/<slug:location_slug>/", pages.day_view, name="calendar-day"),
    path("personal/kalender/<slug:location_slug>/vecka/", pages.week_view, name="calendar-week"),
    path("personal/kalender/<slug:location_slug>/boka/", actions.book, name="calendar-book"),
    path("aterbesok/nej-tack/<token:token>/", views.recall_decline, name="recall-decline"),
    path("vantelista/anmald/", views.waitlist_joined, name="waitlist-joined"),
    path("vantelista/bekrafta/<token:token>/", views.waitlist_confirm, name="waitlist-confirm"),
    path("vantelista/andra/<token:token>/", views.waitlist_change, name="waitlist-change"),
    path("vantelista/lamna/<token:token>/", views.waitlist_leave, name="waitlist-leave"),
    path("vantelista/erbjudande/<token:token>/", views.offer, name="offer"),
    path("vantelista/erbjudande/<token:token>/avboj/", views.offer_decline, name="offer-decline"),
    path("<slug:location_slug>/<slug:package_slug>/", views.slot_list, name="slots"),
    path("<slug:location_slug>/<slug:package_slug>/uppgifter/", views.details, name="details"),
    path("<slug:location_slug>/<slug:package_slug>/valj/", views.choose, name="choose"),
    path("<slug:location_slug>/<slug:package_slug>/slapp/", views.release, name="release"),
    path(
        "<slug:location_slug>/<slug:package_slug>/vantelista/",
        views.waitlist_join,
        name="waitlist-join",
    ),
]
