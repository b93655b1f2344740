"""Patients checking out at the same moment: the last item is sold once, a unit rented once.

Each patient is a thread with its own test client and database connection; a barrier sends
the checkouts together. On PostgreSQL this is the proof (row locks, the conditional stock
update and the exclusion constraint); on SQLite writers are serialised (IMMEDIATE
transactions) and the same test shows that nothing is written twice and nobody gets a 500.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from clinic.models import Location
from shop.models import Order, Product, Rental, RentalUnit

from .conftest import LASER, SHOES, add, checkout_form, pickup

pytestmark = pytest.mark.django_db(transaction=True)

PATIENTS = 4


def race(prepare):
    """Each patient fills a cart and opens the checkout, then all submit at once."""
    location = Location.objects.get(slug="stockholm")
    clients = []
    for number in range(PATIENTS):
        client = Client()
        prepare(client)
        clients.append((client, checkout_form(client), number))
    barrier = threading.Barrier(PATIENTS)
    results = [None] * PATIENTS

    def patient(client, hidden, number):
        try:
            barrier.wait(timeout=30)
            response = client.post(
                "/shop/varukorg/kassa/",
                {**hidden, **pickup(location, email=f"patient{number}@example.com")},
                follow=True,
            )
            results[number] = (response.status_code, response.content.decode())
        except Exception as error:  # a crash must fail the test, not vanish in the thread
            results[number] = (None, repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=patient, args=args) for args in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_or_more_patients_buying_the_last_pair_one_gets_it_the_others_are_told(shop):
    Product.objects.filter(slug=SHOES).update(stock=1)
    results = race(lambda client: add(client, SHOES, quantity=1))

    assert all(status == 200 for status, _ in results), results
    won = [html for _, html in results if "Tack för din beställning" in html]
    # Told at the order's lock, or (if the winner had already committed) when the checkout
    # checked the cart against the stock.
    lost = [
        html
        for _, html in results
        if "Tyvärr hann någon före" in html
        or "”Väldämpade skor” är slut i lager och har tagits bort." in html
    ]
    assert len(won) == 1, [html[:200] for _, html in results]
    assert len(lost) == PATIENTS - 1, [html[html.find('role="status"') :][:300] for html in lost]
    assert Order.objects.count() == 1
    assert Product.objects.get(slug=SHOES).stock == 0


def test_patients_renting_the_last_free_laser_for_the_same_weeks_get_it_once(shop):
    RentalUnit.objects.filter(name="Hemlaser 2").update(is_active=False)
    results = race(lambda client: add(client, LASER, weeks=3))

    assert all(status == 200 for status, _ in results), results
    won = [html for _, html in results if "Tack för din beställning" in html]
    lost = [html for _, html in results if "Tyvärr är ingen" in html]
    assert len(won) == 1, [html[:200] for _, html in results]
    assert len(lost) == PATIENTS - 1
    assert all("Nästa lediga från" in html for html in lost)
    assert Order.objects.count() == 1
    rental = Rental.objects.get()
    assert rental.unit.name == "Hemlaser 1"


def test_two_units_serve_two_of_the_patients_renting_at_once(shop):
    results = race(lambda client: add(client, LASER, weeks=2))
    won = [html for status, html in results if status == 200 and "Tack för din" in html]
    assert len(won) == 2
    assert sorted(Rental.objects.values_list("unit__name", flat=True)) == [
        "Hemlaser 1",
        "Hemlaser 2",
    ]


def test_a_double_click_racing_itself_places_one_order(shop):
    location = Location.objects.get(slug="stockholm")
    client = Client()
    add(client, SHOES, quantity=1)
    hidden = checkout_form(client)
    session_cookie = client.cookies
    barrier = threading.Barrier(2)
    results = []

    def click():
        twin = Client()
        twin.cookies = session_cookie
        try:
            barrier.wait(timeout=30)
            response = twin.post("/shop/varukorg/kassa/", {**hidden, **pickup(location)})
            results.append((response.status_code, response.get("Location", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    order = Order.objects.get()
    assert results == [(302, order.get_absolute_url())] * 2
    assert Product.objects.get(slug=SHOES).stock == 4
