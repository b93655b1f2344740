"""How to reach the clinic: contact pages per location, the contact sentence wherever the site
says "kontakta oss", and what it says while staff have not filled phone and e-mail yet."""

import json
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from clinic.models import Company, Location, OpeningException, OpeningHours

pytestmark = pytest.mark.django_db

STOCKHOLM = "/kontakt/stockholm/"


def json_ld(html):
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def fill_stockholm():
    Location.objects.filter(slug="stockholm").update(
        phone="+4681234567", email="stockholm@example.com", directions="Gå av vid **Odenplan**."
    )
    location = Location.objects.get(slug="stockholm")
    for weekday in range(5):
        OpeningHours.objects.create(
            location=location, weekday=weekday, opens=time(8), closes=time(17)
        )
    return location


def test_contact_page_shows_phone_nationally_linked_tel_email_hours_and_directions(client, content):
    location = fill_stockholm()
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Europe/Stockholm"))):
        OpeningException.objects.create(location=location, date=date(2026, 12, 24), note="Julafton")
        html = client.get(STOCKHOLM).content.decode()
    assert '<a href="tel:+4681234567">08-123 45 67</a>' in html
    assert 'href="mailto:stockholm@example.com"' in html
    assert '<th scope="row">Måndag</th><td>08:00–17:00</td>' in html
    assert '<th scope="row">Lördag</th><td>Stängt</td>' in html
    assert "Torsdag 24 december</time> (Julafton): stängt" in html
    assert "<strong>Odenplan</strong>" in html
    assert "Hälsingegatan 2" in html


def test_contact_page_carries_medical_clinic_data_with_the_values_that_exist(client, content):
    empty = json_ld(client.get("/kontakt/goteborg/").content.decode())
    assert empty["@type"] == "MedicalClinic"
    assert empty["address"]["streetAddress"] == "Norra Allégatan 8"
    assert "telephone" not in empty and "email" not in empty
    assert "openingHoursSpecification" not in empty and "postalCode" not in empty["address"]

    fill_stockholm()
    filled = json_ld(client.get(STOCKHOLM).content.decode())
    assert filled["telephone"] == "+4681234567"
    assert filled["email"] == "stockholm@example.com"
    assert filled["url"].endswith(STOCKHOLM)
    monday = filled["openingHoursSpecification"][0]
    assert monday["dayOfWeek"] == "https://schema.org/Monday"
    assert (monday["opens"], monday["closes"]) == ("08:00", "17:00")


def test_without_phone_or_email_the_contact_page_and_sentences_name_the_address(client, content):
    html = client.get(STOCKHOLM).content.decode()
    assert "tel:" not in html and "mailto:" not in html
    assert "Öppettiderna är inte publicerade här ännu." in html
    assert "Besök mottagningen i" in html and "Hälsingegatan 2, vid Vasaparken" in html


def test_inactive_or_unknown_location_has_no_contact_page(client, content):
    Location.objects.filter(slug="goteborg").update(is_active=False)
    assert client.get("/kontakt/goteborg/").status_code == 404
    assert client.get("/kontakt/malmo/").status_code == 404


def test_footer_links_each_location_and_shows_company_details_once_filled(client, content):
    html = client.get("/").content.decode()
    assert 'href="/kontakt/stockholm/"' in html and 'href="/kontakt/goteborg/"' in html
    assert 'href="/integritet/"' in html
    assert "org.nr" not in html
    Company.objects.create(
        name="Ortomed fotspecialister AB", org_number="556677-8899", city="Stockholm"
    )
    html = client.get("/").content.decode()
    assert "Ortomed fotspecialister AB, org.nr 556677-8899" in html


@pytest.mark.parametrize("url,status", [("/finns-inte/", 404), ("/shop/begagnad-hemlaser/", 200)])
def test_contact_us_on_error_and_price_on_request_pages_reaches_a_real_contact(
    client, content, url, status
):
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert "Besök mottagningen i" in html and "Norra Allégatan 8" in html
    fill_stockholm()
    html = client.get(url).content.decode()
    assert 'Ring mottagningen i <a href="/kontakt/stockholm/">Stockholm</a> på' in html
    assert '<a href="tel:+4681234567">08-123 45 67</a>' in html


def test_the_429_page_says_how_to_reach_the_clinic(rf, content):
    from django.template.loader import render_to_string

    fill_stockholm()
    html = render_to_string("429.html", {"footer_locations": Location.objects.active()})
    assert "tel:+4681234567" in html and "Norra Allégatan 8" in html


@override_settings(DEBUG=False)
def test_server_error_page_lists_contacts_from_the_database_when_it_answers(content):
    from clinic.views import server_error

    fill_stockholm()
    html = server_error(None).content.decode()
    assert "tel:+4681234567" in html and "Norra Allégatan 8" in html


def test_admin_stores_the_phone_as_e164_and_rejects_a_wrong_one(
    client, content, superuser, admin_form
):
    client.force_login(superuser)
    url = f"/admin/clinic/location/{Location.objects.get(slug='stockholm').pk}/change/"
    data = admin_form(client.get(url))
    data.update(phone="08-123 45 67", email="stockholm@example.com")
    assert client.post(url, data).status_code == 302
    assert Location.objects.get(slug="stockholm").phone == "+4681234567"
    data.update(phone="12")
    response = client.post(url, data)
    assert "Telefonnumret stämmer inte" in response.content.decode()


def test_admin_rejects_opening_hours_that_close_before_they_open(
    client, content, superuser, admin_form
):
    client.force_login(superuser)
    url = f"/admin/clinic/location/{Location.objects.get(slug='stockholm').pk}/change/"
    data = admin_form(client.get(url))
    prefix = "opening_hours_set"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-weekday": "0",
            f"{prefix}-0-opens": "17:00",
            f"{prefix}-0-closes": "08:00",
        }
    )
    response = client.post(url, data)
    assert "Mottagningen måste öppna innan den stänger." in response.content.decode()
    assert not OpeningHours.objects.exists()


def test_company_admin_checks_the_organisation_number_and_keeps_one_row(client, db, superuser):
    client.force_login(superuser)
    data = {"name": "Ortomed AB", "org_number": "556677-8890", "city": "Stockholm"}
    response = client.post("/admin/clinic/company/add/", data)
    assert "Organisationsnumret stämmer inte" in response.content.decode()
    data["org_number"] = "556677-8899"
    assert client.post("/admin/clinic/company/add/", data).status_code == 302
    assert client.get("/admin/clinic/company/add/").status_code == 403
