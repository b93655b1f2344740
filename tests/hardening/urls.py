"""A tiny test-only site: public POST views built the way booking and shop views should be.

Used with `@pytest.mark.urls("tests.hardening.urls")`; the real site's URLs are included so
that base.html renders.
"""

from django import forms
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import include, path

from clinic.forms import HoneypotFormMixin
from clinic.models import Practitioner
from clinic.throttle import rate_limit

FORM_PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% load crispy_forms_tags %}'
    "{% block content %}<h1>Testformulär</h1>"
    '<form method="post" novalidate>{% csrf_token %}{{ form|crispy }}'
    "<button>Skicka</button></form>{% endblock %}"
)


class PractitionerForm(HoneypotFormMixin, forms.ModelForm):
    class Meta:
        model = Practitioner
        fields = ["name", "slug", "title"]


@rate_limit("test-enquiry", rate="3/m")
def enquiry(request):
    form = PractitionerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return HttpResponseRedirect("/test/tack/")
    return HttpResponse(FORM_PAGE.render({"form": form}, request))


def manage_booking(request, token):
    return HttpResponse("ok")


urlpatterns = [
    path("test/formular/", enquiry, name="test-enquiry"),
    path("test/hantera/<str:token>/", manage_booking, name="test-manage"),
    path("", include("clinic.urls")),
]
