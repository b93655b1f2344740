"""seed_history: refuses outside development, makes history of every kind, the same twice."""

import io

import pytest
from django.core.management import CommandError

from booking.models import Booking, WaitlistOffer
from clinic.models import Practitioner
from shop.models import Order, Rental


def test_refuses_without_debug_or_the_flag(run_command, content):
    with pytest.raises(CommandError, match="only with DEBUG or --i-know"):
        run_command("seed_history", "--weeks", "2")
    assert not Booking.objects.exists()


def test_refuses_with_the_production_settings(run_command, content, settings):
    settings.PRODUCTION = True
    settings.BENCH = False
    with pytest.raises(CommandError, match="never runs with the production settings"):
        run_command("seed_history", "--weeks", "2", "--i-know")


def test_makes_history_of_every_kind(run_command, content):
    run_command("seed_history", "--weeks", "8", "--seed", "3", "--i-know")
    assert Practitioner.objects.filter(is_active=True).count() >= 4
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert statuses == {"booked", "attended", "no_show", "cancelled"}
    assert Booking.objects.filter(cancelled_by_clinic=True).exists()
    assert Booking.objects.filter(booked_by_staff=True).exists()
    assert set(WaitlistOffer.objects.values_list("status", flat=True)) >= {
        "accepted",
        "declined",
        "expired",
    }
    accepted = WaitlistOffer.objects.filter(status="accepted")
    assert accepted.filter(booking__isnull=False).count() == accepted.count()
    assert Order.objects.exists() and Rental.objects.exists()
    assert not Booking.objects.exclude(name="").exists()  # anonymised
    with pytest.raises(CommandError, match="already have visits"):
        run_command("seed_history", "--weeks", "8", "--i-know")


def test_the_same_seed_makes_the_same_history(run_command, content):
    def dry_run(seed):
        out = io.StringIO()
        run_command(
            "seed_history", "--weeks", "3", "--seed", seed, "--i-know", "--dry-run", stdout=out
        )
        return out.getvalue()

    first, again, other = dry_run("7"), dry_run("7"), dry_run("8")
    assert first == again != other
    assert "would create" in first
    assert not Booking.objects.exists()
