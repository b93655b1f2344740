"""Money in the shop: whole kronor as integers, VAT in öre as a Decimal. Never a float.

Prices are entered including VAT (moms). The VAT contained in a price is

    vat = price * rate / (100 + rate)

computed in whole öre with integer arithmetic and rounded half up to the nearest öre
(Skatteverket accepts rounding the VAT amount to öre). For the 25 % rate of these goods and
prices in whole kronor the division is exact: 25/125 = 1/5, so the VAT of 199 kr is 39,80 kr
and no rounding ever happens. The rounding rule matters only if a rate such as 12 % or 6 %
is added later. VAT is computed on the order total, which for one rate equals the sum of the
lines' VAT.
"""

from decimal import Decimal

VAT_RATE = 25  # percent, for the goods and rentals of the shop


def vat_included(amount_kr: int, rate: int = VAT_RATE) -> Decimal:
    """The VAT contained in `amount_kr` (whole kronor including VAT), in kronor with öre."""
    if amount_kr < 0:
        raise ValueError("amount must not be negative")
    numerator = amount_kr * 100 * rate  # öre * rate
    denominator = 100 + rate
    ore = (2 * numerator + denominator) // (2 * denominator)  # round half up
    return (Decimal(ore) / 100).quantize(Decimal("0.01"))


def line_total(*, unit_price: int, quantity: int = 1, weeks: int | None = None) -> int:
    """A line's total in whole kronor: price x quantity, or price per week x weeks for a rental."""
    return unit_price * quantity * (weeks or 1)
