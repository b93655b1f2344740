"""The shop's forms: add to cart, change a cart line, check out, ask about a product."""

import re
from datetime import timedelta

from django import forms

from clinic.forms import HoneypotFormMixin, privacy_link
from clinic.models import Location
from clinic.patients import PatientDetailsMixin

from .cart import MAX_QUANTITY
from .models import Enquiry, Order
from .rentals import MAX_START_DAYS_AHEAD, max_rental_weeks, today
from .services import rental_weeks_problem

POSTCODE = re.compile(r"^([1-9]\d{2}) ?(\d{2})$")


def normalise_postcode(value: str) -> str:
    """A Swedish postcode as "123 45"."""
    match = POSTCODE.match((value or "").strip())
    if not match:
        raise forms.ValidationError("Ange ett svenskt postnummer med fem siffror, t.ex. 113 50.")
    return f"{match[1]} {match[2]}"


def quantity_field():
    return forms.IntegerField(
        label="Antal",
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        error_messages={
            "invalid": "Ange antalet som en siffra.",
            "min_value": "Antalet måste vara minst 1.",
            "max_value": f"Du kan beställa högst {MAX_QUANTITY} åt gången här. Ring oss för fler.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class RentalFieldsMixin:
    """Weeks (at least the product's minimum) and an optional later start."""

    def add_rental_fields(self, product):
        self.fields["weeks"] = forms.IntegerField(
            label="Antal veckor",
            initial=product.min_rental_weeks,
            error_messages={"invalid": "Ange antalet veckor som en siffra."},
            widget=forms.NumberInput(
                attrs={
                    "inputmode": "numeric",
                    "min": product.min_rental_weeks,
                    "max": max_rental_weeks(),
                }
            ),
        )
        self.fields["start"] = forms.DateField(
            label="Önskat startdatum (valfritt)",
            required=False,
            help_text="Lämna tomt för att börja så snart du fått lasern. Hyran räknas från "
            "den dag du hämtar eller får den.",
            error_messages={"invalid": "Ange datumet som ÅÅÅÅ-MM-DD."},
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )

    def clean_weeks(self):
        weeks = self.cleaned_data["weeks"]
        problem = rental_weeks_problem(self.product, weeks)
        if problem:
            raise forms.ValidationError(problem)
        return weeks

    def clean_start(self):
        start = self.cleaned_data.get("start")
        if start is None:
            return None
        if start < today():
            raise forms.ValidationError("Startdatumet har redan varit.")
        if start > today() + timedelta(days=MAX_START_DAYS_AHEAD):
            raise forms.ValidationError("Välj ett startdatum inom ett år.")
        return start


class AddToCartForm(RentalFieldsMixin, forms.Form):
    def __init__(self, *args, product, cart, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product
        self.cart = cart
        if product.is_rental:
            self.add_rental_fields(product)
        else:
            self.fields["quantity"] = quantity_field()

    def clean(self):
        cleaned = super().clean()
        if self.product.is_rental or "quantity" not in cleaned:
            return cleaned
        already = (self.cart.get(self.product.pk) or {}).get("quantity", 0)
        wanted = already + cleaned["quantity"]
        if wanted > MAX_QUANTITY:
            raise forms.ValidationError(
                f"Du har redan {already} i varukorgen; högst {MAX_QUANTITY} åt gången."
            )
        if self.product.tracks_stock and wanted > self.product.stock:
            raise forms.ValidationError(
                f"Det finns {self.product.stock} i lager"
                + (f" och du har redan {already} i varukorgen." if already else ".")
            )
        cleaned["quantity"] = wanted
        return cleaned


class CartLineForm(RentalFieldsMixin, forms.Form):
    """Change the quantity (or the weeks and start) of one line in the cart."""

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product
        if product.is_rental:
            self.add_rental_fields(product)
        else:
            self.fields["quantity"] = quantity_field()

    def clean_quantity(self):
        quantity = self.cleaned_data["quantity"]
        if self.product.tracks_stock and quantity > self.product.stock:
            raise forms.ValidationError(f"Det finns {self.product.stock} i lager.")
        return quantity


class CheckoutForm(HoneypotFormMixin, PatientDetailsMixin, forms.Form):
    name = forms.CharField(
        label="Namn", max_length=120, error_messages={"required": "Ange ditt namn."}
    )
    email = forms.EmailField(
        label="E-post",
        max_length=254,
        help_text="Hit skickar vi orderbekräftelsen.",
        error_messages={"required": "Ange din e-postadress."},
    )
    phone = forms.CharField(
        label="Telefon", max_length=40, error_messages={"required": "Ange ditt telefonnummer."}
    )
    delivery_method = forms.ChoiceField(
        label="Hur vill du få din beställning?",
        choices=Order.Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj hemleverans eller hämtning."},
    )
    address = forms.CharField(label="Gatuadress", max_length=200, required=False)
    postal_code = forms.CharField(label="Postnummer", max_length=20, required=False)
    city = forms.CharField(label="Ort", max_length=100, required=False)
    pickup_location = forms.ModelChoiceField(
        label="Mottagning",
        queryset=Location.objects.active(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Välj en av mottagningarna."},
    )
    payment_method = forms.ChoiceField(
        label="Hur vill du betala?",
        choices=Order.Payment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Välj hur du vill betala."},
    )
    message = forms.CharField(
        label="Meddelande till oss (valfritt)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    accept_terms = forms.BooleanField(
        label="Jag har läst och godkänner köpvillkoren.",
        help_text=privacy_link(),
        error_messages={"required": "Du behöver godkänna köpvillkoren för att beställa."},
    )
    checkout_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    cart_fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
        self.fields["postal_code"].widget.attrs.update(
            autocomplete="postal-code", inputmode="numeric"
        )
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        self.fields["pickup_location"].label_from_instance = lambda location: (
            f"{location.city}, {location.street_address}"
        )

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("delivery_method")
        if method == Order.Delivery.DELIVERY:
            for field in ["address", "postal_code", "city"]:
                value = " ".join((cleaned.get(field) or "").split())
                if not value and field not in self.errors:
                    self.add_error(field, "Fyll i för hemleverans.")
                cleaned[field] = value
            if cleaned.get("postal_code"):
                try:
                    cleaned["postal_code"] = normalise_postcode(cleaned["postal_code"])
                except forms.ValidationError as error:
                    self.add_error("postal_code", error)
            cleaned["pickup_location"] = None
        elif method == Order.Delivery.PICKUP:
            if not cleaned.get("pickup_location") and "pickup_location" not in self.errors:
                self.add_error("pickup_location", "Välj var du vill hämta.")
            cleaned.update(address="", postal_code="", city="")
        if (
            cleaned.get("payment_method") == Order.Payment.AT_PICKUP
            and method != Order.Delivery.PICKUP
        ):
            self.add_error(
                "payment_method", "Betala vid hämtning går bara när du hämtar på mottagningen."
            )
        return cleaned


class EnquiryForm(HoneypotFormMixin, PatientDetailsMixin, forms.ModelForm):
    class Meta:
        model = Enquiry
        fields = ["name", "email", "phone", "message"]
        labels = {"message": "Din fråga", "phone": "Telefon (valfritt)"}
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["message"].max_length = 2000
