"""Issue 8 in a real browser: a full week, the waitlist, a cancellation in the admin, the offer.

A patient finds next week full (its only time is booked by another patient), joins the
waitlist and confirms the e-mail. A receptionist, in a second browser, cancels the other
patient's booking with the booking list's action. The offer e-mail arrives (the live server
runs in this process: its e-mail, sent after each request commits, lands in Django's locmem
outbox), and the patient books the time with one button from its link.
"""

import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from booking import services
from booking.models import Booking, Slot, WaitlistEntry, WaitlistOffer
from booking.weeks import this_monday, week_param
from tests import setups
from tests.booking.conftest import specialist

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

NBSP = "\u00a0"
PATIENT = "vantar@example.com"


def text_of(page, selector="main"):
    return page.locator(selector).inner_text().replace(NBSP, " ")


def link_in(message, site, path):
    return re.search(rf"{re.escape(site)}{path}[\w-]+/", message.body)[0]


@pytest.fixture
def full_week(site, settings):
    """Next week's only Stockholm time, on Wednesday at 10, booked by another patient."""
    settings.SITE_URL = site
    location, package = setups.offer_of("stockholm", "nybesok")
    wednesday = this_monday() + timedelta(weeks=1, days=2)
    start = timezone.make_aware(datetime.combine(wednesday, time(10)))
    slot = Slot.objects.create(
        location=location,
        practitioner=specialist(location),
        start=start,
        end=start + timedelta(hours=1),
    )
    other = services.book_slot(
        slot=slot,
        package=package,
        patient=services.Patient(
            name="Annan Patient",
            email="annan@example.com",
            phone="+46709876543",
            personnummer="198507099805",
        ),
    )
    return other


def test_patient_on_the_waitlist_gets_a_time_another_patient_cancelled_in_the_admin(
    visit, site, full_week, receptionist, step, shot, mail_to
):
    # The patient: this week and next are full; the waitlist is the prominent button.
    page = visit("/boka/stockholm/nybesok/", width=PHONE)
    page.get_by_role("link", name="Nästa vecka →").click()
    page.wait_for_url(f"**/?vecka={week_param(this_monday() + timedelta(weeks=1))}")
    assert page.locator("button.slot").count() == 0
    assert "Det finns inga lediga tider den här veckan" in text_of(page, "section .notice")
    join = page.get_by_role("link", name="Ställ dig på väntelistan")
    assert "button-primary" in join.get_attribute("class").split()
    step(page, "full-week")

    join.click()
    page.wait_for_url("**/boka/stockholm/nybesok/vantelista/")
    step(page, "waitlist-join")
    for field, typed in [
        ("name", "Väntande Patient"),
        ("email", PATIENT),
        ("phone", "070-111 22 33"),
        ("personnummer", "19850709-9805"),
    ]:
        page.locator(f"#id_{field}").fill(typed)
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Ställ mig på väntelistan").click()
    page.wait_for_url("**/boka/vantelista/anmald/")
    step(page, "waitlist-joined")

    page.goto(link_in(mail_to(PATIENT, "Bekräfta din plats"), site, "/boka/vantelista/bekrafta/"))
    assert page.locator("h1").inner_text() == "Bekräfta din plats på väntelistan"
    step(page, "waitlist-confirm")
    assert WaitlistEntry.objects.get(email=PATIENT).confirmed_at is None, "opening changes nothing"
    page.get_by_role("button", name="Bekräfta min plats").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Tack, du står på väntelistan"
    step(page, "waitlist-confirmed")
    entry = WaitlistEntry.objects.get(email=PATIENT)
    assert entry.confirmed_at is not None and not entry.offers.exists()

    # The receptionist, in a browser of their own, cancels the other patient's booking.
    staff = visit("/admin/", width=DESKTOP)
    staff.get_by_label("Användarnamn").fill("reception")
    staff.get_by_label("Lösenord").fill("lösenord-123")
    staff.get_by_role("button", name="Logga in").click()
    staff.wait_for_url(site + "/admin/")
    staff.get_by_role("link", name="Bokningar", exact=True).first.click()
    staff.wait_for_url("**/admin/booking/booking/")
    staff.locator(f"input[name=_selected_action][value='{full_week.pk}']").check()
    staff.locator("select[name=action]").select_option(
        label="Avboka markerade (patienten får e-post)"
    )
    shot(staff, "admin-cancel-selected", full_page=False)
    staff.get_by_role("button", name="Utför").click()
    assert "Markerade bokningar är avbokade" in staff.locator(".messagelist").inner_text()
    shot(staff, "admin-cancelled", full_page=False)
    full_week.refresh_from_db()
    assert full_week.status == Booking.Status.CANCELLED
    assert mail_to("annan@example.com", "Mottagningen har avbokat din tid")

    # The offer e-mail; its link books the time with one button.
    offer_mail = mail_to(PATIENT, "Ledig tid för dig")
    assert "10:00" in offer_mail.subject
    page.goto(link_in(offer_mail, site, "/boka/vantelista/erbjudande/"))
    assert page.locator("h1").inner_text() == "En tid har blivit ledig för dig"
    assert "kl. 10:00–11:00" in text_of(page, ".summary")
    step(page, "offer")
    page.get_by_role("button", name="Boka tiden").click()
    page.wait_for_url("**/boka/bekraftelse/*/")
    assert page.locator("h1").inner_text() == "Tack, din tid är bokad"
    step(page, "confirmation")

    booking = Booking.objects.get(email=PATIENT)
    assert (booking.slot_id, booking.status) == (full_week.slot_id, Booking.Status.BOOKED)
    assert WaitlistOffer.objects.get().status == WaitlistOffer.Status.ACCEPTED
    assert WaitlistEntry.objects.get(email=PATIENT).status == WaitlistEntry.Status.BOOKED
    assert mail_to(PATIENT, "Bokningsbekräftelse")
