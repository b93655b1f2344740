"""The clinic's own phone numbers: validated and stored as E.164, shown as Swedes write them."""

import phonenumbers

INVALID = "Telefonnumret stämmer inte. Skriv till exempel 08-123 45 67 eller 031-12 34 56."


def normalise_location_phone(value: str) -> str:
    """'08-123 45 67' -> '+4681234567'; ValueError with a Swedish message."""
    try:
        number = phonenumbers.parse(value, "SE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError(INVALID)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parse(value):
    try:
        return phonenumbers.parse(value, "SE") if value else None
    except phonenumbers.NumberParseException:
        return None


def format_national(value: str) -> str:
    """'+4681234567' -> '08-123 45 67'; numbers abroad in international form."""
    number = _parse(value)
    if number is None:
        return value
    if number.country_code == 46:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel_uri(value: str) -> str:
    number = _parse(value)
    if number is None:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
