"""The calendar's forms: booking on a patient's behalf, cancelling, and the practitioner's note.

The patient's details follow the rules of every patient form (booking/forms.py PatientFields);
only the e-mail is optional here, as in the admin's staff booking.
"""

import uuid

from django import forms

from shop.models import TreatmentPackage

from ..forms import PatientFields
from ..models import Booking


class PackageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, package):
        return f"{package.name} ({package.duration_minutes} min)"


class CalendarBookingForm(PatientFields):
    package = PackageChoiceField(
        label="Behandling",
        queryset=TreatmentPackage.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Välj en behandling i listan."},
    )
    email = forms.EmailField(
        label="E-post (valfritt)",
        max_length=254,
        required=False,
        help_text="Utan e-post skickas ingen bekräftelse eller påminnelse.",
        widget=forms.EmailInput({"autocomplete": "off"}),
    )
    personnummer = forms.CharField(
        label="Personnummer",
        max_length=20,
        required=False,
        error_messages={"max_length": "Personnumret stämmer inte. Skriv det som ÅÅÅÅMMDD-XXXX."},
        help_text="ÅÅÅÅMMDD-XXXX, med eller utan sekel och streck. Saknar patienten svenskt "
        "personnummer: lämna tomt och fyll i födelsedatum.",
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label="Födelsedatum (om patienten saknar svenskt personnummer)",
        required=False,
        help_text="ÅÅÅÅ-MM-DD",
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
    )
    message = forms.CharField(
        label="Meddelande från patienten (valfritt)",
        max_length=1000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
        error_messages={"max_length": "Meddelandet får vara högst 1000 tecken."},
    )
    wants_recall = forms.BooleanField(
        label="Påminn patienten om återbesök",
        required=False,
        help_text="Gäller behandlingar som leder till återbesök: patienten får ett mejl några "
        "veckor efter besöket med en länk till samma fotspecialists lediga tider, om inget "
        "återbesök redan är bokat. Kräver e-post.",
    )
    # A returning patient's earlier booking, when the personnummer is not shown to this user:
    # left blank, the personnummer (or date of birth) is taken from that booking.
    earlier = forms.ModelChoiceField(
        queryset=Booking.objects.filter(anonymised_at__isnull=True),
        required=False,
        widget=forms.HiddenInput,
    )
    request_token = forms.RegexField(
        regex=r"^[0-9a-f]{32}$",
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "Formuläret har gått ut. Ladda om sidan och försök igen.",
            "required": "Formuläret har gått ut. Ladda om sidan och försök igen.",
        },
    )

    field_order = [
        "package",
        "name",
        "phone",
        "email",
        "personnummer",
        "date_of_birth",
        "message",
        "wants_recall",
        "earlier",
        "request_token",
    ]

    def __init__(self, *args, packages, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("request_token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["package"].queryset = packages
        self.fields["name"].label = "Patientens för- och efternamn"
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].help_text = "Till exempel 070-123 45 67 eller +47 412 34 567."

    def clean(self):
        cleaned = self.cleaned_data
        earlier = cleaned.get("earlier")
        typed = cleaned.get("personnummer") or cleaned.get("date_of_birth")
        mistyped = "personnummer" in self.errors or "date_of_birth" in self.errors
        if earlier and not typed and not mistyped:
            cleaned["personnummer"] = earlier.personnummer
            cleaned["date_of_birth"] = earlier.date_of_birth
        return super().clean()


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Orsak till patienten (valfritt)",
        max_length=500,
        required=False,
        help_text="Skickas i mejlet till patienten, till exempel ”Fotspecialisten är sjuk”.",
        widget=forms.Textarea({"rows": 2}),
        error_messages={"max_length": "Orsaken får vara högst 500 tecken."},
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Anteckning till fotspecialisten",
        max_length=1000,
        required=False,
        help_text="Syns bara för personalen. Tomt tar bort anteckningen.",
        widget=forms.Textarea({"rows": 3}),
        error_messages={"max_length": "Anteckningen får vara högst 1000 tecken."},
    )
