"""The privacy notice: editable text whose figures come from the settings, linked from every
consent checkbox, the footer and every e-mail."""

import pytest

from clinic.models import Company, InfoPage
from tests.shop.conftest import HEEL_CUPS, add
from tests.shop.conftest import shop as shop  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

PAGE = "/integritet/"


def test_privacy_notice_renders_the_retention_period_from_the_settings(client, content, settings):
    settings.RETENTION_DAYS = 3 * 365
    html = client.get(PAGE).content.decode()
    assert "dina personuppgifter tas bort 3 år efter besöket" in html
    assert "[[" not in html
    settings.RETENTION_DAYS = 400
    html = client.get(PAGE).content.decode()
    assert "dina personuppgifter tas bort 400 dagar efter besöket" in html
    settings.BOOKING_REMINDER_HOURS = 48
    assert "en påminnelse 48 timmar före besöket" in client.get(PAGE).content.decode()


def test_privacy_notice_names_the_company_its_rights_and_imy(client, content):
    html = client.get(PAGE).content.decode()
    assert "<h1>Integritetsinformation</h1>" in html
    assert "Personuppgiftsansvarig är Ortomed fotspecialister." in html
    assert "Integritetsskyddsmyndigheten (IMY)" in html
    assert "<h2>Dina rättigheter</h2>" in html
    Company.objects.create(
        name="Ortomed fotspecialister AB",
        org_number="556677-8899",
        street_address="Hälsingegatan 2",
        city="Stockholm",
    )
    html = client.get(PAGE).content.decode()
    assert (
        "Personuppgiftsansvarig är Ortomed fotspecialister AB, organisationsnummer "
        "556677-8899, Hälsingegatan 2, Stockholm." in html
    )


def test_staff_edit_the_text_and_unknown_placeholders_are_refused(
    client, content, superuser, admin_form
):
    client.force_login(superuser)
    page = InfoPage.objects.get(slug="integritet")
    url = f"/admin/clinic/infopage/{page.pk}/change/"
    data = admin_form(client.get(url))
    data["body"] = "Vi sparar allt i [[evigt]]."
    response = client.post(url, data)
    assert "Okända platshållare: [[evigt]]" in response.content.decode()
    data["body"] = "Uppgifterna tas bort efter [[lagringstid]]."
    assert client.post(url, data).status_code == 302
    assert "Uppgifterna tas bort efter 3 år." in client.get(PAGE).content.decode()


@pytest.mark.parametrize("url", ["/boka/stockholm/nybesok/vantelista/"])
def test_consent_checkbox_links_the_privacy_notice_beside_its_own_label(client, content, url):
    html = client.get(url).content.decode()
    assert "Jag har läst integritetsinformationen och samtycker" in html
    assert 'href="/integritet/"' in html.split('id="id_consent"')[1]
    assert 'aria-describedby="id_consent_helptext"' in html


def test_checkout_terms_checkbox_links_the_privacy_notice(client, shop):  # noqa: F811
    add(client, HEEL_CUPS, quantity=1)
    html = client.get("/shop/varukorg/kassa/").content.decode()
    after = html.split('id="id_accept_terms"')[1]
    assert 'href="/integritet/"' in after


def test_every_e_mail_ends_with_the_privacy_notice_link(client, content, settings):
    from django.core import mail

    settings.CLINIC_NOTIFY_EMAILS = ["info@example.com"]
    client.post(
        "/shop/begagnad-hemlaser/",
        {"form": "enquiry", "name": "Bo Ek", "email": "bo@example.com", "message": "Pris?"},
    )
    assert mail.outbox
    for message in mail.outbox:
        assert message.body.rstrip().endswith("http://testserver/integritet/")


def test_terms_name_the_company_and_how_to_return_a_rented_laser(client, content):
    html = client.get("/shop/villkor/").content.decode()
    assert "Lämna tillbaka" in html
    assert "Besök mottagningen i" in html
    Company.objects.create(name="Ortomed fotspecialister AB", org_number="556677-8899")
    html = client.get("/shop/villkor/").content.decode()
    assert "Ortomed fotspecialister AB" in html and "556677-8899" in html
    assert 'href="/integritet/"' in html
