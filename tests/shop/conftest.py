"""The shop with prices set, as staff would set them in the admin, and helpers for its pages."""

import datetime
import re

import pytest

from shop.models import Product

HEEL_CUPS = "halkoppar-och-skoinlagg"
SHOES = "valdampade-skor"
LASER = "hemlaser"
USED_LASER = "begagnad-hemlaser"


@pytest.fixture
def shop(content):
    """Prices and stock set by the tests (the fixtures have none: the source gives none)."""
    Product.objects.filter(slug=HEEL_CUPS).update(price=299)
    Product.objects.filter(slug=SHOES).update(price=1195, stock=5)
    Product.objects.filter(slug=LASER).update(price=350)
    return {p.slug: p for p in Product.objects.all()}


@pytest.fixture
def frozen_today(monkeypatch):
    """A Wednesday: pick-up on Thursday (1 working day), delivery on Monday (3)."""
    day = datetime.date(2026, 12, 2)
    for module in ["shop.rentals", "shop.services", "shop.forms"]:
        monkeypatch.setattr(f"{module}.today", lambda: day)
    return day


def add(client, slug, **data):
    return client.post(f"/shop/{slug}/", {"form": "add", **{k: str(v) for k, v in data.items()}})


def checkout_form(client):
    """GET the checkout and return its hidden fields (the one-time token and cart fingerprint)."""
    response = client.get("/shop/varukorg/kassa/")
    assert response.status_code == 200, response
    html = response.content.decode()
    return {
        name: re.search(rf'name="{name}" value="([^"]*)"', html)[1]
        for name in ["checkout_token", "cart_fingerprint"]
    }


def delivery(**overrides):
    return {
        "name": "Åsa Öberg",
        "email": "asa@example.com",
        "phone": "070-123 45 67",
        "delivery_method": "delivery",
        "address": "Storgatan 1",
        "postal_code": "11350",
        "city": "Stockholm",
        "payment_method": "invoice",
        "accept_terms": "on",
        **overrides,
    }


def pickup(location, **overrides):
    return delivery(
        delivery_method="pickup",
        address="",
        postal_code="",
        city="",
        pickup_location=str(location.pk),
        payment_method="at_pickup",
        **overrides,
    )


def check_out(client, data):
    """Open the checkout and submit it with `data`; returns the response (not followed)."""
    return client.post("/shop/varukorg/kassa/", {**checkout_form(client), **data})


def make_rental(unit, start, end, status="booked"):
    """A rental of `unit` for [start, end), as a placed order would hold it."""
    from clinic.models import Location
    from shop.models import Order, OrderLine, Rental

    order = Order.objects.create(
        number=f"ORT-T{Order.objects.count():05d}",
        checkout_token=f"test-{Order.objects.count()}-{unit.pk}-{start}",
        name="Tidigare patient",
        email="tidigare@example.com",
        phone="+46701234567",
        delivery_method="pickup",
        pickup_location=Location.objects.first(),
        expected_date=start,
        payment_method="at_pickup",
        total=700,
        vat_amount="140.00",
    )
    weeks = (end - start).days // 7 or 1
    line = OrderLine.objects.create(
        order=order,
        product=unit.product,
        product_name=unit.product.name,
        is_rental=True,
        unit_price=350,
        weeks=weeks,
        line_total=350 * weeks,
    )
    return Rental.objects.create(
        order=order, order_line=line, unit=unit, start_date=start, end_date=end, status=status
    )
