"""Home-laser units: one rental per unit at a time, the next free date, a later start."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from shop.models import Order, Product, Rental, RentalUnit
from shop.rentals import next_free_start

from .conftest import LASER, SHOES, add, check_out, delivery, make_rental, pickup

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

D = datetime.date
CART = "/shop/varukorg/"


@pytest.fixture
def units(shop):
    return list(RentalUnit.objects.filter(product__slug=LASER).order_by("pk"))


@pytest.fixture
def stockholm(content):
    from clinic.models import Location

    return Location.objects.get(slug="stockholm")


def test_the_clinic_starts_with_two_laser_units(units):
    assert [unit.name for unit in units] == ["Hemlaser 1", "Hemlaser 2"]


def test_next_free_start_finds_the_first_gap_long_enough(units):
    laser = units[0].product
    make_rental(units[0], D(2026, 12, 3), D(2026, 12, 17))
    make_rental(units[1], D(2026, 12, 3), D(2026, 12, 10))
    make_rental(units[1], D(2026, 12, 21), D(2027, 1, 4))
    make_rental(units[1], D(2026, 12, 10), D(2026, 12, 21), status="cancelled")  # frees nothing
    assert next_free_start(laser, 2, D(2026, 12, 3)) == D(2026, 12, 17)
    assert next_free_start(laser, 1, D(2026, 12, 3)) == D(2026, 12, 10)
    assert next_free_start(laser, 2, D(2026, 11, 18)) == D(2026, 11, 18)  # back to back
    RentalUnit.objects.update(is_active=False)
    assert next_free_start(laser, 2, D(2026, 12, 3)) is None


def test_product_page_says_when_the_next_unit_is_free_and_offers_that_start(
    client, units, frozen_today
):
    for unit in units:
        make_rental(unit, D(2026, 12, 1), D(2026, 12, 17))
    html = client.get(f"/shop/{LASER}/").content.decode()
    assert "Alla enheter är uthyrda just nu" in html
    assert "Nästa lediga från <strong>17 december 2026</strong>" in html
    assert 'value="2026-12-17"' in html


def test_product_page_says_the_laser_is_free_from_the_pickup_day(client, units, frozen_today):
    html = client.get(f"/shop/{LASER}/").content.decode()
    assert "Ledig" in html and "redan 3 december" in html


def test_start_in_a_busy_period_is_refused_with_the_next_free_date(client, units, frozen_today):
    for unit in units:
        make_rental(unit, D(2026, 12, 1), D(2026, 12, 17))
    response = add(client, LASER, weeks=2)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ingen enhet är ledig från 3 december 2026 i 2 veckor." in html
    assert "Nästa lediga från 17 december 2026" in html


def test_patient_chooses_a_later_start_and_the_rental_starts_then(
    client, units, stockholm, frozen_today
):
    for unit in units:
        make_rental(unit, D(2026, 12, 1), D(2026, 12, 17))
    assert add(client, LASER, weeks=2, start="2026-12-17").status_code == 302
    assert "tidigast 17 december 2026" in client.get(CART).content.decode()
    assert check_out(client, pickup(stockholm)).status_code == 302
    rental = Rental.objects.get(order__name="Åsa Öberg")
    assert (rental.unit.name, rental.start_date, rental.end_date) == (
        "Hemlaser 1",
        D(2026, 12, 17),
        D(2026, 12, 31),
    )


def test_rental_starts_on_the_expected_delivery_day_and_weekends_move_to_monday(
    client, units, stockholm, frozen_today
):
    add(client, LASER, weeks=2)
    check_out(client, delivery())
    assert Rental.objects.get().start_date == D(2026, 12, 7)  # Wednesday + 3 working days

    add(client, LASER, weeks=2, start="2026-12-05")  # a Saturday
    check_out(client, pickup(stockholm))
    second = Rental.objects.order_by("pk").last()
    assert (second.unit.name, second.start_date) == ("Hemlaser 2", D(2026, 12, 7))


def test_no_unit_free_at_checkout_stores_nothing_and_says_when(
    client, units, stockholm, frozen_today
):
    add(client, SHOES, quantity=1)
    add(client, LASER, weeks=2)
    for unit in units:  # taken by others after the patient put the laser in the cart
        make_rental(unit, D(2026, 12, 1), D(2026, 12, 21))
    orders_before = Order.objects.count()
    response = check_out(client, pickup(stockholm))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tyvärr är ingen ”Medicinsk hemlaser av högsta kvalitet” ledig från 3 december" in html
    assert "Nästa lediga från 21 december 2026" in html
    assert "Ingen beställning har lagts." in html
    assert Order.objects.count() == orders_before
    assert Product.objects.get(slug=SHOES).stock == 5


def test_returned_or_cancelled_rentals_free_their_unit(client, units, frozen_today):
    make_rental(units[0], D(2026, 12, 1), D(2026, 12, 17), status="returned")
    make_rental(units[1], D(2026, 12, 1), D(2026, 12, 17), status="cancelled")
    assert next_free_start(units[0].product, 2, D(2026, 12, 3)) == D(2026, 12, 3)


def test_laser_without_units_offers_an_enquiry(client, units):
    RentalUnit.objects.update(is_active=False)
    html = client.get(f"/shop/{LASER}/").content.decode()
    assert "Ingen enhet går att hyra just nu" in html
    assert "Lägg hyran i varukorgen" not in html
    assert "Skicka frågan" in html


def test_staff_cannot_move_a_rental_onto_a_unit_that_is_out(client, units, superuser, admin_form):
    first = make_rental(units[0], D(2026, 12, 1), D(2026, 12, 15))
    second = make_rental(units[1], D(2026, 12, 1), D(2026, 12, 15))
    client.force_login(superuser)
    url = f"/admin/shop/rental/{second.pk}/change/"
    data = admin_form(client.get(url))
    data["unit"] = str(first.unit_id)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Enheten är redan uthyrd under en del av perioden." in response.content.decode()
    second.refresh_from_db()
    assert second.unit == units[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints: PostgreSQL")
def test_postgresql_refuses_overlapping_rentals_of_one_unit(units):
    make_rental(units[0], D(2026, 12, 1), D(2026, 12, 15))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_rental(units[0], D(2026, 12, 14), D(2026, 12, 28))
    make_rental(units[0], D(2026, 12, 15), D(2026, 12, 29))  # back to back is fine
    make_rental(units[1], D(2026, 12, 1), D(2026, 12, 15))  # another unit is fine
    make_rental(units[0], D(2026, 12, 1), D(2026, 12, 15), status="cancelled")
