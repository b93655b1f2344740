"""A patient books from the heel pad article and cancels from the manage link, in a real browser.

Each journey runs once; `step` checks every page at the journey's width (axe, headings,
reflow, targets, every control reachable with Tab) and keeps screenshots of it at 375 and
1280 px (test-artifacts/<test>/). The keyboard journey uses Tab, Enter and Space only after
the first page is opened; the last one runs with JavaScript switched off.
"""

import functools
import re

import pytest

from booking.models import Booking
from tests import setups

from .conftest import DESKTOP, PHONE
from .pages import ARTICLE

pytestmark = pytest.mark.browser

NBSP = "\u00a0"


def text_of(page, selector="main"):
    return page.locator(selector).inner_text().replace(NBSP, " ")


def choose_a_time_next_week(page):
    """On the slot list: next week, the first free time of its second day with free times
    (always more than 24 hours ahead, so the booking can still be cancelled online)."""
    page.get_by_role("link", name="Nästa vecka →").click()
    page.wait_for_url("**/?vecka=*")
    button = page.locator("ul.slots").nth(1).locator("button.slot").first
    chosen = button.text_content().replace(NBSP, " ")  # "Välj tisdag 1 december kl. 08:00"
    button.click()
    page.wait_for_url("**/uppgifter/?tid=*")
    return chosen.removeprefix("Välj ").strip()


def fill_details(page, email):
    page.locator("#id_name").fill("Åsa Öberg-Ängström")
    page.locator("#id_email").fill(email)
    page.locator("#id_phone").fill("070-123 45 67")
    page.locator("#id_personnummer").fill("19850709-9805")
    page.locator("#id_message").fill("Ont i vänster häl sedan i våras 🦶")
    page.locator("#id_consent").check()


def book_and_cancel(
    page, site, step, mail_to, *, location, package, package_slug, email, javascript=True
):
    """From the article: the package's booking button for the location, a free time, the
    details, the confirmation; then the e-mail's manage link, and cancelling there."""
    step = functools.partial(step, javascript=javascript)
    step(page, "article")
    # The link's name: the visible text and the package, hidden visually ("…: Nybesök").
    package_name = re.escape(package).replace("/", r"\/")  # Playwright sends it as /…/
    name = re.compile(rf"^{location} \(webtidsbokning\)\s*: {package_name}$")
    button = page.get_by_role("link", name=name)
    assert button.count() == 1
    button.click()
    page.wait_for_url(f"**/boka/{location_slug(location)}/{package_slug}/")
    assert page.locator("h1").inner_text() == f"Boka {package} i {location}"
    step(page, "slot-list")

    chosen = choose_a_time_next_week(page)
    assert "Tiden är reserverad för dig" in text_of(page, ".hold-note")
    step(page, "details")

    fill_details(page, email)
    page.get_by_role("button", name="Boka tiden").click()
    page.wait_for_url("**/boka/bekraftelse/*/")
    assert page.locator("h1").inner_text() == "Tack, din tid är bokad"
    assert chosen.split(" kl. ")[1] in text_of(page, ".summary")
    step(page, "confirmation")
    booking = Booking.objects.select_related("slot__location", "package").get(email=email)
    assert booking.status == "booked"
    assert (booking.slot.location.city, booking.package.slug) == (location, package_slug)

    # Later, from the confirmation e-mail: its link to manage the booking.
    message = mail_to(email, "Bokningsbekräftelse")
    manage = re.search(rf"{re.escape(site)}/boka/hantera/[\w-]+/", message.body)[0]
    page.goto(manage)
    assert page.locator("h1").inner_text() == "Din bokning"
    step(page, "manage")

    page.get_by_role("link", name="Avboka", exact=True).click()
    assert page.locator("h1").inner_text() == "Vill du avboka?"
    step(page, "cancel")
    page.get_by_role("button", name="Ja, avboka besöket").click()
    page.wait_for_url(manage)
    assert "Din bokning är avbokad" in text_of(page, "[role=status]")
    step(page, "cancelled")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert mail_to(email, "Avbokad")


def location_slug(city):
    return {"Stockholm": "stockholm", "Göteborg": "goteborg"}[city]


@pytest.fixture
def clinic(site, settings):
    """The site with two weeks of free times; e-mail links point at the live server."""
    settings.SITE_URL = site
    setups.with_slots()
    return site


