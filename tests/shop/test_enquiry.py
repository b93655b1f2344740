"""A product without a price offers an enquiry form; the question reaches staff."""

import pytest
from django.core import mail

from shop.models import Enquiry

from .conftest import USED_LASER

pytestmark = pytest.mark.django_db

PAGE = f"/shop/{USED_LASER}/"


def ask(client, **overrides):
    data = {
        "form": "enquiry",
        "name": "Bo Ek",
        "email": "bo@example.com",
        "phone": "",
        "message": "Vad kostar en begagnad hemlaser?",
        **overrides,
    }
    return client.post(PAGE, data)


def test_enquiry_is_stored_and_e_mailed_to_the_clinic(
    client, shop, settings, django_capture_on_commit_callbacks
):
    settings.CLINIC_NOTIFY_EMAILS = ["info@example.com", "reception@example.com"]
    page = client.get(PAGE).content.decode()
    assert "Fråga oss om begagnad hemlaser" in page
    assert 'for="id_message"' in page and 'type="tel"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, phone="08-123 456 78")
    assert response.status_code == 302 and response["Location"] == PAGE
    assert "Tack! Vi har tagit emot din fråga" in client.get(PAGE).content.decode()

    enquiry = Enquiry.objects.get()
    assert (enquiry.product.slug, enquiry.name, enquiry.phone) == (
        USED_LASER,
        "Bo Ek",
        "+46812345678",
    )
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to != ["bo@example.com"])
    assert message.to == ["info@example.com", "reception@example.com"]
    assert message.subject == "Fråga om Begagnad hemlaser från Bo Ek"
    assert "Vad kostar en begagnad hemlaser?" in message.body
    assert f"/admin/shop/enquiry/{enquiry.pk}/change/" in message.body


def test_without_a_notify_address_the_enquiry_waits_in_the_admin(
    client, shop, settings, receptionist, django_capture_on_commit_callbacks
):
    settings.CLINIC_NOTIFY_EMAILS = []
    with django_capture_on_commit_callbacks(execute=True):
        ask(client)
    assert Enquiry.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["bo@example.com"]]  # only the patient's receipt
    client.force_login(receptionist)
    html = client.get("/admin/shop/enquiry/").content.decode()
    assert "Bo Ek" in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"message": ""}, "Detta fält måste fyllas i."),
        ({"message": "x" * 2001}, "som mest 2000 tecken"),
        ({"name": " "}, "Detta fält måste fyllas i."),
        ({"name": "n" * 121}, "som mest 120 tecken"),
        ({"email": "bo@"}, "Fyll i en giltig e-postadress."),
        ({"phone": "abc"}, "Telefonnumret stämmer inte"),
        ({"message": "Hej\x00"}, "Null-tecken är inte tillåtna."),
    ],
)
def test_bad_enquiry_input_gets_a_message_and_stores_nothing(client, shop, overrides, message):
    response = ask(client, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enquiry.objects.exists()


def test_emoji_in_an_enquiry_is_fine(client, shop):
    assert ask(client, name="Lo 🦶", message="Finns den i 🟦?").status_code == 302
    assert Enquiry.objects.get().name == "Lo 🦶"


def test_enquiry_about_an_unknown_product_is_a_404(client, shop):
    response = client.post("/shop/finns-inte/", {"form": "enquiry", "name": "A"})
    assert response.status_code == 404
