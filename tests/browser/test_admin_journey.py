"""A staff member changes a price in the admin, and the patient reading the article sees it."""

import pytest

from .conftest import WIDTHS
from .pages import ARTICLE

pytestmark = pytest.mark.browser

NBSP = "\u00a0"


def nybesok_price(page):
    return page.locator("#paket-nybesok .price").inner_text().replace(NBSP, " ")


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_member_changes_a_price_in_the_admin_and_the_article_shows_it(
    visit, site, shot, superuser, width
):
    page = visit(ARTICLE, width=width)
    assert nybesok_price(page) == "880 kr"

    page.goto(site + "/admin/")
    assert "/admin/login/" in page.url
    shot(page, "login", full_page=False)
    page.get_by_label("Användarnamn").fill("chef")
    page.get_by_label("Lösenord").fill("lösenord-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(site + "/admin/")
    shot(page, "admin-index")

    page.get_by_role("link", name="Behandlingspaket", exact=True).first.click()
    page.get_by_role("link", name="Nybesök", exact=True).click()
    price = page.get_by_role("spinbutton", name="Pris (kr)")
    assert price.input_value() == "880"
    price.fill("920")
    shot(page, "price-changed")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url("**/admin/shop/treatmentpackage/")
    assert "Ändrade behandlingspaket" in page.locator(".messagelist").inner_text()
    shot(page, "saved")

    page.goto(site + ARTICLE)
    assert nybesok_price(page) == "920 kr"
    page.locator("#paket-nybesok").scroll_into_view_if_needed()
    shot(page, "article-with-new-price", full_page=False)
