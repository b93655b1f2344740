"""Payment: the one place a payment provider plugs in.

`start_payment(order)` is called by `services.place_order` inside the order's transaction,
once the order and its lines are stored. Today's methods need no provider: an invoice is
sent with (or after) the goods, and pay-at-pick-up is settled at the clinic's desk. Both
leave the order awaiting payment and tell the patient what happens next.

To add card payment later: add a choice to `Order.Payment`, write a class with the same
`start` method that creates the payment at the provider and returns a `PaymentResult` with
`redirect_url` set (the view then sends the patient there instead of to the confirmation),
register it in `METHODS`, and add a webhook view that marks the order paid.
"""

from dataclasses import dataclass

from .models import Order


@dataclass(frozen=True)
class PaymentResult:
    status: str  # an Order.PaymentStatus value
    next_steps: str  # shown to the patient on the confirmation page and in the e-mail
    redirect_url: str | None = None  # a card provider's payment page, when there is one


class InvoicePayment:
    code = Order.Payment.INVOICE
    next_steps = "Du får en faktura från oss. Betala den inom den tid som står på fakturan."

    def start(self, order: Order) -> PaymentResult:
        return PaymentResult(status=Order.PaymentStatus.AWAITING, next_steps=self.next_steps)


class PayAtPickup:
    code = Order.Payment.AT_PICKUP
    next_steps = "Du betalar när du hämtar din beställning på mottagningen."

    def start(self, order: Order) -> PaymentResult:
        return PaymentResult(status=Order.PaymentStatus.AWAITING, next_steps=self.next_steps)


METHODS = {method.code: method for method in [InvoicePayment(), PayAtPickup()]}


def start_payment(order: Order) -> PaymentResult:
    return METHODS[order.payment_method].start(order)


def next_steps(order: Order) -> str:
    """What the patient is told about paying, for pages and e-mails after the order."""
    if order.payment_status == Order.PaymentStatus.PAID:
        return "Beställningen är betald."
    return METHODS[order.payment_method].next_steps
