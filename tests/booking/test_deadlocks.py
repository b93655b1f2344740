"""Two overlapping times written at the same moment can deadlock on PostgreSQL: each write
checks the exclusion constraint, finds the other's row and waits for it, and the database
ends one of the two with a deadlock error. The patient whose write was ended is told that
the time is taken, as when the other was quicker, never shown a 500 (the fifty-patients race
in tests/hardening found it under load).

The deadlock is made on purpose here: another writer has a reservation of the time, not yet
committed (the patient's write waits for it), and then writes one more that overlaps the
patient's row (it waits for the patient). Its own deadlock check waits a minute, so the
database ends the patient's write, always."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from booking.models import Booking, Reservation, SlotHold
from booking.reservations import span

from .conftest import make_slot, patient_data, specialist

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="exclusion constraints and their deadlocks: PostgreSQL (DATABASE_URL=...)",
    ),
]

CHOOSE = "/boka/stockholm/nybesok/valj/"
DETAILS = "/boka/stockholm/nybesok/uppgifter/"


class OtherWriter(threading.Thread):
    """Reserves the first minutes of the patient's time and, once the patient's write waits
    for it, the last minutes too; then commits."""

    def __init__(self, slot, package):
        super().__init__()
        start, _, blocked_until = span(slot, package)
        self.practitioner = slot.practitioner
        self.first = (start, start + timedelta(minutes=5))
        self.last = (blocked_until - timedelta(minutes=5), blocked_until)
        self.first_written = threading.Event()
        self.error = None

    def reserve(self, start, end):
        Reservation.objects.create(
            practitioner=self.practitioner, start=start, end=end, blocked_until=end
        )

    def run(self):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL deadlock_timeout = '60s'")
                self.reserve(*self.first)
                self.first_written.set()
                self.wait_until_another_waits_for_a_lock()
                self.reserve(*self.last)
        except Exception as error:  # noqa: BLE001 - the test reports it
            self.error = error
        finally:
            self.first_written.set()
            connection.close()

    def wait_until_another_waits_for_a_lock(self, tries=1000):
        with connection.cursor() as cursor:
            for _ in range(tries):
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.01)
        raise AssertionError("the patient's write never waited for this one")


def deadlocked(slot, package, post):
    """`post()` while the other writer makes the deadlock; its response."""
    other = OtherWriter(slot, package)
    other.start()
    other.first_written.wait(timeout=10)
    try:
        response = post()
    finally:
        other.join(timeout=30)
    assert other.error is None, other.error
    return response


def test_a_patient_choosing_a_time_in_a_deadlock_is_told_it_is_taken(client, stockholm, nybesok):
    slot = make_slot(stockholm)
    response = deadlocked(slot, nybesok, lambda: client.post(CHOOSE, {"slot": slot.pk}))
    assert response.status_code == 302 and "?vecka=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Tiden hann tyvärr bokas av någon annan" in page
    assert not SlotHold.objects.exists()
    # The other writer's two reservations stand, and nothing of the patient's.
    assert Reservation.objects.filter(practitioner=specialist(stockholm)).count() == 2


def test_a_patient_booking_in_a_deadlock_is_told_it_is_taken_and_keeps_the_form(
    client, stockholm, nybesok
):
    slot = make_slot(stockholm)
    client.get(DETAILS, {"tid": slot.pk})
    response = deadlocked(slot, nybesok, lambda: client.post(DETAILS, patient_data(slot)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tiden hann tyvärr bokas av någon annan" in page
    assert 'value="Åsa Öberg-Ängström"' in page
    assert not Booking.objects.exists()
    assert Reservation.objects.filter(practitioner=specialist(stockholm)).count() == 2
