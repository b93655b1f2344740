"""What the browser tests visit. Adding a page type, a form or a weighed page is one entry.

PAGES: every page type a patient can land on. Each is checked at 375 and 1280 px (and 640 px,
a 1280 px screen at 200 % zoom) for zero axe violations at WCAG 2.2 A/AA, one h1, headings
in order, `lang="sv"`, no horizontal scrolling, large enough touch targets and every control
reachable with Tab. A page that needs data or earlier steps (a cart, a booking's manage link)
gets a `setup(page, base_url) -> path` that prepares them, through the browser or the ORM
(the test thread shares the live server's database), and returns the path to check.

FORMS: every public form, submitted wrong; see `checks.assert_form_errors_are_tied_to_fields`.

WEIGHED: pages whose requests and bytes are recorded against the production-like server
(`prodlike.py`) in test_page_weight.py, with budgets where the issue sets them.

LIGHTHOUSE: the pages `make lighthouse` audits (a report, not a test).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests import setups


@dataclass(frozen=True)
class PageSpec:
    name: str
    path: str = ""
    status: int = 200
    # Optional: prepares state and returns the path to check, e.g. a cart with one product.
    setup: Callable | None = None

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class FormSpec:
    """A form submitted with `fill` (empty by default): the fields in `invalid` must be marked."""

    name: str
    path: str
    invalid: tuple[str, ...]
    form: str = "main form"
    fill: dict = field(default_factory=dict)
    submit: str = "button[type=submit], input[type=submit]"
    setup: Callable | None = None

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class WeighedPage:
    name: str
    path: str
    max_requests: int | None = None
    max_kb: float | None = None
    # Steps before the page is loaded and measured, e.g. putting a product in the cart:
    # `setup(page, base_url) -> path`, through the browser only (the production-like server
    # has its own database).
    setup: Callable | None = None

    def __str__(self):
        return self.name


ARTICLE = "/besvar/halkuddesyndrom/"

PAGES = [
    PageSpec("home", "/"),
    PageSpec("conditions", "/besvar/"),
    PageSpec("article", ARTICLE),
    PageSpec("treatments", "/behandlingar/"),
    PageSpec("treatment", "/behandlingar/halkoppar-och-skoinlagg/"),
    PageSpec("shop", "/shop/"),
    PageSpec("product", "/shop/halkoppar-och-skoinlagg/"),
    PageSpec("rental-product", "/shop/hemlaser/"),
    PageSpec("accessibility-statement", "/tillganglighet/"),
    PageSpec("booking-start", "/boka/"),
    PageSpec("not-found", "/finns-inte/", status=404),
    PageSpec("location-contact", "/kontakt/stockholm/"),
    PageSpec("privacy-notice", "/integritet/"),
    PageSpec("terms", "/shop/villkor/"),
    # Booking, step by step, and the waitlist.
    PageSpec("slot-list", setup=setups.with_slots),
    PageSpec("booking-details", setup=setups.choose_first_free_time),
    PageSpec("booking-details-time-taken", setup=setups.chosen_time_taken_meanwhile),
    PageSpec("booking-confirmation", setup=setups.booking_confirmation),
    PageSpec("booking-confirmation-short-notice", setup=setups.booking_confirmation_short_notice),
    PageSpec("booking-manage", setup=setups.booking_manage),
    PageSpec("booking-cancel", setup=setups.booking_cancel),
    PageSpec("booking-cancelled", setup=setups.booking_cancelled),
    PageSpec("booking-move", setup=setups.booking_move),
    PageSpec("recall-no-thanks", setup=setups.recall_no_thanks),
    PageSpec("waitlist-join", "/boka/stockholm/nybesok/vantelista/"),
    PageSpec("waitlist-joined", "/boka/vantelista/anmald/"),
    PageSpec("waitlist-confirm", setup=setups.waitlist_confirm),
    PageSpec("waitlist-confirmed", setup=setups.waitlist_confirmed),
    PageSpec("waitlist-confirmed-free-times", setup=setups.waitlist_confirmed_with_free_times),
    PageSpec("waitlist-change", setup=setups.waitlist_change),
    PageSpec("waitlist-change-gone", setup=setups.waitlist_change_gone, status=404),
    PageSpec("waitlist-offer", setup=setups.waitlist_offer),
    # The shop: cart, checkout, the order's confirmation.
    PageSpec("cart-empty", "/shop/varukorg/"),
    PageSpec("cart-filled", setup=setups.filled_cart),
    PageSpec("checkout", setup=setups.checkout_with_cart),
    PageSpec("order-confirmation", setup=setups.order_confirmation),
]

FORMS: list[FormSpec] = [
    FormSpec(
        "booking-details",
        "",
        form="form[action$='/uppgifter/']",
        invalid=("id_name", "id_email", "id_phone", "id_personnummer", "id_consent"),
        fill={"email": "inte-en-adress", "phone": "12", "message": "Ont i hälen 🦶"},
        setup=setups.choose_first_free_time,
    ),
    FormSpec(
        "waitlist-join",
        "/boka/stockholm/nybesok/vantelista/",
        invalid=("id_email", "id_phone", "id_personnummer", "id_consent"),
        fill={"name": "Åsa Öberg", "email": "asa@", "personnummer": "19850709-0000"},
    ),
    FormSpec(
        "checkout",
        "",
        form="form.checkout-form",
        invalid=(
            "id_email",
            "id_phone",
            "id_delivery_method_0",
            "id_payment_method_0",
            "id_accept_terms",
        ),
        fill={"name": "Åsa Öberg", "email": "asa@@example", "phone": "0"},
        setup=setups.checkout_with_cart,
    ),
    FormSpec(
        "enquiry",
        f"/shop/{setups.SHOES}/",
        form="form:has(input[name=form][value=enquiry])",
        invalid=("id_name", "id_email", "id_message"),
        fill={"phone": "070-123 45 67"},
    ),
]

WEIGHED = [
    WeighedPage("home", "/"),
    # The budget: at most 8 requests and 60 KB transferred, the page without images.
    WeighedPage("article", ARTICLE, max_requests=8, max_kb=60),
    # The booking and shop pages within the article's budget too.
    WeighedPage("slot-list", setups.SLOT_LIST, max_requests=8, max_kb=60),
    # One pair of heel cups in the cart (the production-like server has TEST_PRICES).
    WeighedPage(
        "checkout",
        "/shop/varukorg/kassa/",
        max_requests=8,
        max_kb=60,
        setup=setups.put_heel_cups_in_cart,
    ),
]

# `make lighthouse`: audited in Lighthouse's mobile preset against the production-like server.
LIGHTHOUSE = [
    ("home", "/"),
    ("article", ARTICLE),
    ("slot-list", setups.SLOT_LIST),
]


def resolve(spec, page, base_url):
    """The path to open for a spec, after its setup (if any) has run."""
    if spec.setup is not None:
        return spec.setup(page, base_url) or spec.path
    return spec.path
