"""A patient's details, validated in one place: name, mobile phone, personnummer, date of birth.

The functions clean one value each and raise `ValidationError` with the Swedish message the
patient reads; reception's search uses them to match a number however it is typed.
`PatientDetailsMixin` gives a form the matching `clean_<field>` methods and the identity rule
(a personnummer, or a date of birth for a patient without one). Every form that asks for a
patient's details uses it: booking, waitlist, shop checkout and enquiry, reception's booking
form in the admin. Fields stay each form's own (labels, help texts, required or not); a form
is cleaned only for the fields it has.
"""

from datetime import date

from django import forms
from django.utils import timezone
from personnummer import personnummer

from .phones import e164

NAME_WITHOUT_LETTERS = "Skriv ditt namn med bokstäver."
INVALID_PHONE = "Telefonnumret stämmer inte. Skriv till exempel 070-123 45 67 eller +47 412 34 567."
INVALID_PERSONNUMMER = (
    "Personnumret stämmer inte. Skriv det som ÅÅÅÅMMDD-XXXX och kontrollera siffrorna."
)
INVALID_BIRTH_DATE = "Kontrollera födelsedatumet."
IDENTITY_MISSING = "Fyll i personnummer, eller födelsedatum om du saknar personnummer."

OLDEST_PATIENT_YEARS = 120


def clean_name(value: str) -> str:
    """'  Åsa   Lind ' -> 'Åsa Lind'; a name needs at least one letter."""
    name = " ".join((value or "").split())
    if name and not any(ch.isalpha() for ch in name):
        raise forms.ValidationError(NAME_WITHOUT_LETTERS, code="invalid_name")
    return name


def clean_phone(value: str) -> str:
    """A Swedish or international phone number -> E.164 ('+46701234567'); '' stays ''."""
    value = (value or "").strip()
    if not value:
        return ""
    number = e164(value)
    if number is None:
        raise forms.ValidationError(INVALID_PHONE, code="invalid_phone")
    return number


def clean_personnummer(value: str) -> str:
    """Any usual way of writing a personnummer (with or without century, dash or plus,
    spaces) -> 12 digits (YYYYMMDDNNNN); '' stays ''."""
    compact = "".join((value or "").split())
    if not compact:
        return ""
    if len(compact) > 13 or not personnummer.valid(compact):
        raise forms.ValidationError(INVALID_PERSONNUMMER, code="invalid_personnummer")
    return personnummer.Personnummer(compact).format(long_format=True)


def clean_date_of_birth(born: date | None) -> date | None:
    """A date of birth between 120 years ago and today (Stockholm's date)."""
    today = timezone.localdate()
    if born and not (date(today.year - OLDEST_PATIENT_YEARS, 1, 1) <= born <= today):
        raise forms.ValidationError(INVALID_BIRTH_DATE, code="invalid_birth_date")
    return born


def check_identity(personnummer_value: str, born: date | None) -> None:
    """The rule of every booking (and the constraint `booking_identifies_the_patient`)."""
    if not personnummer_value and not born:
        raise forms.ValidationError(IDENTITY_MISSING, code="identity_missing")


class PatientDetailsMixin:
    """`clean_<field>` for the patient's details a form has, and the identity rule when it
    asks for both personnummer and date of birth. Put it before the form class in the bases:
    `class CheckoutForm(PatientDetailsMixin, forms.Form)`."""

    def clean_name(self):
        return clean_name(self.cleaned_data.get("name"))

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone"))

    def clean_personnummer(self):
        return clean_personnummer(self.cleaned_data.get("personnummer"))

    def clean_date_of_birth(self):
        return clean_date_of_birth(self.cleaned_data.get("date_of_birth"))

    def identity_required(self) -> bool:
        """Whether the form asks who the patient is; a form may narrow it (a move does not)."""
        return "personnummer" in self.fields and "date_of_birth" in self.fields

    def clean(self):
        cleaned = super().clean()
        if self.identity_required() and not ({"personnummer", "date_of_birth"} & set(self.errors)):
            try:
                check_identity(cleaned.get("personnummer"), cleaned.get("date_of_birth"))
            except forms.ValidationError as error:
                self.add_error("personnummer", error)
        return cleaned
