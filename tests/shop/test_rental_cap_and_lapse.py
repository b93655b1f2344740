"""Issue 12, item 7: a rental is at most SHOP_MAX_RENTAL_WEEKS long, and an order staff have
not confirmed gives back its laser unit and stock after SHOP_UNCONFIRMED_LAPSE_DAYS."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from clinic.models import OutboxEmail
from shop.models import Order, Product, Rental, RentalUnit
from shop.services import change_order_status

from .conftest import LASER, SHOES, add, check_out, checkout_form, delivery

pytestmark = pytest.mark.django_db

# A Wednesday morning in Stockholm; every date below is derived from it.
PLACED = datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Europe/Stockholm"))
LAPSE = timedelta(days=3)


@pytest.fixture
def clock():
    with time_machine.travel(PLACED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def one_laser(shop):
    """Only one unit can be rented, so a second order shows whether it is free."""
    RentalUnit.objects.filter(product__slug=LASER).exclude(name="Hemlaser 1").update(
        is_active=False
    )


def order_laser_and_shoes(client, email="asa@example.com"):
    assert add(client, LASER, weeks=4).status_code == 302
    assert add(client, SHOES, quantity=2).status_code == 302
    assert check_out(client, delivery(email=email)).status_code == 302
    return Order.objects.get(email=email)


def lapse(run_command, *args):
    return run_command("lapse_unconfirmed_orders", *args, stdout=None) or ""


def lapsed_mails(order):
    return [m for m in mail.outbox if m.to == [order.email] and "förfallit" in m.subject]


# --- The cap ------------------------------------------------------------------------------


def test_rental_longer_than_twelve_weeks_is_refused_and_nothing_goes_in_the_cart(
    client, shop, clock
):
    response = add(client, LASER, weeks=13)
    assert response.status_code == 200
    assert "Du kan hyra högst 12 veckor åt gången." in response.content.decode()
    assert response.context["form"]["weeks"].value() == "13"  # what was typed stays
    assert not client.session.get("cart")
    assert add(client, LASER, weeks=12).status_code == 302


def test_the_cap_follows_the_setting(client, shop, clock, settings):
    settings.SHOP_MAX_RENTAL_WEEKS = 4
    response = add(client, LASER, weeks=5)
    assert "Du kan hyra högst 4 veckor åt gången." in response.content.decode()
    assert not client.session.get("cart")


def test_changing_a_cart_line_beyond_the_cap_is_refused(client, shop, clock):
    add(client, LASER, weeks=4)
    laser = Product.objects.get(slug=LASER)
    prefix = f"line-{laser.pk}"
    response = client.post("/shop/varukorg/", {"product": str(laser.pk), f"{prefix}-weeks": "52"})
    assert response.status_code == 200
    assert "Du kan hyra högst 12 veckor åt gången." in response.content.decode()
    assert client.session["cart"][str(laser.pk)]["weeks"] == 4


def test_a_cart_from_before_a_lower_cap_is_corrected_and_no_order_is_placed(
    client, shop, clock, settings
):
    add(client, LASER, weeks=12)
    form = checkout_form(client)  # the checkout page as it was, with 12 weeks
    settings.SHOP_MAX_RENTAL_WEEKS = 4
    response = client.post("/shop/varukorg/kassa/", {**form, **delivery()}, follow=True)
    assert Order.objects.count() == 0 and Rental.objects.count() == 0
    assert "högst 4 veckor åt gången" in response.content.decode()
    laser = Product.objects.get(slug=LASER)
    assert client.session["cart"][str(laser.pk)]["weeks"] == 4


# --- The lapse ----------------------------------------------------------------------------


def test_unconfirmed_order_keeps_its_laser_and_stock_until_three_days_have_passed(
    client, one_laser, clock, run_command
):
    order = order_laser_and_shoes(client)
    clock.move_to(PLACED + LAPSE - timedelta(minutes=1))
    lapse(run_command)
    order.refresh_from_db()
    assert order.status == Order.Status.NEW
    assert Product.objects.get(slug=SHOES).stock == 3
    assert order.rentals.get().status == Rental.Status.BOOKED
    assert not lapsed_mails(order)


def test_after_three_days_the_order_lapses_stock_returns_and_the_unit_is_free_again(
    client, one_laser, clock, run_command
):
    order = order_laser_and_shoes(client)
    clock.move_to(PLACED + LAPSE + timedelta(minutes=1))
    lapse(run_command)
    order.refresh_from_db()
    assert order.status == Order.Status.LAPSED
    assert Product.objects.get(slug=SHOES).stock == 5
    assert order.rentals.get().status == Rental.Status.CANCELLED
    # Another patient can now rent the only unit for the period the lapsed order held.
    client.session.flush()
    other = order_laser_and_shoes(client, email="bo@example.com")
    assert other.rentals.get().unit == order.rentals.get().unit
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Beställningen har förfallit" in page


def test_lapse_run_twice_acts_once_and_mails_the_patient_once(
    client, one_laser, clock, run_command
):
    order = order_laser_and_shoes(client)
    clock.move_to(PLACED + LAPSE + timedelta(hours=1))
    mail.outbox.clear()
    lapse(run_command)
    lapse(run_command)
    assert Product.objects.get(slug=SHOES).stock == 5  # put back once, not twice
    assert OutboxEmail.objects.filter(key=f"order-lapsed:{order.pk}").count() == 1
    [message] = lapsed_mails(order)
    assert order.number in message.subject
    assert "har därför förfallit" in message.body
    assert "http://testserver/shop/" in message.body  # how to order again
    assert "Hälsingegatan 2" in message.body and "Norra Allégatan 8" in message.body


def test_dry_run_lists_the_order_and_changes_nothing(client, one_laser, clock, capsys):
    order = order_laser_and_shoes(client)
    clock.move_to(PLACED + LAPSE + timedelta(hours=1))
    call_command("lapse_unconfirmed_orders", "--dry-run")
    assert f"would lapse 1 unconfirmed orders: {order.number}" in capsys.readouterr().out
    order.refresh_from_db()
    assert order.status == Order.Status.NEW
    assert Product.objects.get(slug=SHOES).stock == 3
    assert not OutboxEmail.objects.filter(key=f"order-lapsed:{order.pk}").exists()


def test_confirmed_orders_never_lapse(client, one_laser, clock, run_command):
    order = order_laser_and_shoes(client)
    change_order_status(order=order, status=Order.Status.CONFIRMED)
    clock.move_to(PLACED + timedelta(days=30))
    lapse(run_command)
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert order.rentals.get().status == Rental.Status.BOOKED
    assert Product.objects.get(slug=SHOES).stock == 3


def test_staff_are_not_offered_the_lapsed_status(client, one_laser, clock, receptionist):
    order = order_laser_and_shoes(client)
    client.force_login(receptionist)
    html = client.get(f"/admin/shop/order/{order.pk}/change/").content.decode()
    assert 'value="confirmed"' in html
    assert 'value="lapsed"' not in html
