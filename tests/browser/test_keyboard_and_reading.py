"""A patient with a keyboard, or reading the heel pad article on a phone."""

import pytest

from .checks import MIN_TARGET, has_visible_focus, tab_through
from .conftest import DESKTOP, PHONE, WIDTHS
from .pages import ARTICLE

pytestmark = pytest.mark.browser

ACTIVE = "() => document.activeElement && document.activeElement.outerHTML.slice(0, 100)"


def focused_text(page):
    return page.evaluate("() => document.activeElement.textContent.trim()")


@pytest.mark.parametrize("width", WIDTHS)
def test_skip_link_is_first_shows_when_focused_and_moves_focus_to_main(visit, shot, width):
    page = visit("/", width=width)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] >= MIN_TARGET, box
    shot(page, "skip-link-focused", full_page=False)

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    inside_main = page.evaluate("() => !!document.activeElement.closest('main')")
    assert inside_main, page.evaluate(ACTIVE)
    assert focused_text(page) == "Boka tid"  # the hero's first button, not the header again


def test_every_focused_link_and_button_shows_a_clear_outline(visit):
    # The styles, not only "something changed": at least a 2 px outline in the focus colour.
    page = visit("/behandlingar/", width=DESKTOP)
    states = tab_through(page)
    assert len(states) > 10
    assert all(has_visible_focus(state) for state in states)
    assert {state["outlineStyle"] for state in states} == {"solid"}
    assert min(state["outlineWidth"] for state in states) >= 3


def test_article_on_a_phone_reads_at_a_comfortable_line_length(visit):
    for width, shortest, longest in ((PHONE, 25, 60), (DESKTOP, 45, 80)):
        # Running text only; package rows are label and price set apart by flexbox.
        page = visit(ARTICLE, width=width)
        per_line = page.evaluate(
            """() => [...document.querySelectorAll('.prose p:not(.package-name)')].map(p => {
                const lines = p.getBoundingClientRect().height
                    / parseFloat(getComputedStyle(p).lineHeight);
                return lines >= 3 ? p.textContent.length / Math.round(lines) : null;
            }).filter(Boolean)"""
        )
        assert len(per_line) > 10
        # Characters per line of every paragraph of three lines or more, averaged per line.
        assert shortest <= min(per_line) and max(per_line) <= longest, (width, per_line)
        size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert size >= 16


def test_article_on_a_phone_has_a_contents_list_near_the_top(visit, shot):
    page = visit(ARTICLE, width=PHONE)
    toc = page.locator("nav.toc")
    assert toc.bounding_box()["y"] < 2.5 * 740  # within the first screens, right after the lead
    links = toc.locator("a")
    assert links.count() >= 10
    for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, f"contents link {href} goes nowhere"

    # Following an entry brings its heading into view.
    toc.get_by_role("link", name="Referenser").click()
    page.wait_for_function("location.hash === '#referenser'")
    assert page.locator("#referenser").is_visible()
    top = page.locator("#referenser").evaluate("h => h.getBoundingClientRect().top")
    assert 0 <= top < 200
    shot(page, "contents-followed", full_page=False)


def test_article_on_a_phone_gets_to_a_booking_button_in_a_few_keys(visit, shot):
    """From the top: Tab to the article's booking button, Enter, Tab, Enter, Tab, and the
    first treatment's Stockholm booking button has focus, on screen, with no scrolling."""
    page = visit(ARTICLE, width=PHONE)
    primary = page.get_by_role("link", name="Boka tid i Stockholm eller Göteborg")
    assert primary.bounding_box()["y"] < 2 * 740

    presses = 0
    while focused_text(page) != "Boka tid i Stockholm eller Göteborg":
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 12, "more than 12 Tab presses to the article's booking button"
    shot(page, "booking-button-focused", full_page=False)

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('nav')?.id") == "boka"
    assert focused_text(page) == "Boka tid för diagnos och inlägg"
    shot(page, "booking-choices", full_page=False)

    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
            return {text: e.textContent.trim(), box: e.closest('.booking-box')?.id,
                    inView: r.top >= 0 && r.bottom <= innerHeight}; }"""
    )
    assert focused["box"] == "boka-halkoppar-och-skoinlagg", focused
    assert focused["text"].startswith("Stockholm (webtidsbokning)"), focused
    assert focused["inView"], focused
    shot(page, "booking-button-in-box", full_page=False)
