"""Staff handle orders in the admin: Reception moves them along, cancelling gives stock back."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from clinic.models import Location
from shop.models import Order, Product, Rental, RentalUnit

from .conftest import HEEL_CUPS, LASER, SHOES, add, check_out, delivery, pickup

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

ORDERS = "/admin/shop/order/"


@pytest.fixture
def stockholm(content):
    return Location.objects.get(slug="stockholm")


@pytest.fixture
def pickup_order(client, shop, stockholm, frozen_today):
    """Two pairs of shoes (stock 5 -> 3) and the laser for two weeks, picked up in Stockholm."""
    add(client, SHOES, quantity=2)
    add(client, LASER, weeks=2)
    check_out(client, pickup(stockholm))
    return Order.objects.order_by("pk").last()


@pytest.fixture
def delivery_order(client, shop, frozen_today):
    add(client, HEEL_CUPS, quantity=1)
    add(client, LASER, weeks=2)
    check_out(client, delivery())
    return Order.objects.order_by("pk").last()


def change(client, order, admin_form, **fields):
    url = f"{ORDERS}{order.pk}/change/"
    data = admin_form(client.get(url))
    data.update(fields)
    return client.post(url, data)


def test_reception_moves_a_pickup_order_through_its_flow(
    client, pickup_order, receptionist, admin_form
):
    client.force_login(receptionist)
    url = f"{ORDERS}{pickup_order.pk}/change/"
    form = client.get(url).content.decode()
    for offered in [
        'value="new"',
        'value="confirmed"',
        'value="ready_for_pickup"',
        'value="cancelled"',
    ]:
        assert offered in form
    assert 'value="shipped"' not in form and 'value="collected"' not in form

    for status in ["confirmed", "ready_for_pickup", "collected"]:
        response = change(client, pickup_order, admin_form, status=status)
        assert response.status_code == 302, response.context["adminform"].form.errors
        pickup_order.refresh_from_db()
        assert pickup_order.status == status
    assert Rental.objects.get().status == Rental.Status.OUT


def test_cancelling_in_the_admin_returns_the_stock_and_frees_the_laser(
    client, pickup_order, receptionist, admin_form
):
    assert Product.objects.get(slug=SHOES).stock == 3
    assert Rental.objects.get().unit.name == "Hemlaser 1"
    client.force_login(receptionist)
    response = change(client, pickup_order, admin_form, status="cancelled")
    assert response.status_code == 302
    pickup_order.refresh_from_db()
    assert pickup_order.status == Order.Status.CANCELLED
    assert Product.objects.get(slug=SHOES).stock == 5
    assert Rental.objects.get().status == Rental.Status.CANCELLED
    # Both units are free again: a new rental gets the first one.
    RentalUnit.objects.filter(name="Hemlaser 2").update(is_active=False)
    page = client.get(f"/shop/{LASER}/").content.decode()
    assert "Alla enheter är uthyrda" not in page
    # A cancelled order stays cancelled: its status is no longer editable.
    assert 'name="status"' not in client.get(f"{ORDERS}{pickup_order.pk}/change/").content.decode()


def test_cancel_action_returns_stock_once_and_refuses_collected_orders(
    client, pickup_order, receptionist
):
    client.force_login(receptionist)
    action = {"action": "mark_cancelled", "_selected_action": [pickup_order.pk]}
    client.post(ORDERS, action)
    client.post(ORDERS, action)
    assert Product.objects.get(slug=SHOES).stock == 5

    Order.objects.filter(pk=pickup_order.pk).update(status="collected")
    Product.objects.filter(slug=SHOES).update(stock=3)
    response = client.post(ORDERS, action, follow=True)
    assert "kan inte gå från ”Hämtad” till ”Avbruten”" in response.content.decode()
    assert Product.objects.get(slug=SHOES).stock == 3


def test_shipping_marks_the_rental_out_and_returning_it_is_dated(
    client, delivery_order, receptionist, frozen_today
):
    client.force_login(receptionist)
    client.post(
        ORDERS, {"action": "mark_ready_for_pickup", "_selected_action": [delivery_order.pk]}
    )
    delivery_order.refresh_from_db()
    assert delivery_order.status == Order.Status.NEW  # a delivery is not picked up
    client.post(ORDERS, {"action": "mark_shipped", "_selected_action": [delivery_order.pk]})
    rental = Rental.objects.get()
    assert rental.status == Rental.Status.OUT

    client.post(
        "/admin/shop/rental/", {"action": "mark_rental_returned", "_selected_action": [rental.pk]}
    )
    rental.refresh_from_db()
    assert (rental.status, rental.returned_on) == (Rental.Status.RETURNED, frozen_today)


def test_orders_are_filtered_by_status_delivery_and_date_and_found_by_number(
    client, pickup_order, delivery_order, receptionist, django_assert_max_num_queries
):
    client.force_login(receptionist)
    Order.objects.filter(pk=delivery_order.pk).update(status="confirmed")
    with django_assert_max_num_queries(12):
        html = client.get(ORDERS).content.decode()
    assert pickup_order.number in html and delivery_order.number in html

    html = client.get(ORDERS, {"status__exact": "confirmed"}).content.decode()
    assert delivery_order.number in html and pickup_order.number not in html
    html = client.get(ORDERS, {"delivery_method__exact": "pickup"}).content.decode()
    assert pickup_order.number in html and delivery_order.number not in html
    today = timezone.localdate()
    by_day = {"created_at__year": today.year, "created_at__month": today.month}
    html = client.get(ORDERS, {**by_day, "created_at__day": today.day}).content.decode()
    assert pickup_order.number in html
    yesterday = today - datetime.timedelta(days=1)
    html = client.get(
        ORDERS,
        {
            "created_at__year": yesterday.year,
            "created_at__month": yesterday.month,
            "created_at__day": yesterday.day,
        },
    ).content.decode()
    assert pickup_order.number not in html
    html = client.get(ORDERS, {"q": pickup_order.number}).content.decode()
    assert pickup_order.number in html and delivery_order.number not in html


def test_order_page_in_the_admin_shows_lines_rentals_and_the_customer(
    client, pickup_order, receptionist
):
    client.force_login(receptionist)
    html = client.get(f"{ORDERS}{pickup_order.pk}/change/").content.decode()
    assert "Väldämpade skor" in html and "Hemlaser 1" in html
    assert "Åsa Öberg" in html and "Öppna kundens orderbekräftelse" in html


def test_nobody_adds_or_deletes_orders_in_the_admin(client, pickup_order, superuser):
    client.force_login(superuser)
    assert client.get(f"{ORDERS}add/").status_code == 403
    assert client.get(f"{ORDERS}{pickup_order.pk}/delete/").status_code == 403


def test_groups_split_the_shop_between_editors_and_reception(content, editor, receptionist):
    assert receptionist.has_perm("shop.change_order")
    assert receptionist.has_perm("shop.change_rental")
    assert receptionist.has_perm("shop.change_enquiry")
    assert receptionist.has_perm("shop.view_rentalunit")
    assert not receptionist.has_perm("shop.change_product")
    assert not receptionist.has_perm("shop.delete_order")
    assert editor.has_perm("shop.change_product")
    assert editor.has_perm("shop.add_rentalunit")
    assert not editor.has_perm("shop.view_order")
    assert Group.objects.filter(name="Reception").exists()


def test_editor_sets_stock_and_adds_a_laser_unit(client, shop, editor, admin_form):
    client.force_login(editor)
    shoes = Product.objects.get(slug=SHOES)
    url = f"/admin/shop/product/{shoes.pk}/change/"
    data = admin_form(client.get(url))
    data["stock"] = "12"
    assert client.post(url, data).status_code == 302
    assert Product.objects.get(slug=SHOES).stock == 12

    laser = Product.objects.get(slug=LASER)
    url = f"/admin/shop/product/{laser.pk}/change/"
    data = admin_form(client.get(url))
    prefix = "units"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data[f"{prefix}-{total}-name"] = "Hemlaser 3"
    data[f"{prefix}-{total}-is_active"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert RentalUnit.objects.filter(product=laser).count() == 3


def test_rental_products_cannot_get_stock(client, shop, editor, admin_form):
    client.force_login(editor)
    laser = Product.objects.get(slug=LASER)
    url = f"/admin/shop/product/{laser.pk}/change/"
    data = admin_form(client.get(url))
    data["stock"] = "3"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Hyrprodukter har enheter i stället för lager" in response.content.decode()


def test_editor_cannot_open_orders(client, pickup_order, editor):
    client.force_login(editor)
    assert client.get(ORDERS).status_code == 403
