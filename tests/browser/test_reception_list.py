"""Reception's booking list fits a 1280 px screen: no sideways scrolling."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from booking import services
from booking.models import Slot
from shop.models import TreatmentPackage
from tests.booking.conftest import specialist

from .checks import assert_no_horizontal_scroll
from .conftest import DESKTOP

pytestmark = pytest.mark.browser


def test_booking_list_has_no_sideways_scrolling_at_1280_px(visit, site, shot, receptionist):
    longest = max(TreatmentPackage.objects.filter(is_active=True), key=lambda p: len(p.name))
    package = longest
    for index, slot in enumerate(make_slots(package, count=3)):
        services.book_slot(
            slot=slot,
            package=package,
            patient=services.Patient(
                name=f"Anna-Karin Öberg-Ängströmsdotter {index}",
                email="anna-karin.oberg-angstromsdotter@example.com",
                phone="+46701234567",
                personnummer="198507099805",
            ),
            by_staff=True,
        )
    page = visit("/admin/login/?next=/admin/booking/booking/", width=DESKTOP)
    page.get_by_label("Användarnamn").fill("reception")
    page.get_by_label("Lösenord").fill("lösenord-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/admin/booking/booking/")
    shot(page, "booking-list")
    assert_no_horizontal_scroll(page)
    table = page.locator("#changelist .results")  # the admin scrolls the table inside it
    assert table.evaluate("e => e.scrollWidth - e.clientWidth") <= 0


def make_slots(package, *, count):
    location = package.locations.first()
    day = timezone.localdate() + timedelta(days=3)
    starts = [
        timezone.make_aware(datetime(day.year, day.month, day.day, 9 + hour))
        for hour in range(count)
    ]
    return [
        Slot.objects.create(
            location=location,
            practitioner=specialist(location),
            start=start,
            end=start + timedelta(hours=2),
        )
        for start in starts
    ]
