"""What every public form shares: a honeypot field against form spam.

    class BookingForm(HoneypotFormMixin, forms.ModelForm): ...

adds a text field that people never see (moved off screen by the CSS class `hp-field` on its
wrapper; screen readers read its label, which asks to leave it empty). Spam robots fill in
every field. A form whose honeypot is filled is invalid: the view's usual
`if form.is_valid(): ...` stores nothing, and the page says only that the form could not be
sent. Nothing about the submission is logged.
"""

import logging

from django import forms
from django.forms.boundfield import BoundField

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"
HONEYPOT_ERROR = (
    "Formuläret kunde inte skickas. Lämna fältet ”Lämna detta fält tomt” tomt och försök igen."
)


class HoneypotBoundField(BoundField):
    def css_classes(self, extra_classes=None):
        return " ".join(filter(None, [super().css_classes(extra_classes), "hp-field"]))


class HoneypotField(forms.CharField):
    bound_field_class = HoneypotBoundField

    def __init__(self, **kwargs):
        super().__init__(
            label="Lämna detta fält tomt",
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
            **kwargs,
        )


class HoneypotFormMixin:
    """Put first in the bases: `class MyForm(HoneypotFormMixin, forms.Form)`."""

    honeypot_field = HONEYPOT_FIELD

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_field] = HoneypotField()

    @property
    def is_spam(self):
        return bool(self.is_bound and self.data.get(self.add_prefix(self.honeypot_field)))

    def full_clean(self):
        super().full_clean()
        if self.is_spam:
            logger.info("honeypot filled: form %s rejected", type(self).__name__)
            self.add_error(None, HONEYPOT_ERROR)
