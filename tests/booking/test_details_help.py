"""The details form helps before and after sending: it says an identity is needed, and it
hints at a mistyped e-mail domain without ever refusing the address."""

import pytest

from booking.models import Booking

from .conftest import make_slot, patient_data

pytestmark = pytest.mark.django_db

DETAILS = "/boka/stockholm/nybesok/uppgifter/"


def test_the_form_says_before_sending_that_a_personnummer_or_birth_date_is_needed(
    client, stockholm
):
    slot = make_slot(stockholm)
    html = client.get(f"{DETAILS}?tid={slot.pk}").content.decode()
    assert "<legend>Personnummer eller födelsedatum</legend>" in html
    assert "Vi behöver ett av dem" in html


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("asa@gmial.com", "gmail.com"),
        ("asa@hotmial.com", "hotmail.com"),
        ("asa@outlok.com", "outlook.com"),
        ("asa@hotmai.se", "hotmail.se"),
    ],
)
def test_a_mistyped_domain_gets_a_hint_and_sending_again_unchanged_books(
    client, stockholm, typed, meant
):
    slot = make_slot(stockholm)
    first = client.post(DETAILS, patient_data(slot, email=typed))
    assert first.status_code == 200
    html = first.content.decode()
    assert f"Menade du <strong>{meant}</strong>?" in html
    assert f'value="{typed}"' in html  # what was typed is kept
    assert f'name="email_checked" value="{typed}"' in html
    assert not Booking.objects.exists()

    again = client.post(DETAILS, patient_data(slot, email=typed, email_checked=typed))
    assert again.status_code == 302
    assert Booking.objects.get().email == typed


def test_a_corrected_address_books_at_once(client, stockholm):
    slot = make_slot(stockholm)
    client.post(DETAILS, patient_data(slot, email="asa@gmial.com"))
    response = client.post(
        DETAILS, patient_data(slot, email="asa@gmail.com", email_checked="asa@gmial.com")
    )
    assert response.status_code == 302
    assert Booking.objects.get().email == "asa@gmail.com"


def test_a_usual_address_gets_no_hint(client, stockholm):
    slot = make_slot(stockholm)
    response = client.post(DETAILS, patient_data(slot, email="asa@hotmail.se"))
    assert response.status_code == 302
