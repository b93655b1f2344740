"""Copy the clinic would sign: no label repeated in an error, no "Pris: Pris på förfrågan",
a destructive cancel button and a quiet decline."""

import pytest

from booking.models import Booking

from .conftest import make_slot, patient_data

pytestmark = pytest.mark.django_db


def test_the_error_summary_gives_the_consent_error_without_repeating_the_sentence(
    client, stockholm
):
    slot = make_slot(stockholm)
    data = patient_data(slot)
    del data["consent"]
    html = client.post("/boka/stockholm/nybesok/uppgifter/", data).content.decode()
    summary = html[
        html.index('class="error-summary"') : html.index("</ul>", html.index("error-summary"))
    ]
    assert (
        '<a href="#id_consent">Du behöver godkänna integritetsinformationen för att boka.</a>'
        in summary
    )
    assert ".:" not in summary
    assert not Booking.objects.exists()


def test_an_unpriced_product_says_price_on_request_once(client, content):
    html = client.get("/shop/valdampade-skor/").content.decode()
    assert "Pris på förfrågan" in html
    assert "Pris: <strong>Pris på förfrågan" not in html


def test_cancelling_is_a_red_button_and_a_cancelled_status_stands_out(client, stockholm):
    slot = make_slot(stockholm)
    client.post("/boka/stockholm/nybesok/uppgifter/", patient_data(slot))
    booking = Booking.objects.get()
    page = client.get(f"/boka/hantera/{booking.token}/avboka/").content.decode()
    assert '<button type="submit" class="button-danger">Ja, avboka besöket</button>' in page
    client.post(f"/boka/hantera/{booking.token}/avboka/")
    manage = client.get(booking.get_absolute_url()).content.decode()
    assert '<strong class="status-cancelled">Avbokad</strong>' in manage
