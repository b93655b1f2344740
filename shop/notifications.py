"""The shop's e-mails to patients after the order: each status change the checkout promises,
the rental's due-back reminder and the enquiry's receipt. Each is queued once through the
outbox (clinic/mail.py): its key is a unique row, so a repeated change or a second run of a
command finds the message already there and queues nothing."""

from datetime import timedelta

from django.db import transaction

from clinic import hours
from clinic.mail import queue_email
from clinic.models import Location, OutboxEmail

from .models import Enquiry, Order, Rental
from .rentals import today

# The order statuses a patient hears about, and the e-mail template that tells them.
STATUS_EMAILS = {
    Order.Status.CONFIRMED: "shop/email/order_accepted",
    Order.Status.SHIPPED: "shop/email/order_shipped",
    Order.Status.READY_FOR_PICKUP: "shop/email/order_ready",
    Order.Status.CANCELLED: "shop/email/order_cancelled",
}
RENTAL_REMINDER_DAYS = 2


def send_order_status_email(order: Order):
    """Queue the e-mail for the order's current status, if the patient gets one for it."""
    template = STATUS_EMAILS.get(order.status)
    if template is None:
        return None
    order = Order.objects.with_lines().select_related("pickup_location").get(pk=order.pk)
    return queue_email(
        key=f"order-status-{order.status}:{order.pk}",
        to=[order.email],
        template=template,
        context={
            "order": order,
            "location": order.pickup_location,
            "open_days": [  # the weekdays with hours; none until staff fill them in
                (day, rows) for day, rows in hours.week(order.pickup_location) if rows
            ]
            if order.pickup_location
            else [],
        },
    )


def send_enquiry_receipt(enquiry: Enquiry):
    return queue_email(
        key=f"enquiry-receipt:{enquiry.pk}",
        to=[enquiry.email],
        template="shop/email/enquiry_receipt",
        context={"enquiry": enquiry},
    )


def rentals_due_soon(on=None):
    """Rentals with the patient whose return day is within RENTAL_REMINDER_DAYS days."""
    on = on or today()
    return Rental.objects.filter(
        status=Rental.Status.OUT,
        end_date__gt=on,
        end_date__lte=on + timedelta(days=RENTAL_REMINDER_DAYS),
    )


def send_rental_reminders(*, on=None, dry_run=False) -> int:
    """Queue one due-back reminder per rental (per return day); returns how many were new."""
    sent = 0
    for rental in rentals_due_soon(on).select_related("order__pickup_location", "order_line"):
        key = f"rental-due:{rental.pk}:{rental.end_date.isoformat()}"
        if OutboxEmail.objects.filter(key=key).exists():
            continue
        sent += 1
        if dry_run:
            continue
        order = rental.order
        locations = [order.pickup_location] if order.pickup_location else Location.objects.active()
        with transaction.atomic():
            queue_email(
                key=key,
                to=[order.email],
                template="shop/email/rental_due",
                context={"rental": rental, "order": order, "locations": list(locations)},
            )
    return sent
