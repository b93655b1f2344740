"""A patient orders heel cups home and rents the home laser, from the shop to the confirmation.

The fixtures have no product prices (the source gives none): the test sets
`setups.TEST_PRICES` first (heel cups 395 kr with stock, the laser 350 kr a week), as staff
would in the admin. Test data only. The journey runs once on a phone; `step` checks each page
there and keeps screenshots of it at 375 and 1280 px.
"""

import re

import pytest

from shop.models import Order, Product
from tests import setups

from .conftest import PHONE

pytestmark = pytest.mark.browser

NBSP = "\u00a0"


def text_of(page, selector="main"):
    return page.locator(selector).inner_text().replace(NBSP, " ")


def test_patient_orders_heel_cups_home_and_rents_the_laser(visit, site, step, mail_to):
    setups.set_test_prices()
    page = visit("/shop/", width=PHONE)
    step(page, "shop")

    page.get_by_role("link", name="Hälkoppar & skoinlägg").click()
    assert "395 kr" in text_of(page, ".price-line")
    step(page, "heel-cups")
    page.get_by_role("button", name="Lägg i varukorgen").click()
    page.wait_for_url("**/shop/varukorg/")
    assert "ligger nu i varukorgen" in text_of(page, "[role=status]")
    step(page, "cart-with-heel-cups")

    page.get_by_role("link", name="Fortsätt handla").click()
    page.get_by_role("link", name="Medicinsk hemlaser av högsta kvalitet").click()
    step(page, "laser")
    weeks = page.get_by_label("Antal veckor")
    assert weeks.input_value() == "2"  # the product's minimum
    page.get_by_role("button", name="Lägg hyran i varukorgen").click()
    page.wait_for_url("**/shop/varukorg/")
    cart = text_of(page, ".totals")
    assert "1 095 kr" in cart, cart  # 395 + 2 × 350
    assert "Varukorg (2)" in page.locator(".site-header").inner_text()
    step(page, "cart")

    page.get_by_role("link", name="Till kassan").click()
    page.wait_for_url("**/shop/varukorg/kassa/")
    step(page, "checkout")
    for field, typed in [
        ("name", "Åsa Öberg"),
        ("email", "asa@example.com"),
        ("phone", "070-123 45 67"),
        ("address", "Storgatan 1"),
        ("postal_code", "113 50"),
        ("city", "Stockholm"),
    ]:
        page.locator(f"#id_{field}").fill(typed)
    page.get_by_label("Hemleverans").check()
    page.get_by_label("Faktura").check()
    page.get_by_label("Jag har läst och godkänner köpvillkoren.").check()
    step(page, "checkout-filled")
    page.get_by_role("button", name=re.compile(r"^Lägg beställningen")).click()
    page.wait_for_url("**/shop/varukorg/bekraftelse/*/")

    assert page.locator("h1").inner_text() == "Tack för din beställning"
    order = Order.objects.get()
    assert order.number in text_of(page, ".lead")
    assert "1 095 kr" in text_of(page, ".order-lines")
    assert "Storgatan 1" in text_of(page)
    assert "Varukorg (0)" in page.locator(".site-header").inner_text()
    step(page, "order-confirmation")

    assert (order.total, order.delivery_method, order.payment_method) == (
        1095,
        "delivery",
        "invoice",
    )
    lines = {line.product_name: line for line in order.lines.all()}
    assert lines["Hälkoppar & skoinlägg"].quantity == 1
    assert lines["Medicinsk hemlaser av högsta kvalitet"].weeks == 2
    assert lines["Medicinsk hemlaser av högsta kvalitet"].rental.status == "booked"
    assert Product.objects.get(slug=setups.HEEL_CUPS).stock == 19
    assert order.number in mail_to("asa@example.com", "Orderbekräftelse").subject
