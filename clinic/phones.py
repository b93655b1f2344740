"""Phone numbers, parsed once: stored as E.164, shown as Swedes write them.

`e164` is the one parser: the patient forms (clinic/patients.py) and the locations' own
numbers use it, each with its own message.
"""

import phonenumbers

INVALID = "Telefonnumret stämmer inte. Skriv till exempel 08-123 45 67 eller 031-12 34 56."


def _parse(value):
    try:
        return phonenumbers.parse(value, "SE") if value else None
    except phonenumbers.NumberParseException:
        return None


def e164(value: str) -> str | None:
    """Any Swedish or international way of writing a valid number -> '+46701234567'; else None.

    '070-123 45 67', '0701234567' and '+46 70 123 45 67' all give '+46701234567'."""
    number = _parse(value)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_location_phone(value: str) -> str:
    """'08-123 45 67' -> '+4681234567'; ValueError with a Swedish message."""
    number = e164(value)
    if number is None:
        raise ValueError(INVALID)
    return number


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
