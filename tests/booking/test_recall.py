"""Recalls (issue 16): the one e-mail, weeks after an attended visit, inviting the patient to
book a return visit with the same practitioner, and its no-thanks link."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client

from booking import services
from booking.models import Booking, Recall, Slot
from clinic.models import OutboxEmail
from shop.models import TreatmentPackage

from .conftest import patient_data, specialist
from .helpers import STOCKHOLM, at, colleague
from .helpers import starts as make_starts

# Every test sets its own clock (time_machine), so none depends on today's date.
pytestmark = pytest.mark.django_db

EVENTS = ("INSERT", "UPDATE", "DELETE")

BOOKED_ON = datetime(2027, 1, 11, 8, tzinfo=STOCKHOLM)  # a Monday
VISIT_DAY = BOOKED_ON.date() + timedelta(days=2)  # Wednesday 13 January, 10:00
OTHER_PNR = "19900101-0017"  # another patient
DUE = at(VISIT_DAY, "10:00") + timedelta(weeks=3)  # Wednesday 3 February, 10:00


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(BOOKED_ON, tick=False)
    return time_machine


def start(location, day=VISIT_DAY, hour="10:00"):
    """The location's specialist's start at the hour (working until 16:00)."""
    return make_starts(specialist(location), location, day, hour, hour, works_until="16:00")[hour]


def book(location, package_slug="nybesok", *, day=VISIT_DAY, hour="10:00", recall=True, **data):
    """A patient books with the public form, ticking "Påminn mig om återbesök" or not."""
    package = TreatmentPackage.objects.get(slug=package_slug)
    slot = start(location, day, hour)
    form = patient_data(slot, request_token=f"{slot.pk}-{data.get('email', '')}", **data)
    if recall:
        form["wants_recall"] = "on"
    response = Client().post(f"/boka/{location.slug}/{package.slug}/uppgifter/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Booking.objects.get(slot=slot)


def attended(booking, clock, status=Booking.Status.ATTENDED):
    clock.move_to(booking.slot.start + timedelta(minutes=30), tick=False)
    return services.mark_visit(booking=booking, status=status)


def recalls_sent(run_command, clock, when):
    clock.move_to(when, tick=False)
    mail.outbox.clear()
    run_command("send_recalls", verbosity=0)
    return [m for m in mail.outbox if "återbesök" in m.subject]


def links(message):
    return re.findall(r"http://testserver\S+|http://127\.0\.0\.1:8000\S+", message.body)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_the_recall_goes_out_once_the_packages_weeks_after_the_attended_visit(
    stockholm, clock, run_command
):
    booking = book(stockholm)
    assert booking.wants_recall
    attended(booking, clock)

    assert recalls_sent(run_command, clock, DUE - timedelta(hours=1)) == []
    sent = recalls_sent(run_command, clock, DUE + timedelta(hours=1))
    again = recalls_sent(run_command, clock, DUE + timedelta(days=1))

    assert len(sent) == 1 and again == []
    message = sent[0]
    assert message.to == ["asa@example.com"]
    assert message.subject == "Dags för återbesök? Boka hos din fotspecialist i Stockholm"
    assert "Du var på Nybesök hos oss 13 januari" in message.body
    book_url, decline_url = links(message)[:2]
    assert book_url == "http://testserver/boka/stockholm/aterbesok/?fotspecialist=" + (
        specialist(stockholm).slug
    )
    recall = Recall.objects.get(booking=booking)
    assert decline_url == f"http://testserver/boka/aterbesok/nej-tack/{recall.token}/"
    assert recall.sent_at == DUE + timedelta(hours=1) and recall.declined_at is None
    assert OutboxEmail.objects.filter(key=f"booking-recall:{booking.pk}").count() == 1


def test_the_weeks_are_the_packages_own(stockholm, clock, run_command):
    TreatmentPackage.objects.filter(slug="nybesok").update(recall_weeks=5)
    attended(book(stockholm), clock)

    assert recalls_sent(run_command, clock, DUE + timedelta(days=1)) == []
    assert len(recalls_sent(run_command, clock, DUE + timedelta(weeks=2, hours=1))) == 1


def test_the_database_allows_one_recall_per_visit(stockholm, clock, run_command):
    booking = book(stockholm)
    attended(booking, clock)
    recalls_sent(run_command, clock, DUE + timedelta(hours=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Recall.objects.create(booking=booking, sent_at=DUE)


def test_a_recall_overdue_by_more_than_the_latest_days_is_not_sent(
    stockholm, clock, run_command, settings
):
    settings.RECALL_LATEST_DAYS = 14
    attended(book(stockholm), clock)
    assert recalls_sent(run_command, clock, DUE + timedelta(days=14, hours=1)) == []


def test_no_recall_unless_the_patient_asked_for_it_at_booking(stockholm, clock, run_command):
    page = Client().get(
        f"/boka/stockholm/nybesok/uppgifter/?tid={start(stockholm, hour='12:00').pk}"
    )
    checkbox = re.search(r'<input[^>]*name="wants_recall"[^>]*>', page.content.decode()).group()
    assert "checked" not in checkbox  # off by default
    assert "Påminn mig om återbesök" in page.content.decode()
    assert "3 veckor efter besöket" in page.content.decode()

    booking = book(stockholm, recall=False)
    assert not booking.wants_recall
    attended(booking, clock)
    assert recalls_sent(run_command, clock, DUE + timedelta(hours=1)) == []


@pytest.mark.parametrize("status", [Booking.Status.NO_SHOW, Booking.Status.BOOKED])
def test_no_recall_after_a_visit_that_was_not_attended(stockholm, clock, run_command, status):
    booking = book(stockholm)
    if status == Booking.Status.NO_SHOW:
        attended(booking, clock, status)
    assert recalls_sent(run_command, clock, DUE + timedelta(hours=1)) == []


def test_no_recall_after_a_cancelled_visit(stockholm, clock, run_command):
    booking = book(stockholm)
    services.cancel_booking(booking=booking)
    assert recalls_sent(run_command, clock, DUE + timedelta(hours=1)) == []


@pytest.mark.parametrize(
    "details",
    [
        {"email": "ASA@example.com", "personnummer": OTHER_PNR},  # the same e-mail
        {"email": "annan@example.com"},  # the same personnummer
    ],
)
def test_no_recall_when_the_patient_already_has_a_later_booking(
    stockholm, goteborg, clock, run_command, details
):
    booking = book(stockholm)
    # Booked at the reception desk after the visit, at the other location.
    attended(booking, clock)
    book(goteborg, "aterbesok", day=VISIT_DAY + timedelta(days=14), recall=False, **details)
    assert recalls_sent(run_command, clock, DUE + timedelta(hours=1)) == []


def test_a_later_booking_the_patient_cancelled_stops_the_recall_one_the_clinic_cancelled_not(
    stockholm, clock, run_command
):
    booking = book(stockholm)
    other = book(stockholm, email="asa.annan@example.com", personnummer=OTHER_PNR, hour="12:00")
    attended(booking, clock)
    attended(other, clock)
    later = book(stockholm, "aterbesok", day=VISIT_DAY + timedelta(days=7), recall=False)
    services.cancel_booking(booking=later)  # the patient: no recall for Åsa's visit
    for_other = book(
        stockholm,
        "aterbesok",
        day=VISIT_DAY + timedelta(days=8),
        recall=False,
        email="asa.annan@example.com",
        personnummer=OTHER_PNR,
    )
    services.cancel_booking(booking=for_other, by_staff=True, reason="Sjuk")

    sent = recalls_sent(run_command, clock, DUE + timedelta(hours=3))
    assert [m.to for m in sent] == [["asa.annan@example.com"]]


def test_no_recall_for_a_package_that_does_not_lead_to_a_return_visit(
    stockholm, clock, run_command
):
    page = Client().get(
        f"/boka/stockholm/aterbesok/uppgifter/?tid={start(stockholm, hour='12:00').pk}"
    )
    assert 'name="wants_recall"' not in page.content.decode()  # nothing to ask
    aterbesok = book(stockholm, "aterbesok", hour="14:00")  # the box sent anyway
    nybesok = book(stockholm, hour="08:00", email="ny@example.com", personnummer=OTHER_PNR)
    attended(nybesok, clock)
    attended(aterbesok, clock)
    assert list(Booking.objects.filter(wants_recall=True)) == [nybesok]

    TreatmentPackage.objects.filter(slug="nybesok").update(leads_to_return_visit=False)
    assert recalls_sent(run_command, clock, DUE + timedelta(hours=3)) == []
    TreatmentPackage.objects.filter(slug="nybesok").update(leads_to_return_visit=True)
    assert [m.to for m in recalls_sent(run_command, clock, DUE + timedelta(hours=4))] == [
        ["ny@example.com"]
    ]


def test_the_link_opens_the_same_practitioners_free_times_for_a_return_visit(
    stockholm, clock, run_command
):
    karin = colleague(stockholm, "Karin Lind")
    booking = book(stockholm)
    attended(booking, clock)
    (message,) = recalls_sent(run_command, clock, DUE + timedelta(hours=1))
    day = DUE.date() + timedelta(days=2)
    mine = make_starts(specialist(stockholm), stockholm, day, "09:00", "09:00", works_until="10:00")
    hers = make_starts(karin, stockholm, day, "11:00", "11:00", works_until="12:00")

    html = Client().get(path_of(links(message)[0])).content.decode()

    assert "Återbesök" in html
    assert f'value="{mine["09:00"].pk}"' in html
    assert f'value="{hers["11:00"].pk}"' not in html
    everyone = Client().get("/boka/stockholm/aterbesok/?vecka=2027-W05").content.decode()
    assert f'value="{hers["11:00"].pk}"' in everyone  # she has a time; the link hides it


def test_no_thanks_asks_first_and_is_recorded_by_the_post(stockholm, clock, run_command):
    attended(book(stockholm), clock)
    (message,) = recalls_sent(run_command, clock, DUE + timedelta(hours=1))
    decline = path_of(links(message)[1])
    client = Client()

    page = client.get(decline)
    assert page.status_code == 200
    assert "Vill du tacka nej till återbesök?" in page.content.decode()
    assert "/boka/stockholm/aterbesok/?fotspecialist=" in page.content.decode()
    assert Recall.objects.get().declined_at is None  # a GET changes nothing

    response = client.post(decline)
    assert response.status_code == 302 and response["Location"] == decline
    assert Recall.objects.get().declined_at == DUE + timedelta(hours=1)
    done = client.get(decline).content.decode()
    assert "Tack, vi har noterat att du inte vill boka återbesök" in done
    client.post(decline)  # twice: the first answer stays
    assert Recall.objects.get().declined_at == DUE + timedelta(hours=1)

    assert client.get("/boka/aterbesok/nej-tack/" + "x" * 43 + "/").status_code == 404


def test_anonymising_the_visit_ends_the_no_thanks_link(stockholm, clock, run_command):
    attended(book(stockholm), clock)
    (message,) = recalls_sent(run_command, clock, DUE + timedelta(hours=1))
    services.anonymise_bookings(older_than_days=1)
    assert Recall.objects.get().token is None
    assert Client().get(path_of(links(message)[1])).status_code == 404


def test_the_checkbox_keeps_its_value_when_the_form_comes_back_with_an_error(stockholm, clock):
    slot = start(stockholm)
    url = "/boka/stockholm/nybesok/uppgifter/"
    for ticked in (True, False):
        form = patient_data(slot, name="", request_token=f"t-{ticked}")
        if ticked:
            form["wants_recall"] = "on"
        response = Client().post(url, form)
        assert response.status_code == 200 and "Fel: " in response.content.decode()
        checkbox = re.search(r'<input[^>]*name="wants_recall"[^>]*>', response.content.decode())
        assert ("checked" in checkbox.group()) is ticked
    assert not Booking.objects.exists()
    assert Slot.objects.filter(pk=slot.pk).exists()


def test_the_booking_tables_version_triggers_survive_the_new_column(db):
    """SQLite rebuilds booking_booking to add `wants_recall`; migration 0014 makes the
    booking-state version's triggers (0012) again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'booking_booking'"
            )
            expected = {f"booking_state_changed_booking_booking_{e}" for e in EVENTS}
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'booking_booking'::regclass"
            )
            expected = {"booking_state_changed"}
        assert expected <= {name for (name,) in cursor.fetchall()}
