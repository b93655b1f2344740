import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clinic import cache
from clinic.throttle import rate_limit

from . import services
from .cart import Cart, totals
from .forms import AddToCartForm, CartLineForm, CheckoutForm, EnquiryForm
from .models import Order, Product, Treatment
from .payment import next_steps
from .rentals import earliest_expected_date, expected_date, next_free_start, next_weekday

ID = re.compile(r"[0-9]{1,18}")
ISSUED_TOKENS = "checkout_tokens"  # session key: checkout tokens this session was given
KEEP_TOKENS = 10


def _day(value):
    return date_format(value, "j F Y")


def treatment_list(request):
    treatments = Treatment.objects.active().with_packages()
    return render(request, "shop/treatment_list.html", {"treatments": treatments})


def treatment_detail(request, slug):
    treatment = get_object_or_404(Treatment.objects.active().with_packages(), slug=slug)
    return render(request, "shop/treatment_detail.html", {"treatment": treatment})


def product_list(request):
    return render(request, "shop/product_list.html", {"products": Product.objects.active()})


def terms(request):
    return render(request, "shop/terms.html")


# --- A product: add it to the cart, or ask about it ---------------------------------------


def _rental_availability(product, weeks, wished):
    """(first possible start, first start with a free unit or None) for a rental."""
    earliest = earliest_expected_date()
    not_before = next_weekday(max(earliest, wished) if wished else earliest)
    return not_before, next_free_start(product, weeks, not_before)


def _product_form_kind(request):
    """A product page has two forms: adding to the cart, and asking about the product."""
    return "enquiry" if request.POST.get("form") == "enquiry" else "cart"


@rate_limit(_product_form_kind)
@require_http_methods(["GET", "HEAD", "POST"])
def product_detail(request, slug):
    product = get_object_or_404(Product.objects.active(), slug=slug)
    cart = Cart(request.session)
    earliest = earliest_expected_date()
    available_from = None
    orderable = product.can_be_ordered
    if orderable and product.is_rental:
        available_from = next_free_start(product, product.min_rental_weeks, earliest)
        orderable = available_from is not None
    add_form = AddToCartForm(product=product, cart=cart) if orderable else None
    if add_form and product.is_rental and available_from != earliest:
        add_form.initial["start"] = available_from
    enquiry_form = EnquiryForm() if not orderable else None

    if request.method == "POST" and request.POST.get("form") == "enquiry":
        enquiry_form = EnquiryForm(request.POST)
        if enquiry_form.is_valid():
            services.create_enquiry(product=product, **enquiry_form.cleaned_data)
            messages.success(
                request, "Tack! Vi har tagit emot din fråga och svarar så snart vi kan."
            )
            return redirect(product)
    elif request.method == "POST":
        if not orderable:
            messages.error(request, "Den här produkten kan inte beställas här just nu.")
            return redirect(product)
        add_form = AddToCartForm(request.POST, product=product, cart=cart)
        if add_form.is_valid() and _add_to_cart(request, cart, product, add_form):
            return redirect("shop:cart")

    return render(
        request,
        "shop/product_detail.html",
        {
            "product": product,
            "add_form": add_form,
            "enquiry_form": enquiry_form,
            "available_from": available_from,
            "earliest": earliest,
            "min_rental_total": (
                product.price * product.min_rental_weeks
                if product.is_rental and product.price is not None
                else None
            ),
        },
    )


def _rental_is_free(form, product, weeks, wished):
    """Whether a unit is free for the period; if not, a form error says from when one is.
    (Checkout checks again, under lock, for the patient's delivery method.)"""
    not_before, free_from = _rental_availability(product, weeks, wished)
    if free_from is None:
        form.add_error(None, "Det finns ingen enhet att hyra just nu. Fråga oss gärna.")
        return False
    if free_from != not_before:
        form.add_error(
            "start",
            f"Ingen enhet är ledig från {_day(not_before)} i {weeks} veckor. "
            f"Nästa lediga från {_day(free_from)}: välj det datumet eller ett senare.",
        )
        return False
    return True


def _add_to_cart(request, cart, product, form):
    data = form.cleaned_data
    if not product.is_rental:
        cart.put(product, quantity=data["quantity"])
        messages.success(request, f"”{product.name}” ligger nu i varukorgen.")
        return True
    weeks, wished = data["weeks"], data.get("start")
    if not _rental_is_free(form, product, weeks, wished):
        return False
    replaced = cart.get(product.pk) is not None
    cart.put(product, weeks=weeks, wished_start=wished)
    messages.success(
        request,
        f"Hyrperioden för ”{product.name}” är ändrad."
        if replaced
        else f"”{product.name}” i {weeks} veckor ligger nu i varukorgen.",
    )
    return True


# --- The cart -----------------------------------------------------------------------------


def _line_form(line, data=None):
    initial = {"quantity": line.quantity, "weeks": line.weeks, "start": line.wished_start}
    return CartLineForm(
        data, product=line.product, initial=initial, prefix=f"line-{line.product.pk}"
    )


