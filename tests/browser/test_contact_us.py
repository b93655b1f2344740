"""Every "kontakta oss" on the site leads to a real contact: a tel: or mailto: link, the
location's contact page, or (while staff have not filled phone and e-mail) the address."""

from datetime import timedelta

import pytest
from django.utils import timezone

from clinic.models import Location
from tests import setups

pytestmark = pytest.mark.browser


def fill_stockholm_only():
    """Stockholm has phone and e-mail; Göteborg has neither, as in the fixtures."""
    Location.objects.filter(slug="stockholm").update(
        phone="+4681234567", email="stockholm@example.com"
    )


def booking_within_the_change_deadline(page, base_url):
    booking = setups.a_booking()
    slot = booking.slot
    slot.start = timezone.now() + timedelta(hours=3)
    slot.end = slot.start + timedelta(hours=1)
    slot.save()
    return booking.get_absolute_url()


def after_too_many_waitlist_posts(page, base_url):
    join = f"{base_url}/boka/stockholm/nybesok/vantelista/"
    # 5 a minute, counted in fixed windows: 12 posts put 6 in one window even when the loop
    # crosses a window's end (8 did not, on a slow machine).
    for _ in range(12):
        page.goto(join)
        page.locator("main form button[type=submit]").click()
        if "För många försök" in page.content():
            return None
    raise AssertionError("the waitlist form was never rate limited")


PLACES = [
    ("footer", lambda page, base_url: "/"),
    ("not-found", lambda page, base_url: "/finns-inte/"),
    ("price-on-request", lambda page, base_url: "/shop/begagnad-hemlaser/"),
    ("order-confirmation", setups.order_confirmation),
    ("manage-after-deadline", booking_within_the_change_deadline),
    ("too-many-requests", after_too_many_waitlist_posts),
]


def assert_contacts_are_real(page, site, where):
    contacts = page.locator("main .contact, footer address")
    assert contacts.count(), f"{where}: no contact sentence"
    for index in range(contacts.count()):
        contact = contacts.nth(index)
        text = contact.inner_text()
        hrefs = [a.get_attribute("href") for a in contact.locator("a").all()]
        real = [h for h in hrefs if h.startswith(("tel:+46", "mailto:"))]
        assert real or "Norra Allégatan 8" in text or "Hälsingegatan 2" in text, (where, text)
        for href in hrefs:
            assert href.startswith(("tel:+46", "mailto:", "/kontakt/")), (where, href)
    contact_pages = {
        a.get_attribute("href") for a in page.locator("main .contact a[href^='/kontakt/']").all()
    }
    for href in contact_pages:
        response = page.context.request.get(site + href)
        assert response.status == 200, href
        assert "Hitta hit" in response.text()


@pytest.mark.parametrize("where,setup", PLACES, ids=[name for name, _ in PLACES])
def test_every_contact_us_leads_to_a_phone_an_email_or_the_address(visit, site, where, setup):
    fill_stockholm_only()
    page = visit(None)
    path = setup(page, site)
    if path is not None:
        page.goto(site + path)
    if where == "footer":
        footer = page.locator("footer")
        assert footer.locator("a[href='tel:+4681234567']").inner_text() == "08-123 45 67"
        assert footer.locator("a[href='/kontakt/goteborg/']").count() == 1
        assert "Norra Allégatan 8" in footer.inner_text()
        return
    assert_contacts_are_real(page, site, where)
    main = page.locator("main").inner_text()
    assert "08-123 45 67" in main or "Hälsingegatan 2" in main or "Norra Allégatan 8" in main
