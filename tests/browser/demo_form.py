"""A test-only page with a crispy form, to prove the form checks on what crispy renders.

Used with `@pytest.mark.urls("tests.browser.demo_form")`: the site's own URLs plus
/prov/formular/. Booking and checkout forms go through the same checks (pages.FORMS).
"""

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path

from clinic.urls import handler404, handler500  # noqa: F401
from clinic.urls import urlpatterns as site_urlpatterns

TEMPLATE = """{% extends "base.html" %}{% load crispy_forms_tags %}
{% block title %}{% if form.errors %}Fel: {% endif %}Provformulär{% endblock %}
{% block content %}
<div class="wrap narrow">
  <h1>Provformulär</h1>
  {% include "clinic/includes/error_summary.html" %}
  <form method="post">
    {% csrf_token %}
    {{ form|crispy }}
    <button type="submit">Skicka</button>
  </form>
</div>
{% endblock %}"""


class DemoForm(forms.Form):
    name = forms.CharField(label="Namn", max_length=100)
    email = forms.EmailField(label="E-post")
    phone = forms.CharField(
        label="Telefon", max_length=30, help_text="Vi ringer bara om tiden ändras."
    )
    message = forms.CharField(label="Meddelande", widget=forms.Textarea, required=False)


def demo_form(request):
    form = DemoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect(request.path)
    html = engines["django"].from_string(TEMPLATE).render({"form": form}, request)
    return HttpResponse(html)


urlpatterns = [path("prov/formular/", demo_form), *site_urlpatterns]
