"""Staff read Swedish: dates in the admin, the day view and the staff booking form are
written the Swedish way ("fre 4 dec 2026"), labels start with a capital letter, and the
price history's columns have Swedish headings."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from booking.models import Slot
from shop.models import PriceChange, TreatmentPackage
from tests.booking.conftest import specialist

from .conftest import patient_data

pytestmark = pytest.mark.django_db

STOCKHOLM_TZ = ZoneInfo("Europe/Stockholm")
ENGLISH = re.compile(
    r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Mon|Tue|Wed|Thu|Fri|Sat|Sun|"
    r"January|February|March|April|June|July|August|September|October|November|December|"
    r"Item)\b"
)


@pytest.fixture
def friday_slot(stockholm):
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=STOCKHOLM_TZ), tick=True):
        start = datetime(2026, 12, 4, 10, tzinfo=STOCKHOLM_TZ)
        yield Slot.objects.create(
            location=stockholm,
            practitioner=specialist(stockholm),
            start=start,
            end=start + timedelta(hours=1),
        )


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_admin_lists_and_the_staff_form_write_dates_in_swedish(
    client, receptionist, stockholm, friday_slot
):
    client.post("/boka/stockholm/nybesok/uppgifter/", patient_data(friday_slot))
    client.force_login(receptionist)
    bookings = visible_text(client.get("/admin/booking/booking/").content.decode())
    assert "fre 4 dec 2026 10:00" in bookings
    assert not ENGLISH.search(bookings)
    slots = visible_text(client.get("/admin/booking/slot/").content.decode())
    assert "fre 4 dec 2026 10:00" in slots and not ENGLISH.search(slots)

    other = Slot.objects.create(
        location=stockholm,
        practitioner=specialist(stockholm),
        start=friday_slot.start + timedelta(hours=2),
        end=friday_slot.end + timedelta(hours=2),
    )
    form = client.get("/admin/booking/booking/add/").content.decode()
    assert '<optgroup label="Stockholm, fredag 4 december 2026">' in form
    assert f'<option value="{other.pk}">12:00 (Fotspecialist)</option>' in form
    assert '<label class="required" for="id_phone">Mobiltelefon:</label>' in form
    assert '<label for="id_personnummer">Personnummer:</label>' in form


def test_the_day_view_writes_dates_in_swedish(client, receptionist, friday_slot):
    client.post("/boka/stockholm/nybesok/uppgifter/", patient_data(friday_slot))
    client.force_login(receptionist)
    page = visible_text(
        client.get("/boka/personal/dag/stockholm/", {"datum": "2026-12-04"}).content.decode()
    )
    assert "Besök i Stockholm fredag 4 december 2026" in page
    assert "← tors 3 dec" in page and "lör 5 dec →" in page
    assert not ENGLISH.search(page)


def test_the_price_history_has_swedish_column_headings(client, editor, content):
    package = TreatmentPackage.objects.get(slug="nybesok")
    PriceChange.objects.create(package=package, old_price=800, new_price=880, changed_by=editor)
    client.force_login(editor)
    page = visible_text(client.get("/admin/shop/pricechange/").content.decode())
    assert "Ändrad Behandlingspaket eller produkt Från (kr) Till (kr) Ändrad av" in page
    assert not ENGLISH.search(page)
