"""Writes of the shop that touch several rows: price history, orders, cancellations, rentals
and enquiries. Each is one transaction; e-mail goes through the outbox after commit."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format

from clinic.mail import queue_email
from clinic.models import Location

from .cart import MAX_QUANTITY, CartLine
from .models import (
    Enquiry,
    Order,
    OrderLine,
    PriceChange,
    Product,
    Rental,
    TreatmentPackage,
    new_order_number,
)
from .money import VAT_RATE, vat_included
from .notifications import send_enquiry_receipt, send_order_status_email
from .payment import start_payment
from .rentals import (
    expected_date,
    free_unit,
    max_rental_weeks,
    next_free_start,
    rental_end,
    rental_start,
    today,
)


def record_price_change(*, item: TreatmentPackage | Product, old_price, user) -> PriceChange | None:
    """Record a price edit of a package or product; nothing when the price did not change."""
    if old_price == item.price:
        return None
    field = "package" if isinstance(item, TreatmentPackage) else "product"
    return PriceChange.objects.create(
        **{field: item}, old_price=old_price, new_price=item.price, changed_by=user
    )


def rental_weeks_problem(product: Product, weeks: int) -> str | None:
    """Why `weeks` of `product` cannot be rented, for the patient; None when they can.

    The one home of the rule: at least the product's minimum, at most SHOP_MAX_RENTAL_WEEKS
    (so a few anonymous orders cannot reserve every unit for a year). The cart and checkout
    forms ask this, and placing an order checks it again.
    """
    if weeks < product.min_rental_weeks:
        return f"Minsta hyrtid är {product.min_rental_weeks} veckor."
    if weeks > max_rental_weeks():
        return f"Du kan hyra högst {max_rental_weeks()} veckor åt gången."
    return None


# --- Placing an order ---------------------------------------------------------------------


class OrderProblem(Exception):
    """Something the patient must fix before ordering. Raised before anything is stored (or
    inside the order's transaction, which then stores nothing)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class CartChanged(OrderProblem):
    pass


class OutOfStock(OrderProblem):
    pass


class NoUnitFree(OrderProblem):
    pass


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    created: bool  # False when a resubmitted checkout found the order it had already placed
    redirect_url: str


def _short_date(day: date) -> str:
    return date_format(day, "j F Y")


def place_order(*, lines: list[CartLine], details: dict, checkout_token: str, on=None):
    """Place the order of `lines` once per checkout token, or return the order it placed.

    `details` holds the checkout form's cleaned fields (name, email, phone, delivery_method,
    address, postal_code, city, pickup_location, payment_method, message). Raises an
    `OrderProblem` with a message for the patient when the cart no longer matches the
    catalogue, an item is out of stock or no rental unit is free; then nothing is stored.
    """
    if not checkout_token:
        raise ValueError("An order needs the checkout form's one-time token.")
    existing = Order.objects.filter(checkout_token=checkout_token).first()
    if existing is not None:
        return PlacedOrder(existing, created=False, redirect_url=existing.get_absolute_url())
    if not lines:
        raise CartChanged("Varukorgen är tom.")
    try:
        order, payment = _create_order(
            lines=lines, details=details, checkout_token=checkout_token, on=on or today()
        )
    except IntegrityError:
        # A double click: the other request stored the order with this token first.
        existing = Order.objects.filter(checkout_token=checkout_token).first()
        if existing is None:
            raise
        return PlacedOrder(existing, created=False, redirect_url=existing.get_absolute_url())
    return PlacedOrder(
        order, created=True, redirect_url=payment.redirect_url or order.get_absolute_url()
    )


def _check_line(line: CartLine, product: Product | None):
    name = line.product.name
    if product is None or not product.is_active or product.price is None:
        raise CartChanged(f"”{name}” kan inte längre beställas. Kontrollera varukorgen.")
    if product.price != line.unit_price:
        raise CartChanged(f"Priset på ”{name}” har just ändrats. Kontrollera varukorgen.")
    if product.is_rental != line.is_rental:
        raise CartChanged(f"”{name}” har ändrats. Kontrollera varukorgen.")
    if not 1 <= line.quantity <= MAX_QUANTITY or (line.is_rental and line.quantity != 1):
        raise CartChanged(f"Antalet av ”{name}” går inte att beställa. Kontrollera varukorgen.")
    weeks_problem = line.is_rental and rental_weeks_problem(product, line.weeks)
    if weeks_problem:
        raise CartChanged(f"”{name}”: {weeks_problem} Kontrollera varukorgen.")


@transaction.atomic
def _create_order(*, lines, details, checkout_token, on):
    # Lock the products in one order (by pk), as every writer does: their prices and stock
    # cannot change under us, and two orders for the same product queue here.
    products = Product.objects.select_for_update().in_bulk(
        sorted(line.product.pk for line in lines)
    )
    for line in lines:
        _check_line(line, products.get(line.product.pk))

    method = details["delivery_method"]
    total = sum(line.total for line in lines)
    order = Order(
        number=_unused_order_number(),
        checkout_token=checkout_token,
        name=details["name"],
        email=details["email"],
        phone=details["phone"],
        delivery_method=method,
        address=details.get("address", "") if method == Order.Delivery.DELIVERY else "",
        postal_code=details.get("postal_code", "") if method == Order.Delivery.DELIVERY else "",
        city=details.get("city", "") if method == Order.Delivery.DELIVERY else "",
        pickup_location=details.get("pickup_location") if method == Order.Delivery.PICKUP else None,
        expected_date=expected_date(method, on),
        payment_method=details["payment_method"],
        total=total,
        vat_amount=vat_included(total),
        message=details.get("message", ""),
    )
    order.full_clean(validate_unique=False, validate_constraints=False)
    # First write of the transaction: a second request with the same token stops here.
    order.save()

    for line in lines:
        product = products[line.product.pk]
        order_line = OrderLine.objects.create(
            order=order,
            product=product,
            product_name=product.name,
            is_rental=line.is_rental,
            unit_price=line.unit_price,
            quantity=line.quantity,
            weeks=line.weeks,
            line_total=line.total,
            vat_rate=VAT_RATE,
            from_stock=product.tracks_stock,
        )
        if product.tracks_stock:
            _take_from_stock(product, line.quantity)
        if line.is_rental:
            _reserve_unit(order, order_line, product, line, on)

    payment = start_payment(order)
    if payment.status != order.payment_status:
        order.payment_status = payment.status
        order.save(update_fields=["payment_status"])

    order = Order.objects.with_lines().get(pk=order.pk)
    context = {"order": order, "next_steps": payment.next_steps}
    queue_email(
        key=f"order-confirmed:{order.pk}",
        to=[order.email],
        template="shop/email/order_confirmed",
        context=context,
    )
    if settings.CLINIC_NOTIFY_EMAILS:
        queue_email(
            key=f"order-new-staff:{order.pk}",
            to=settings.CLINIC_NOTIFY_EMAILS,
            template="shop/email/order_staff",
            context=context,
        )
    return order, payment


def _unused_order_number():
    while True:
        number = new_order_number()
        if not Order.objects.filter(number=number).exists():
            return number


def _take_from_stock(product, quantity):
    # Conditional: never below zero, whatever another transaction did.
    taken = Product.objects.filter(pk=product.pk, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    if not taken:
        raise OutOfStock(
            f"Tyvärr hann någon före: ”{product.name}” finns inte längre i lager i det antal "
            "du valt. Ingen beställning har lagts. Kontrollera varukorgen."
        )


def _reserve_unit(order, order_line, product, line, on):
    start = rental_start(delivery_method=order.delivery_method, wished=line.wished_start, on=on)
    end = rental_end(start, line.weeks)
    unit = free_unit(product, start, end, lock=True)
    if unit is not None:
        try:
            with transaction.atomic():
                Rental.objects.create(
                    order=order,
                    order_line=order_line,
                    unit=unit,
                    start_date=start,
                    end_date=end,
                )
            return
        except IntegrityError:  # PostgreSQL's exclusion constraint: taken meanwhile
            pass
    later = next_free_start(product, line.weeks, start)
    message = (
        f"Tyvärr är ingen ”{product.name}” ledig från {_short_date(start)} "
        f"i {line.weeks} veckor. Ingen beställning har lagts."
    )
    if later:
        message += (
            f" Nästa lediga från {_short_date(later)}: välj ett senare startdatum i varukorgen."
        )
    raise NoUnitFree(message)


# --- Staff handling an order --------------------------------------------------------------


class StatusChangeNotAllowed(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


S = Order.Status
TRANSITIONS = {
    S.NEW: {S.CONFIRMED, S.SHIPPED, S.READY_FOR_PICKUP, S.CANCELLED, S.LAPSED},
    S.CONFIRMED: {S.SHIPPED, S.READY_FOR_PICKUP, S.CANCELLED},
    S.READY_FOR_PICKUP: {S.COLLECTED, S.CANCELLED},
    S.SHIPPED: set(),
    S.COLLECTED: set(),
    S.CANCELLED: set(),
    S.LAPSED: set(),
}
# Statuses only the shop itself sets (lapse_unconfirmed_orders), never offered to staff.
AUTOMATIC = {S.LAPSED}
# Statuses that give back the order's stock and laser units.
RELEASING = {S.CANCELLED, S.LAPSED}
ONLY_FOR = {
    S.SHIPPED: Order.Delivery.DELIVERY,
    S.READY_FOR_PICKUP: Order.Delivery.PICKUP,
    S.COLLECTED: Order.Delivery.PICKUP,
}


def allowed_statuses(order: Order, *, automatic: bool = False) -> list[str]:
    """The statuses `order` may move to next (its own status first); staff's choices unless
    `automatic` (the shop's own jobs)."""
    return [order.status] + [
        status
        for status in Order.Status.values
        if status in TRANSITIONS[order.status]
        and ONLY_FOR.get(status, order.delivery_method) == order.delivery_method
        and (automatic or status not in AUTOMATIC)
    ]


@transaction.atomic
def change_order_status(*, order: Order, status: str, automatic: bool = False) -> Order:
    """Move an order along its flow; cancelling returns its stock and frees its rental units.
    Shipping or handing over an order marks its rentals as out with the patient. The patient
    gets the e-mail of the new status (shop/notifications.py), once."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if status == order.status:
        return order
    if status not in allowed_statuses(order, automatic=automatic):
        raise StatusChangeNotAllowed(
            f"{order.number}: kan inte gå från ”{order.get_status_display()}” "
            f"till ”{Order.Status(status).label}”."
        )
    if status in RELEASING:
        _return_stock_and_units(order)
    if status in (S.SHIPPED, S.COLLECTED):
        order.rentals.filter(status=Rental.Status.BOOKED).update(status=Rental.Status.OUT)
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    send_order_status_email(order)
    return order


def cancel_order(*, order: Order) -> Order:
    return change_order_status(order=order, status=S.CANCELLED)


def _return_stock_and_units(order):
    lines = order.lines.filter(from_stock=True).order_by("product_id")
    for line in lines:
        Product.objects.filter(pk=line.product_id, stock__isnull=False).update(
            stock=F("stock") + line.quantity
        )
    order.rentals.filter(status__in=Rental.BLOCKING).update(status=Rental.Status.CANCELLED)


def unconfirmed_orders_to_lapse(*, now=None):
    """New orders, unpaid and not confirmed by staff within SHOP_UNCONFIRMED_LAPSE_DAYS, that
    still hold a laser unit or tracked stock."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SHOP_UNCONFIRMED_LAPSE_DAYS)
    return (
        Order.objects.filter(
            status=S.NEW,
            payment_status=Order.PaymentStatus.AWAITING,
            created_at__lte=cutoff,
        )
        .filter(Q(rentals__status__in=Rental.BLOCKING) | Q(lines__from_stock=True))
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def lapse_unconfirmed_orders(*, now=None, dry_run: bool = False) -> list[Order]:
    """Let unconfirmed orders lapse: their stock goes back, their laser units are free for
    other orders, and each patient gets one e-mail (through the outbox, after commit).
    Run twice it acts once: a lapsed order is no longer new."""
    lapsed = []
    for pk in list(unconfirmed_orders_to_lapse(now=now).values_list("pk", flat=True)):
        order = Order.objects.select_for_update().get(pk=pk)
        if order.status != S.NEW:  # confirmed by staff a moment ago
            continue
        if dry_run:
            lapsed.append(order)
            continue
        order = change_order_status(order=order, status=S.LAPSED, automatic=True)
        order = Order.objects.with_lines().get(pk=order.pk)
        locations = Location.objects.active().order_by("order", "pk")
        queue_email(
            key=f"order-lapsed:{order.pk}",
            to=[order.email],
            template="shop/email/order_lapsed",
            context={
                "order": order,
                "locations": locations,
                "lapse_days": settings.SHOP_UNCONFIRMED_LAPSE_DAYS,
            },
        )
        lapsed.append(order)
    return lapsed


RENTAL_TRANSITIONS = {
    Rental.Status.BOOKED: {Rental.Status.OUT},
    Rental.Status.OUT: {Rental.Status.RETURNED},
    Rental.Status.RETURNED: set(),
    Rental.Status.CANCELLED: set(),
}


@transaction.atomic
def change_rental_status(*, rental: Rental, status: str, on=None) -> Rental:
    """Hand a unit over (out) or take it back (returned, dated). Cancel through the order."""
    rental = Rental.objects.select_for_update().get(pk=rental.pk)
    if status == rental.status:
        return rental
    if status not in RENTAL_TRANSITIONS[rental.status]:
        raise StatusChangeNotAllowed(
            f"{rental}: kan inte gå från ”{rental.get_status_display()}” "
            f"till ”{Rental.Status(status).label}”."
        )
    rental.status = status
    if status == Rental.Status.RETURNED:
        rental.returned_on = on or today()
    rental.save(update_fields=["status", "returned_on"])
    return rental


# --- Enquiries ----------------------------------------------------------------------------


@transaction.atomic
def create_enquiry(*, product: Product, name, email, phone="", message) -> Enquiry:
    """Store a question about a product, e-mail it to the clinic and a receipt to the patient
    (after commit)."""
    enquiry = Enquiry(product=product, name=name, email=email, phone=phone, message=message)
    enquiry.full_clean()
    enquiry.save()
    send_enquiry_receipt(enquiry)
    if settings.CLINIC_NOTIFY_EMAILS:
        queue_email(
            key=f"enquiry:{enquiry.pk}",
            to=settings.CLINIC_NOTIFY_EMAILS,
            template="shop/email/enquiry",
            context={"enquiry": enquiry},
        )
    return enquiry