def test_patient_books_nybesok_in_stockholm_from_the_article_and_cancels_on_a_phone(
    visit, clinic, step, mail_to
):
    page = visit(ARTICLE, width=PHONE)
    book_and_cancel(
        page,
        clinic,
        step,
        mail_to,
        location="Stockholm",
        package="Nybesök",
        package_slug="nybesok",
        email="asa@example.com",
    )


def test_patient_books_the_postural_visit_in_goteborg_and_cancels_on_a_laptop(
    visit, clinic, step, mail_to
):
    page = visit(ARTICLE, width=DESKTOP)
    book_and_cancel(
        page,
        clinic,
        step,
        mail_to,
        location="Göteborg",
        package="Posturalt nybesök/återbesök",
        package_slug="posturalt-besok",
        email="bo@example.com",
    )


def test_patient_books_and_cancels_with_javascript_switched_off(visit, clinic, step, mail_to):
    page = visit(ARTICLE, width=PHONE, javascript=False)
    book_and_cancel(
        page,
        clinic,
        step,
        mail_to,
        location="Stockholm",
        package="Nybesök",
        package_slug="nybesok",
        email="utan-js@example.com",
        javascript=False,
    )


# Keyboard only --------------------------------------------------------------------------

FOCUSED = """() => { const e = document.activeElement;
    return e ? {tag: e.tagName.toLowerCase(), id: e.id, href: e.getAttribute('href'),
                slotDay: [...document.querySelectorAll('ul.slots')].indexOf(e.closest('ul.slots')),
                text: (e.innerText || e.value || '').trim(), type: e.type || ''} : null; }"""


def tab_to(page, matches, *, limit=300, backwards=False):
    """Press Tab (Shift+Tab) until the focused element matches; returns what has focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused and matches(focused):
            return focused
    raise AssertionError(f"{page.url}: Tab never reached the element ({limit} presses)")


def press_and_wait(page, key, url):
    with page.expect_navigation(url=url):
        page.keyboard.press(key)


def test_patient_books_and_cancels_with_the_keyboard_alone(visit, clinic, step):
    """Tab, Enter, Space and typing: no mouse, and no address typed after the article."""
    page = visit(ARTICLE, width=PHONE)
    step(page, "article")

    tab_to(page, lambda e: e["href"] == "/boka/stockholm/nybesok/")
    press_and_wait(page, "Enter", "**/boka/stockholm/nybesok/")
    step(page, "slot-list")

    tab_to(page, lambda e: e["text"] == "Nästa vecka →")
    press_and_wait(page, "Enter", "**/boka/stockholm/nybesok/?vecka=*")
    # Next week's second day with free times: more than 24 hours ahead, so cancellable.
    tab_to(page, lambda e: e["slotDay"] == 1)
    press_and_wait(page, "Space", "**/uppgifter/?tid=*")
    step(page, "details")

    for field, typed in [
        ("id_name", "Kim Tangentsson"),
        ("id_email", "kim@example.com"),
        ("id_phone", "070-765 43 21"),
        ("id_personnummer", "19850709-9805"),
    ]:
        tab_to(page, lambda e, field=field: e["id"] == field)
        page.keyboard.type(typed)
    tab_to(page, lambda e: e["id"] == "id_consent")
    page.keyboard.press("Space")
    assert page.locator("#id_consent").is_checked()
    tab_to(page, lambda e: e["text"] == "Boka tiden")
    press_and_wait(page, "Enter", "**/boka/bekraftelse/*/")
    assert page.locator("h1").inner_text() == "Tack, din tid är bokad"
    step(page, "confirmation")
    booking = Booking.objects.get(email="kim@example.com")
    assert booking.name == "Kim Tangentsson" and booking.phone == "+46707654321"

    tab_to(page, lambda e: e["text"] == "Ändra eller avboka din tid")
    press_and_wait(page, "Enter", "**/boka/hantera/*/")
    step(page, "manage")
    tab_to(page, lambda e: e["text"] == "Avboka")
    press_and_wait(page, "Enter", "**/avboka/")
    step(page, "cancel")
    tab_to(page, lambda e: e["text"] == "Ja, avboka besöket")
    press_and_wait(page, "Space", f"**{booking.get_absolute_url()}")
    assert "Din bokning är avbokad" in text_of(page, "[role=status]")
    step(page, "cancelled")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
