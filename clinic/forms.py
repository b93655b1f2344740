"""What every public form shares: a honeypot field against form spam.

    class BookingForm(HoneypotFormMixin, forms.ModelForm): ...

adds a text field that people never meet (the CSS class `hp-field` on its wrapper moves it
off screen and hides it from the keyboard and screen readers; read without CSS, its label
asks to leave it empty). A template that renders
fields one by one renders it with `{{ form.honeypot|as_crispy_field }}`. Spam robots fill in
every field. A form whose honeypot is filled is invalid: the view's usual
`if form.is_valid(): ...` stores nothing, and the page says only that the form could not be
sent, with no word of why (a robot learns nothing). The honeypot comes back empty, so a
person whose browser filled it in by mistake just sends again. Nothing about the submission
is logged.
"""

import logging

from django import forms
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"
HONEYPOT_ERROR = "Formuläret kunde inte skickas. Kontrollera uppgifterna och skicka igen."


class HoneypotBoundField(BoundField):
    def css_classes(self, extra_classes=None):
        return " ".join(filter(None, [super().css_classes(extra_classes), "hp-field"]))

    def value(self):
        return None  # never shown again: what a robot wrote stays out of the page


class HoneypotField(forms.CharField):
    bound_field_class = HoneypotBoundField

    def __init__(self, **kwargs):
        super().__init__(
            label="Lämna detta fält tomt",
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
            **kwargs,
        )

    def clean(self, value):
        return ""  # no error of its own, whatever was sent: the form as a whole is refused


class HoneypotFormMixin:
    """Put first in the bases: `class MyForm(HoneypotFormMixin, forms.Form)`."""

    honeypot_field = HONEYPOT_FIELD

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.honeypot_field] = HoneypotField()

    @property
    def honeypot(self):
        """The bound honeypot field, for templates that render fields one by one."""
        return self[self.honeypot_field]

    @property
    def is_spam(self):
        if not self.is_bound:
            return False
        name = self.add_prefix(self.honeypot_field)
        values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
        return any(values)

    def full_clean(self):
        super().full_clean()
        if hasattr(self, "cleaned_data"):
            self.cleaned_data.pop(self.honeypot_field, None)  # the views' data stays their own
        if self.is_spam:
            logger.info("honeypot filled: form %s rejected", type(self).__name__)
            self.add_error(None, HONEYPOT_ERROR)


def privacy_link():
    """Help text for a consent checkbox: a link to the privacy notice, beside the label."""
    return _privacy_link()


def _render_privacy_link():
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">Läs integritetsinformationen '
        "(öppnas i en ny flik)</a>",
        reverse("clinic:privacy"),
    )


_privacy_link = lazy(_render_privacy_link, SafeString)
