"""Formatting for the shop: amounts with öre (the VAT), and phone numbers."""

from decimal import Decimal, InvalidOperation

import phonenumbers
from django import template

register = template.Library()

NBSP = "\u00a0"


@register.filter
def kr_ore(value):
    """Decimal("39.80") -> "39,80 kr", as Swedish amounts with öre are written."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return value
    kronor, ore = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(kronor):,}".replace(",", NBSP)
    sign = "−" if amount < 0 else ""
    return f"{sign}{grouped},{ore}{NBSP}kr"


@register.filter
def phone(value):
    """ "+46701234567" -> "+46 70 123 45 67"; anything else as it is."""
    try:
        number = phonenumbers.parse(value, "SE")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
