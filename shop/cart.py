"""The cart, kept in the session: product id -> quantity (or weeks and a wished start for a
rental), with the name and price the patient saw when adding it.

The session is the server's, so its content is what this module wrote; still, every line is
checked again against the catalogue before it is shown or ordered (`Cart.resolve`), and
anything that changed since (a product gone, a new price, a new minimum rental time, stock
run out) is corrected in the cart and reported to the patient in plain Swedish.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date

from clinic.templatetags.clinic import kr

from .models import Product
from .money import line_total, vat_included
from .rentals import SESSION_WEEKS_CEILING, max_rental_weeks

SESSION_KEY = "cart"
MAX_QUANTITY = 20


@dataclass
class CartLine:
    product: Product
    quantity: int
    weeks: int | None
    wished_start: date | None
    unit_price: int  # the price the patient has seen, whole kronor including VAT

    @property
    def is_rental(self):
        return self.weeks is not None

    @property
    def product_name(self):
        return self.product.name

    @property
    def total(self) -> int:
        return line_total(unit_price=self.unit_price, quantity=self.quantity, weeks=self.weeks)


def _parse_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _is_count(value, low, high):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


class Cart:
    def __init__(self, session):
        self.session = session
        raw = session.get(SESSION_KEY)
        self.data = {}
        if isinstance(raw, dict):
            for key, entry in raw.items():
                if self._well_formed(key, entry):
                    self.data[key] = entry

    @staticmethod
    def _well_formed(key, entry):
        return (
            isinstance(key, str)
            and re.fullmatch(r"[0-9]{1,18}", key)
            and isinstance(entry, dict)
            and _is_count(entry.get("quantity"), 1, MAX_QUANTITY)
            and (entry.get("weeks") is None or _is_count(entry["weeks"], 1, SESSION_WEEKS_CEILING))
            and _is_count(entry.get("price"), 0, 10**9)
            and isinstance(entry.get("name"), str)
        )

    # --- reading -----------------------------------------------------------------------

    def __bool__(self):
        return bool(self.data)

    @property
    def count(self) -> int:
        """The number of items, as the header shows it."""
        return sum(entry["quantity"] for entry in self.data.values())

    def get(self, product_id):
        return self.data.get(str(product_id))

    def fingerprint(self) -> str:
        """Changes with the cart: the checkout form carries it, to catch a stale form."""
        payload = json.dumps(self.data, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:20]

    # --- writing -----------------------------------------------------------------------

    def save(self):
        self.session[SESSION_KEY] = self.data
        self.session.modified = True

    def put(self, product, *, quantity=1, weeks=None, wished_start=None):
        """Set the line of `product` (replacing what was there)."""
        self.data[str(product.pk)] = {
            "name": product.name,
            "price": product.price,
            "quantity": quantity,
            "weeks": weeks,
            "start": wished_start.isoformat() if wished_start else None,
        }
        self.save()

    def remove(self, product_id):
        if self.data.pop(str(product_id), None) is not None:
            self.save()

    def clear(self):
        self.data = {}
        self.save()

    # --- checking against the catalogue ------------------------------------------------

    def resolve(self) -> tuple[list[CartLine], list[str]]:
        """The lines with their products (one query), and what had to be corrected.

        Corrections are written to the cart, so a second look finds nothing new.
        """
        products = Product.objects.in_bulk([int(key) for key in self.data])
        lines, problems = [], []
        changed = False
        for key, entry in list(self.data.items()):
            product = products.get(int(key))
            name = product.name if product else entry["name"]
            if product is None or not product.is_active:
                problems.append(f"”{name}” finns inte längre i shoppen och har tagits bort.")
                del self.data[key]
                changed = True
                continue
            if product.price is None or product.is_rental != (entry["weeks"] is not None):
                problems.append(
                    f"”{name}” kan inte längre beställas här och har tagits bort. "
                    "Fråga oss gärna om den på produktens sida."
                )
                del self.data[key]
                changed = True
                continue
            if product.price != entry["price"]:
                problems.append(
                    f"Priset på ”{name}” har ändrats från {kr(entry['price'])} "
                    f"till {kr(product.price)}. Kontrollera summan."
                )
                entry["price"] = product.price
                changed = True
            if product.is_rental and entry["weeks"] < product.min_rental_weeks:
                problems.append(
                    f"Minsta hyrtid för ”{name}” är {product.min_rental_weeks} veckor; "
                    f"hyrtiden har ändrats till {product.min_rental_weeks} veckor."
                )
                entry["weeks"] = product.min_rental_weeks
                changed = True
            if product.is_rental and entry["weeks"] > max_rental_weeks():
                problems.append(
                    f"Du kan hyra ”{name}” högst {max_rental_weeks()} veckor åt gången; "
                    f"hyrtiden har ändrats till {max_rental_weeks()} veckor."
                )
                entry["weeks"] = max_rental_weeks()
                changed = True
            if product.is_rental and entry["quantity"] != 1:
                entry["quantity"] = 1
                changed = True
            if product.tracks_stock and entry["quantity"] > product.stock:
                if product.stock == 0:
                    problems.append(f"”{name}” är slut i lager och har tagits bort.")
                    del self.data[key]
                    changed = True
                    continue
                problems.append(
                    f"Det finns bara {product.stock} av ”{name}” i lager; "
                    f"antalet har ändrats till {product.stock}."
                )
                entry["quantity"] = product.stock
                changed = True
            wished = _parse_date(entry.get("start"))
            lines.append(
                CartLine(
                    product=product,
                    quantity=entry["quantity"],
                    weeks=entry["weeks"],
                    wished_start=wished,
                    unit_price=entry["price"],
                )
            )
        if changed:
            self.save()
        lines.sort(key=lambda line: (line.product.order, line.product.name))
        return lines, problems


def totals(lines):
    """The total in whole kronor and the VAT in it."""
    total = sum(line.total for line in lines)
    return {"total": total, "vat": vat_included(total)}
