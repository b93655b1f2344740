"""The browser checks themselves: they catch real defects, and the form check works on
the markup crispy renders (the booking and checkout forms use it in pages.FORMS)."""

import pytest

from .checks import (
    assert_accessible,
    assert_every_control_reachable,
    assert_form_errors_are_tied_to_fields,
    axe_violations,
)
from .conftest import PHONE

pytestmark = pytest.mark.browser

BROKEN_PAGE = """<!DOCTYPE html><html><head><title>Trasig</title>
<style>.faint { color: #aaa; } .tiny { font-size: 9px; } .wide { width: 900px; }
a:focus { outline: none; }</style></head>
<body><h1>Ett</h1><h3>Hoppar över h2</h3><h1>Två</h1>
<p class="faint">Svag kontrast</p><nav><a class="tiny" href="#x">x</a></nav>
<div class="wide">Bred</div><div tabindex="0">Fokuserbar</div></body></html>"""


@pytest.fixture
def broken_page(browser):
    context = browser.new_context(viewport={"width": PHONE, "height": 740})
    page = context.new_page()
    page.set_content(BROKEN_PAGE)
    yield page
    context.close()


def test_checks_report_every_defect_of_a_broken_page(broken_page):
    with pytest.raises(AssertionError) as failure:
        assert_accessible(broken_page, "broken")
    report = str(failure.value)
    for expected in [
        "exactly one h1",
        "scrolls sideways",
        "targets under 24px",
        "color-contrast",
        "html-has-lang",
        "heading-order",
        "landmark-one-main",
    ]:
        assert expected in report, expected
    ids = {violation["id"] for violation in axe_violations(broken_page)}
    assert {"color-contrast", "html-has-lang", "page-has-heading-one"} - ids == {
        "page-has-heading-one"
    }


def test_keyboard_check_reports_a_control_without_a_focus_outline(broken_page):
    with pytest.raises(AssertionError, match="no visible focus indicator"):
        assert_every_control_reachable(broken_page)


@pytest.mark.urls("tests.browser.demo_form")
def test_form_check_passes_on_a_crispy_form_with_an_error_summary(visit, shot):
    page = visit("/prov/formular/")
    assert_accessible(page, "demo form")
    assert_form_errors_are_tied_to_fields(
        page,
        invalid=["id_name", "id_email"],
        fill={"email": "inte-en-adress", "phone": "070-123 45 67"},
    )
    assert page.title().startswith("Fel:")
    assert page.locator("#id_phone").input_value() == "070-123 45 67"
    shot(page, "errors")


@pytest.mark.urls("tests.browser.demo_form")
def test_form_check_fails_when_errors_are_not_announced(visit):
    page = visit("/prov/formular/")

    # The same form without its error summary (no alert, no script moving focus to it) and
    # "Fel:" title: nothing tells a screen reader user that the page came back with errors.
    def unannounced(html):
        return (
            html.replace('role="alert"', "")
            .replace('class="error-summary"', 'class="box"')
            .replace("<title>Fel: ", "<title>")
        )

    page.route(
        "**/prov/formular/",
        lambda route: route.fulfill(
            response=(fetched := route.fetch()), body=unannounced(fetched.text())
        ),
    )
    with pytest.raises(AssertionError, match="not announced"):
        assert_form_errors_are_tied_to_fields(page, invalid=["id_name"])
