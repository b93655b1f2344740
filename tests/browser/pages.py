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
    # Round two: slot list, booking form, confirmation, manage page, cart, checkout,
    # order confirmation, e.g.
    # PageSpec("slot-list", "/boka/stockholm/nybesok/"),
    # PageSpec("cart", setup=put_heel_cups_in_cart),
]

FORMS: list[FormSpec] = [
    # Round two, e.g.:
    # FormSpec("booking-details", invalid=("id_name", "id_email", "id_phone"),
    #          setup=choose_first_free_slot),
]

WEIGHED = [
    WeighedPage("home", "/"),
    # The budget: at most 8 requests and 60 KB transferred, the page without images.
    WeighedPage("article", ARTICLE, max_requests=8, max_kb=60),
    # Round two: WeighedPage("slot-list", "/boka/stockholm/nybesok/"),
    #            WeighedPage("checkout", "/shop/kassa/", setup=put_heel_cups_in_cart),
]

# `make lighthouse`: audited in Lighthouse's mobile preset against the production-like server.
LIGHTHOUSE = [
    ("home", "/"),
    ("article", ARTICLE),
    # Round two: ("slot-list", "/boka/stockholm/nybesok/"),
]


def resolve(spec, page, base_url):
    """The path to open for a spec, after its setup (if any) has run."""
    if spec.setup is not None:
        return spec.setup(page, base_url) or spec.path
    return spec.path
