"""The cart page is one visitor's, and never stale: it is checked against the catalogue on
every request, and the page for a cart that passed is kept for everyone with the same cart
(clinic/cache.py), with each visitor's own CSRF token."""

import re

import pytest
from django.test import Client

from clinic.cache import BOOKINGS
from clinic.models import ContentVersion
from shop.models import Product

from .conftest import HEEL_CUPS, SHOES, add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_site_with_bookings():
    """Pages are kept only once both versions exist: a booking has been made."""
    ContentVersion.objects.get_or_create(pk=BOOKINGS, defaults={"number": 1})


CART = "/shop/varukorg/"
NBSP = "\u00a0"


def token_in(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def cart_with(slug, quantity):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/shop/{slug}/").content.decode()
    client.post(
        f"/shop/{slug}/",
        {"form": "add", "quantity": quantity, "csrfmiddlewaretoken": token_in(page)},
    )
    client.get(CART)  # shows (and uses up) the "added" message
    return client


def test_the_cart_costs_three_queries_and_each_visitor_gets_their_own_working_token(
    shop, django_assert_num_queries
):
    first, second = cart_with(HEEL_CUPS, 2), cart_with(HEEL_CUPS, 2)
    first.get(CART)
    second.get(CART)
    # the session; the versions; the products (their prices and stock): the page is kept
    with django_assert_num_queries(3):
        page = second.get(CART).content.decode()
    assert page.replace(token_in(page), "") == (
        (other := first.get(CART).content.decode()).replace(token_in(other), "")
    ), "the same cart, the same kept page"
    assert f"299{NBSP}kr × 2 st" in page and "Varukorg (2)" in page
    assert token_in(page) != token_in(first.get(CART).content.decode())
    kept = first.get(CART)
    assert int(kept["Content-Length"]) == len(kept.content), "gunicorn would cut the rest off"
    product = Product.objects.get(slug=HEEL_CUPS)
    changed = second.post(
        CART,
        {
            "product": product.pk,
            "action": "update",
            f"line-{product.pk}-quantity": "3",
            "csrfmiddlewaretoken": token_in(page),
        },
    )
    assert changed.status_code == 302
    assert f"299{NBSP}kr × 3 st" in second.get(CART).content.decode()
    assert f"299{NBSP}kr × 2 st" in first.get(CART).content.decode()  # the other cart


def test_a_new_price_shows_at_once(shop):
    client = cart_with(HEEL_CUPS, 1)
    client.get(CART)
    product = Product.objects.get(slug=HEEL_CUPS)
    product.price = 349
    product.save()
    html = client.get(CART).content.decode()
    assert f"349{NBSP}kr" in html and "Priset på" in html


def test_stock_sold_by_someone_else_shows_at_once(shop):
    client = cart_with(SHOES, 3)
    assert "× 3 st" in client.get(CART).content.decode()
    Product.objects.filter(slug=SHOES).update(stock=1)  # an order elsewhere: no signal
    html = client.get(CART).content.decode()
    assert "antalet har ändrats till 1" in html and "× 1 st" in html


def test_a_pending_message_is_shown_not_cached(client, shop):
    add(client, HEEL_CUPS, quantity=1)
    other = cart_with(HEEL_CUPS, 1)
    other.get(CART)  # cached for this cart
    assert "ligger nu i varukorgen" in client.get(CART).content.decode()
    assert "ligger nu i varukorgen" not in client.get(CART).content.decode()
