"""Each step of an order the checkout promises an e-mail for sends it, once; the rental's
due-back reminder goes out two days before the return day, once; an enquiry gets a receipt."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from clinic.models import Location, OutboxEmail
from shop.models import Order, Rental

from .conftest import HEEL_CUPS, LASER, SHOES, add, check_out, delivery, pickup

pytestmark = pytest.mark.django_db

ORDERS = "/admin/shop/order/"
STOCKHOLM_TZ = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def stockholm(content):
    return Location.objects.get(slug="stockholm")


def order_placed(client, data):
    check_out(client, data)
    return Order.objects.order_by("pk").last()


def at_eight(day):
    return datetime.datetime.combine(day, datetime.time(8), tzinfo=STOCKHOLM_TZ)


def act(client, order, status):
    return client.post(ORDERS, {"action": f"mark_{status}", "_selected_action": [order.pk]})


def patient_mails(kind):
    return OutboxEmail.objects.filter(key__startswith=f"order-status-{kind}:")


def test_a_pickup_order_sends_confirmed_and_ready_once_each_with_the_address(
    client, shop, stockholm, frozen_today, receptionist
):
    add(client, SHOES, quantity=1)
    order = order_placed(client, pickup(stockholm))
    client.force_login(receptionist)
    for status in ["confirmed", "confirmed", "ready_for_pickup", "ready_for_pickup"]:
        act(client, order, status)
    assert patient_mails("confirmed").count() == 1
    assert patient_mails("ready_for_pickup").count() == 1
    ready = patient_mails("ready_for_pickup").get()
    assert ready.to == "asa@example.com"
    assert "klar att hämta" in ready.subject
    assert "Hälsingegatan 2" in ready.body and order.number in ready.body
    accepted = patient_mails("confirmed").get()
    assert "bekräftad" in accepted.subject
    act(client, order, "collected")
    assert not patient_mails("collected").exists()


def test_a_delivery_order_sends_shipped_once_with_the_address(
    client, shop, frozen_today, receptionist
):
    add(client, HEEL_CUPS, quantity=1)
    order = order_placed(client, delivery())
    client.force_login(receptionist)
    act(client, order, "shipped")
    act(client, order, "shipped")
    shipped = patient_mails("shipped").get()
    assert "skickad" in shipped.subject and "Storgatan 1" in shipped.body


def test_the_clinic_cancelling_an_order_tells_the_patient_once(
    client, shop, frozen_today, receptionist
):
    add(client, HEEL_CUPS, quantity=1)
    order = order_placed(client, delivery())
    client.force_login(receptionist)
    act(client, order, "cancelled")
    act(client, order, "cancelled")
    cancelled = patient_mails("cancelled").get()
    assert "avbruten" in cancelled.subject
    assert "Mottagningen har avbrutit din beställning" in cancelled.body


def test_rental_due_back_reminder_two_days_before_once_however_often_it_runs(
    client, shop, stockholm, receptionist, run_command
):
    with time_machine.travel(at_eight(datetime.date(2026, 12, 2))):
        add(client, LASER, weeks=2)
        order = order_placed(client, pickup(stockholm))
        client.force_login(receptionist)
        act(client, order, "ready_for_pickup")
        act(client, order, "collected")
    rental = Rental.objects.get()
    assert rental.status == Rental.Status.OUT
    end = rental.end_date

    def reminders_on(day):
        with time_machine.travel(at_eight(day)):
            run_command("send_rental_reminders")
        return OutboxEmail.objects.filter(key__startswith="rental-due:")

    assert not reminders_on(end - datetime.timedelta(days=3)).exists()
    assert reminders_on(end - datetime.timedelta(days=2)).count() == 1
    assert reminders_on(end - datetime.timedelta(days=2)).count() == 1
    assert reminders_on(end - datetime.timedelta(days=1)).count() == 1
    reminder = OutboxEmail.objects.get(key__startswith="rental-due:")
    assert reminder.to == "asa@example.com"
    assert "lämna tillbaka det du hyr" in reminder.subject
    assert order.number in reminder.body and "Hälsingegatan 2" in reminder.body
    assert "/shop/villkor/" in reminder.body


def test_a_returned_rental_gets_no_reminder(client, shop, stockholm, receptionist, run_command):
    with time_machine.travel(at_eight(datetime.date(2026, 12, 2))):
        add(client, LASER, weeks=2)
        order = order_placed(client, pickup(stockholm))
        client.force_login(receptionist)
        act(client, order, "ready_for_pickup")
        act(client, order, "collected")
    Rental.objects.update(status=Rental.Status.RETURNED)
    end = Rental.objects.get().end_date
    with time_machine.travel(at_eight(end - datetime.timedelta(days=2))):
        run_command("send_rental_reminders")
    assert not OutboxEmail.objects.filter(key__startswith="rental-due:").exists()


def test_an_enquiry_sends_the_patient_a_receipt_once(
    client, shop, settings, django_capture_on_commit_callbacks
):
    settings.CLINIC_NOTIFY_EMAILS = ["info@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/shop/begagnad-hemlaser/",
            {
                "form": "enquiry",
                "name": "Bo Ek",
                "email": "bo@example.com",
                "phone": "",
                "message": "Finns det en begagnad hemlaser?",
            },
        )
    receipts = [m for m in mail.outbox if m.to == ["bo@example.com"]]
    assert len(receipts) == 1
    assert "Vi har fått din fråga" in receipts[0].subject
    assert "Finns det en begagnad hemlaser?" in receipts[0].body
    assert OutboxEmail.objects.filter(key__startswith="enquiry-receipt:").count() == 1
