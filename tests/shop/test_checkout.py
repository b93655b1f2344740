"""Checkout: one order per checkout, prices captured, bad input turned into messages."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from clinic.models import Location, OutboxEmail
from shop.models import Order, OrderLine, Product, Rental

from .conftest import HEEL_CUPS, LASER, SHOES, add, check_out, checkout_form, delivery, pickup

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

NBSP = "\u00a0"
CHECKOUT = "/shop/varukorg/kassa/"


@pytest.fixture
def stockholm(content):
    return Location.objects.get(slug="stockholm")


def test_patient_orders_heel_cups_and_rents_the_laser_for_three_weeks_end_to_end(
    client, shop, stockholm, frozen_today, django_capture_on_commit_callbacks
):
    # From the article to the shop.
    article = client.get("/besvar/halkuddesyndrom/").content.decode()
    assert "/shop/" in article
    add(client, HEEL_CUPS, quantity=1)
    add(client, LASER, weeks=3)
    cart = client.get("/shop/varukorg/").content.decode()
    assert f"1{NBSP}349{NBSP}kr" in cart

    checkout = client.get(CHECKOUT).content.decode()
    assert "<h1>Kassa</h1>" in checkout
    assert "Hur vill du få din beställning?" in checkout
    assert "Stockholm, Hälsingegatan 2" in checkout and "Göteborg, Norra Allégatan 8" in checkout
    assert "köpvillkoren" in checkout

    with django_capture_on_commit_callbacks(execute=True):
        response = check_out(client, pickup(stockholm))
    assert response.status_code == 302
    order = Order.objects.get()
    assert response["Location"] == f"/shop/varukorg/bekraftelse/{order.access_token}/"

    # The order, as stored.
    assert order.number.startswith("ORT-") and len(order.number) == 10
    assert (order.name, order.email, order.phone) == (
        "Åsa Öberg",
        "asa@example.com",
        "+46701234567",
    )
    assert order.status == Order.Status.NEW
    assert order.total == 1349 and order.vat_amount == Decimal("269.80")
    assert order.pickup_location == stockholm and order.address == ""
    assert order.expected_date == datetime.date(2026, 12, 3)
    lines = order.lines.order_by("pk")
    assert [(x.product_name, x.unit_price, x.quantity, x.weeks, x.line_total) for x in lines] == [
        ("Hälkoppar & skoinlägg", 299, 1, None, 299),
        ("Medicinsk hemlaser av högsta kvalitet", 350, 1, 3, 1050),
    ]
    rental = Rental.objects.get()
    assert rental.unit.name == "Hemlaser 1"
    assert (rental.start_date, rental.end_date) == (
        datetime.date(2026, 12, 3),
        datetime.date(2026, 12, 24),
    )

    # The confirmation page.
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert order.number in html
    assert "Tack för din beställning" in html
    assert f"1{NBSP}349{NBSP}kr" in html and f"269,80{NBSP}kr" in html
    assert "Hämtas på mottagningen i Stockholm" in html
    assert "3 december 2026" in html and "24 december 2026" in html
    assert "Du betalar när du hämtar" in html
    assert "Varukorg (0)" in html
    assert 'name="robots" content="noindex"' in html

    # The e-mail, sent after commit.
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["asa@example.com"]
    assert order.number in email.subject
    assert "Hälkoppar & skoinlägg: 299" in email.body
    assert "350\u00a0kr per vecka × 3 veckor (3 december 2026–24 december 2026)" in email.body
    assert "varav moms 25 %: 269,80" in email.body
    assert (
        "Medicinsk hemlaser av högsta kvalitet (hyrd): lämna tillbaka den senast 24 december 2026"
        in email.body
    )
    assert f"http://testserver{order.get_absolute_url()}" in email.body


def test_delivery_order_stores_the_normalised_address_and_says_when_it_arrives(
    client, shop, frozen_today
):
    add(client, SHOES, quantity=2)
    response = check_out(client, delivery(postal_code="113 50", city="  Stockholm "))
    order = Order.objects.get()
    assert (order.address, order.postal_code, order.city) == ("Storgatan 1", "113 50", "Stockholm")
    assert order.pickup_location is None
    assert order.expected_date == datetime.date(2026, 12, 7)  # Wednesday + 3 working days
    assert order.payment_method == "invoice"
    html = client.get(response["Location"]).content.decode()
    assert "Storgatan 1" in html and "113 50 Stockholm" in html
    assert "Du får en faktura från oss" in html
    assert "omkring 7 december 2026" in html
    assert Product.objects.get(slug=SHOES).stock == 3


def test_a_later_price_change_never_alters_a_placed_order(client, shop, superuser, admin_form):
    add(client, HEEL_CUPS, quantity=2)
    response = check_out(client, delivery())
    order = Order.objects.get()

    client.force_login(superuser)
    product = Product.objects.get(slug=HEEL_CUPS)
    url = f"/admin/shop/product/{product.pk}/change/"
    data = admin_form(client.get(url))
    data["price"] = "399"
    data["name"] = "Hälkoppar (ny modell)"
    assert client.post(url, data).status_code == 302

    line = OrderLine.objects.get(order=order)
    assert (line.product_name, line.unit_price, line.line_total) == (
        "Hälkoppar & skoinlägg",
        299,
        598,
    )
    order.refresh_from_db()
    assert order.total == 598
    html = client.get(response["Location"]).content.decode()
    assert "Hälkoppar &amp; skoinlägg" in html and f"598{NBSP}kr" in html
    # Prices as the page writes them: the order number (ORT-399HVU, say) may hold the digits.
    assert f"399{NBSP}kr" not in html and f"798{NBSP}kr" not in html


def test_price_changed_between_cart_and_checkout_is_shown_before_anything_is_stored(client, shop):
    add(client, HEEL_CUPS, quantity=1)
    hidden = checkout_form(client)
    Product.objects.filter(slug=HEEL_CUPS).update(price=349)
    response = client.post(CHECKOUT, {**hidden, **delivery()})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"har ändrats från 299{NBSP}kr till 349{NBSP}kr" in html
    assert not Order.objects.exists()
    assert 'value="Åsa Öberg"' in html  # what was typed is kept

    # Submitting the refreshed form orders at the new price.
    token = hidden["checkout_token"]
    assert f'value="{token}"' in html
    fingerprint = html.split('name="cart_fingerprint" value="')[1].split('"')[0]
    response = client.post(
        CHECKOUT, {"checkout_token": token, "cart_fingerprint": fingerprint, **delivery()}
    )
    assert response.status_code == 302
    assert Order.objects.get().total == 349


def test_cart_changed_in_another_tab_asks_to_check_the_order_again(client, shop):
    add(client, HEEL_CUPS, quantity=1)
    hidden = checkout_form(client)
    add(client, HEEL_CUPS, quantity=1)  # another tab
    response = client.post(CHECKOUT, {**hidden, **delivery()})
    assert "Varukorgen har ändrats sedan du öppnade kassan" in response.content.decode()
    assert not Order.objects.exists()


def test_product_gone_inactive_since_adding_stops_the_checkout_with_a_message(client, shop):
    add(client, HEEL_CUPS, quantity=1)
    add(client, SHOES, quantity=1)
    hidden = checkout_form(client)
    Product.objects.filter(slug=SHOES).update(is_active=False)
    response = client.post(CHECKOUT, {**hidden, **delivery()})
    assert response.status_code == 200
    assert "”Väldämpade skor” finns inte längre i shoppen" in response.content.decode()
    assert not Order.objects.exists()


def test_empty_cart_sends_the_checkout_back_to_the_cart(client, shop):
    response = client.get(CHECKOUT)
    assert response.status_code == 302 and response["Location"] == "/shop/varukorg/"
    response = client.post(CHECKOUT, delivery(checkout_token="x", cart_fingerprint="y"))
    assert response.status_code == 302
    assert "Varukorgen är tom" in client.get("/shop/varukorg/").content.decode()
    assert not Order.objects.exists()


def test_double_click_and_resubmit_place_one_order(
    client, shop, django_capture_on_commit_callbacks
):
    add(client, HEEL_CUPS, quantity=1)
    hidden = checkout_form(client)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(CHECKOUT, {**hidden, **delivery()})
        second = client.post(CHECKOUT, {**hidden, **delivery()})
        third = client.post(CHECKOUT, {**hidden, **delivery(name="Någon annan")})
    assert first.status_code == second.status_code == third.status_code == 302
    assert first["Location"] == second["Location"] == third["Location"]
    assert Order.objects.count() == 1
    assert OutboxEmail.objects.count() == 1 and len(mail.outbox) == 1


def test_checkout_token_from_another_session_neither_orders_nor_reveals_an_order(client, shop):
    add(client, HEEL_CUPS, quantity=1)
    hidden = checkout_form(client)
    client.post(CHECKOUT, {**hidden, **delivery()})

    from django.test import Client

    stranger = Client()
    add(stranger, HEEL_CUPS, quantity=1)
    stranger_hidden = checkout_form(stranger)
    response = stranger.post(
        CHECKOUT, {**stranger_hidden, **delivery(), "checkout_token": hidden["checkout_token"]}
    )
    assert response.status_code == 200
    assert "Kassan hade hunnit gå ut" in response.content.decode()
    assert Order.objects.count() == 1


def test_confirmation_needs_the_unguessable_token(client, shop):
    add(client, HEEL_CUPS, quantity=1)
    check_out(client, delivery())
    order = Order.objects.get()
    for url in [
        f"/shop/varukorg/bekraftelse/{order.pk}/",
        f"/shop/varukorg/bekraftelse/{order.number}/",
        "/shop/varukorg/bekraftelse/" + "x" * 500 + "/",
        "/shop/varukorg/bekraftelse/%F0%9F%98%80/",
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Ange ditt namn."),
        ({"name": "   "}, "Ange ditt namn."),
        ({"name": "x" * 121}, "som mest 120 tecken"),
        ({"email": ""}, "Ange din e-postadress."),
        ({"email": "inte-en-adress"}, "Fyll i en giltig e-postadress."),
        ({"email": "a@" + "b" * 300 + ".se"}, "som mest 254 tecken"),
        ({"phone": ""}, "Ange ditt telefonnummer."),
        ({"phone": "123"}, "Telefonnumret stämmer inte"),
        ({"phone": "😀😀😀"}, "Telefonnumret stämmer inte"),
        ({"phone": "9" * 41}, "som mest 40 tecken"),
        ({"postal_code": "1234"}, "Ange ett svenskt postnummer"),
        ({"postal_code": "01234"}, "Ange ett svenskt postnummer"),
        ({"postal_code": "ABCDE"}, "Ange ett svenskt postnummer"),
        ({"address": ""}, "Fyll i för hemleverans."),
        ({"city": ""}, "Fyll i för hemleverans."),
        ({"delivery_method": "drone"}, "Välj ett giltigt alternativ"),
        ({"delivery_method": "pickup"}, "Välj var du vill hämta."),
        ({"delivery_method": "pickup", "pickup_location": "999"}, "Välj en av mottagningarna."),
        ({"delivery_method": "pickup", "pickup_location": "abc"}, "Välj en av mottagningarna."),
        ({"payment_method": "at_pickup"}, "Betala vid hämtning går bara"),
        ({"payment_method": "bitcoin"}, "Välj ett giltigt alternativ"),
        ({"accept_terms": ""}, "Du behöver godkänna köpvillkoren"),
        ({"message": "x" * 1001}, "som mest 1000 tecken"),
        ({"delivery_method": ""}, "Välj hemleverans eller hämtning."),
        ({"payment_method": ""}, "Välj hur du vill betala."),
        ({"name": "Åsa\x00Öberg"}, "Null-tecken är inte tillåtna."),
    ],
)
def test_bad_checkout_input_gets_a_message_and_stores_nothing(client, shop, overrides, message):
    add(client, SHOES, quantity=1)
    response = check_out(client, delivery(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[html.find("invalid-feedback") - 200 :][:600]
    assert not Order.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert Product.objects.get(slug=SHOES).stock == 5
    assert 'value="asa@example.com"' in html or "email" in overrides


def test_emoji_names_and_international_phones_are_fine(client, shop):
    add(client, HEEL_CUPS, quantity=1)
    response = check_out(client, delivery(name="Zoë 🌸 Ångström", phone="+44 20 7946 0958"))
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.name, order.phone) == ("Zoë 🌸 Ångström", "+442079460958")


def test_tampered_hidden_fields_never_fail(client, shop):
    add(client, HEEL_CUPS, quantity=1)
    for hidden in [
        {"checkout_token": "", "cart_fingerprint": ""},
        {"checkout_token": "x" * 5000, "cart_fingerprint": "😀"},
        {"checkout_token": ["a", "b"], "cart_fingerprint": "y"},
    ]:
        response = client.post(CHECKOUT, {**delivery(), **hidden})
        assert response.status_code == 200
    assert not Order.objects.exists()


def test_paying_at_pick_up_and_pickup_fields_are_ignored_for_delivery(client, shop, stockholm):
    add(client, HEEL_CUPS, quantity=1)
    check_out(client, delivery(pickup_location=str(stockholm.pk)))
    assert Order.objects.get().pickup_location is None


def test_staff_are_told_of_a_new_order_when_an_address_is_set(
    client, shop, settings, django_capture_on_commit_callbacks
):
    settings.CLINIC_NOTIFY_EMAILS = ["reception@example.com"]
    add(client, HEEL_CUPS, quantity=1)
    with django_capture_on_commit_callbacks(execute=True):
        check_out(client, delivery())
    order = Order.objects.get()
    staff = [m for m in mail.outbox if m.to == ["reception@example.com"]]
    assert len(staff) == 1
    assert order.number in staff[0].subject
    assert f"/admin/shop/order/{order.pk}/change/" in staff[0].body


def test_checkout_and_confirmation_pages_keep_their_query_counts(
    client, shop, stockholm, django_assert_max_num_queries
):
    add(client, HEEL_CUPS, quantity=1)
    add(client, LASER, weeks=2)
    client.get(CHECKOUT)
    # The footer, cached, reads only the content version.
    with django_assert_max_num_queries(7):
        assert client.get(CHECKOUT).status_code == 200
    response = check_out(client, pickup(stockholm))
    with django_assert_max_num_queries(5):
        assert client.get(response["Location"]).status_code == 200
