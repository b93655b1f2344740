"""The patient's booking and waitlist forms (their details are cleaned by clinic.patients)."""

import uuid
from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from clinic.email_typos import suggest_domain
from clinic.forms import HoneypotFormMixin, privacy_link
from clinic.patients import PatientDetailsMixin

from .models import Slot, TimeOfDay, Weekday


class SlotChoiceField(forms.ModelChoiceField):
    """A start. Cleaned to its id without a query: whether it can be booked is
    services.book_slot's to say. Its queryset gives the choices shown after a clash
    (BookingForm.offer_other_times)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def label_from_instance(self, slot):
        local = timezone.localtime(slot.start)
        return date_format(local, "l j F \\k\\l. H:i").capitalize()


class PatientFields(PatientDetailsMixin, forms.Form):
    """What we ask of every patient; shared by booking and the waitlist."""

    name = forms.CharField(
        label="För- och efternamn",
        max_length=120,
        widget=forms.TextInput({"autocomplete": "name"}),
        error_messages={"max_length": "Namnet får vara högst 120 tecken."},
    )
    email = forms.EmailField(
        label="E-post",
        max_length=254,
        help_text="Hit skickar vi bekräftelsen och länken för att ändra eller avboka.",
        widget=forms.EmailInput({"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Mobiltelefon",
        max_length=30,
        help_text="Svenskt nummer eller internationellt med landsnummer, till exempel +47.",
        widget=forms.TextInput({"autocomplete": "tel", "type": "tel"}),
    )
    personnummer = forms.CharField(
        label="Personnummer",
        max_length=20,
        error_messages={"max_length": "Personnumret stämmer inte. Skriv det som ÅÅÅÅMMDD-XXXX."},
        required=False,
        help_text=(
            "ÅÅÅÅMMDD-XXXX. Saknar du svenskt personnummer: lämna tomt och fyll i födelsedatum."
        ),
        widget=forms.TextInput({"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label="Födelsedatum (om du saknar svenskt personnummer)",
        required=False,
        help_text="ÅÅÅÅ-MM-DD",
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
    )


def recall_field(form, package):
    """The "Påminn mig om återbesök" checkbox (off by default), only for a package that leads
    to a return visit; it says when the e-mail comes."""
    if not package.leads_to_return_visit:
        del form.fields["wants_recall"]
        return
    weeks = package.recall_weeks
    form.fields["wants_recall"].help_text = (
        f"Vi mejlar dig {weeks} {'vecka' if weeks == 1 else 'veckor'} efter besöket med en "
        "länk till din fotspecialists lediga tider för återbesök, om du inte redan har bokat."
    )


class BookingForm(HoneypotFormMixin, PatientFields):
    slot = SlotChoiceField(
        label="Tid",
        queryset=Slot.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Välj en tid.", "required": "Välj en tid."},
    )
    message = forms.CharField(
        label="Meddelande till mottagningen (valfritt)",
        max_length=1000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"max_length": "Meddelandet får vara högst 1000 tecken."},
    )
    wants_recall = forms.BooleanField(label="Påminn mig om återbesök", required=False)
    consent = forms.BooleanField(
        label="Jag har läst integritetsinformationen och samtycker till att mottagningen "
        "sparar mina uppgifter för bokningen.",
        help_text=privacy_link(),
        error_messages={"required": "Du behöver godkänna integritetsinformationen för att boka."},
    )
    request_token = forms.RegexField(
        regex=r"^[0-9a-f]{32}$",
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "Formuläret har gått ut. Ladda om sidan och försök igen.",
            "required": "Formuläret har gått ut. Ladda om sidan och försök igen.",
        },
    )
    # The address the e-mail hint was shown for: sent again unchanged, it is used as typed.
    email_checked = forms.CharField(required=False, widget=forms.HiddenInput, max_length=254)

    field_order = [
        "slot",
        "name",
        "email",
        "phone",
        "personnummer",
        "date_of_birth",
        "message",
        "wants_recall",
        "consent",
        "request_token",
    ]

    def __init__(self, *args, package, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("request_token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        recall_field(self, package)

    def email_hint(self):
        """The domain the patient probably meant, if they have not yet seen the hint for this
        address; the form then shows the hint once and remembers the address it was for."""
        email = self.cleaned_data.get("email", "")
        suggestion = suggest_domain(email)
        if not suggestion or self.cleaned_data.get("email_checked") == email:
            return None
        self.data = self.data.copy()
        self.data["email_checked"] = email
        return suggestion

    def offer_other_times(self, slots):
        """After a clash: show the week's free times as choices, keeping everything typed."""
        self.fields["slot"].widget = forms.RadioSelect()
        self.fields["slot"].empty_label = None  # no "---------" among the times
        self.fields["slot"].queryset = slots
        self.fields["slot"].label = "Välj en annan tid"
        if self.is_bound:
            self.data = self.data.copy()
            self.data.pop("slot", None)


class WaitlistForm(HoneypotFormMixin, PatientFields):
    earliest_date = forms.DateField(
        label="Tidigast",
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        help_text="Första dagen du kan komma (ÅÅÅÅ-MM-DD).",
    )
    latest_date = forms.DateField(
        label="Senast",
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        help_text="Sista dagen du kan komma. Efter den tas du bort från listan automatiskt.",
    )
    weekdays = forms.MultipleChoiceField(
        label="Dagar som passar (valfritt)",
        choices=[(str(value), label.capitalize()) for value, label in Weekday.choices[:5]],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Välj inga om alla vardagar passar.",
    )
    time_of_day = forms.ChoiceField(
        label="Tid på dagen",
        choices=TimeOfDay.choices,
        initial=TimeOfDay.ANY,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label="Jag har läst integritetsinformationen och samtycker till att mottagningen "
        "sparar mina uppgifter för väntelistan.",
        help_text=privacy_link(),
        error_messages={"required": "Du behöver godkänna integritetsinformationen."},
    )

    field_order = [
        "earliest_date",
        "latest_date",
        "weekdays",
        "time_of_day",
        "name",
        "email",
        "phone",
        "personnummer",
        "date_of_birth",
        "consent",
    ]

    def __init__(self, *args, practitioners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = (
            "Hit skickar vi länken för att bekräfta din plats på väntelistan, "
            "och erbjudanden om tider som blir lediga."
        )
        if len(practitioners) > 1:  # a choice only where there is one to make
            self.fields["practitioner"] = forms.TypedChoiceField(
                label="Fotspecialist",
                choices=[("", "Första lediga fotspecialist")]
                + [(str(person.pk), person.display_name) for person in practitioners],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": "Välj en fotspecialist i listan."},
            )
            self.order_fields(["practitioner", *self.field_order])

    def clean(self):
        cleaned = super().clean()
        earliest, latest = cleaned.get("earliest_date"), cleaned.get("latest_date")
        today = timezone.localdate()
        if earliest and earliest < today:
            self.add_error("earliest_date", "Välj i dag eller en senare dag.")
        if earliest and latest and latest < earliest:
            self.add_error("latest_date", "Det senaste datumet måste vara efter det tidigaste.")
        if latest and latest > today + timedelta(days=366):
            self.add_error("latest_date", "Väntelistan gäller högst ett år framåt.")
        return cleaned

    def wishes(self):
        data = self.cleaned_data
        return {
            "earliest_date": data["earliest_date"],
            "latest_date": data["latest_date"],
            "weekdays": "".join(sorted(data["weekdays"])),
            "time_of_day": data["time_of_day"],
            "practitioner_id": data.get("practitioner"),
        }