@never_cache
@rate_limit("cart")
@require_http_methods(["GET", "HEAD", "POST"])
def cart_view(request):
    cart = Cart(request.session)
    if request.method == "POST":
        product_id = request.POST.get("product", "")
        entry = cart.get(product_id) if ID.fullmatch(product_id) else None
        if entry is None:
            messages.error(request, "Varan finns inte i varukorgen.")
            return redirect("shop:cart")
        if request.POST.get("action") == "remove":
            cart.remove(product_id)
            messages.success(request, f"”{entry['name']}” är borttagen ur varukorgen.")
            return redirect("shop:cart")
    request.versions = cache.versions()  # before the products are read
    lines, problems = cart.resolve()  # prices and stock, at once (orders move no version)
    for problem in problems:
        messages.warning(request, problem)
    invalid = {}
    if request.method == "POST" and not problems:
        line = next((line for line in lines if str(line.product.pk) == product_id), None)
        if line is not None:
            form = _line_form(line, request.POST)
            data = form.cleaned_data if form.is_valid() else None
            if data is not None and (
                not line.is_rental
                or _rental_is_free(form, line.product, data["weeks"], data.get("start"))
            ):
                cart.put(
                    line.product,
                    quantity=data.get("quantity", 1),
                    weeks=data.get("weeks"),
                    wished_start=data.get("start"),
                )
                messages.success(request, f"”{line.product.name}” är uppdaterad.")
                return redirect("shop:cart")
            invalid[line.product.pk] = form

    def page():
        rows = [(line, invalid.get(line.product.pk) or _line_form(line)) for line in lines]
        context = {"lines": lines, "rows": rows, **totals(lines), **_delivery_dates()}
        return render(request, "shop/cart.html", context)

    # The page's forms carry TOKEN: clinic/cache.py puts in this visitor's CSRF token.
    request.csrf_hole = True
    if request.method == "POST" or len(messages.get_messages(request)):  # messages: shown once
        return page()
    # The same for everyone whose cart is the same after the check above: kept
    # (clinic/cache.py) under the cart, today's date (delivery dates) and the versions.
    until = timezone.now() + timedelta(seconds=settings.PAGE_CACHE_SECONDS)
    where = (request.get_host(), request.get_full_path(), cart.fingerprint(), timezone.localdate())
    content = cache.remember(
        lambda: (page().content, until), "cart", *where, depends=request.versions
    )
    return HttpResponse(content)


def _delivery_dates():
    return {
        "pickup_date": expected_date(Order.Delivery.PICKUP),
        "delivery_date": expected_date(Order.Delivery.DELIVERY),
    }


# --- Checkout -----------------------------------------------------------------------------


def _issue_token(request):
    token = secrets.token_urlsafe(24)
    issued = request.session.get(ISSUED_TOKENS, [])
    if not isinstance(issued, list):
        issued = []
    request.session[ISSUED_TOKENS] = [*issued, token][-KEEP_TOKENS:]
    return token


def _was_issued(request, token):
    issued = request.session.get(ISSUED_TOKENS, [])
    return bool(token) and isinstance(issued, list) and token in issued


@never_cache
@rate_limit("checkout")
@require_http_methods(["GET", "HEAD", "POST"])
def checkout(request):
    cart = Cart(request.session)
    token = request.POST.get("checkout_token", "") if request.method == "POST" else ""
    valid_token = _was_issued(request, token)
    if valid_token:
        # A double click or a resubmitted form: show the order this checkout placed.
        placed = Order.objects.filter(checkout_token=token).first()
        if placed is not None:
            cart.clear()
            return redirect(placed)

    lines, problems = cart.resolve()
    for problem in problems:
        messages.warning(request, problem)
    if not lines:
        if not problems:
            messages.info(request, "Varukorgen är tom. Lägg något i den först.")
        return redirect("shop:cart")

    if request.method != "POST":
        form = CheckoutForm(
            initial={
                "checkout_token": _issue_token(request),
                "cart_fingerprint": cart.fingerprint(),
            }
        )
    else:
        submitted_fingerprint = request.POST.get("cart_fingerprint", "")
        data = request.POST.copy()
        data["checkout_token"] = token if valid_token else _issue_token(request)
        data["cart_fingerprint"] = cart.fingerprint()
        form = CheckoutForm(data)
        if form.is_valid() and not problems:
            if not valid_token:
                form.add_error(
                    None, "Kassan hade hunnit gå ut. Kontrollera uppgifterna och skicka igen."
                )
            elif submitted_fingerprint != cart.fingerprint():
                form.add_error(
                    None,
                    "Varukorgen har ändrats sedan du öppnade kassan. "
                    "Kontrollera beställningen nedan och skicka igen.",
                )
            else:
                try:
                    placed = services.place_order(
                        lines=lines, details=form.cleaned_data, checkout_token=token
                    )
                except services.OrderProblem as problem:
                    lines, more = cart.resolve()
                    for text in more:
                        messages.warning(request, text)
                    if not lines:
                        messages.error(request, problem.message)
                        return redirect("shop:cart")
                    form.add_error(None, problem.message)
                    form.data["cart_fingerprint"] = cart.fingerprint()
                else:
                    cart.clear()
                    return redirect(placed.redirect_url)
    return render(
        request,
        "shop/checkout.html",
        {"form": form, "lines": lines, **totals(lines), **_delivery_dates()},
    )


@never_cache
def order_confirmation(request, token):
    order = get_object_or_404(Order.objects.with_lines(), access_token=token)
    return render(
        request,
        "shop/order_confirmation.html",
        {"order": order, "next_steps": next_steps(order)},
    )
