"""Every page type, as a patient on a phone, on a laptop and at 200 % zoom sees it."""

import pytest

from .checks import (
    assert_accessible,
    assert_every_control_reachable,
    assert_form_errors_are_tied_to_fields,
    assert_no_horizontal_scroll,
)
from .conftest import DESKTOP_ZOOM_200, WIDTHS
from .pages import FORMS, PAGES, resolve

pytestmark = pytest.mark.browser


def open_spec(visit, site, spec, width):
    page = visit(None, width=width)
    path = resolve(spec, page, site)
    response = page.goto(site + path)
    assert response.status == spec.status, f"{path}: {response.status}"
    return page


@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_page_type_is_accessible_on_phone_and_desktop(visit, site, shot, spec):
    for width in WIDTHS:
        page = open_spec(visit, site, spec, width)
        shot(page, spec.name)
        assert_accessible(page, f"{spec.name} at {width}px")
        assert_every_control_reachable(page)


@pytest.mark.parametrize("spec", PAGES, ids=str)
def test_page_type_reflows_at_200_percent_zoom(visit, site, spec):
    page = open_spec(visit, site, spec, DESKTOP_ZOOM_200)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("spec", FORMS, ids=str)
def test_form_submitted_wrong_shows_errors_tied_to_fields(visit, site, shot, spec):
    for width in WIDTHS:
        page = visit(None, width=width)
        page.goto(site + resolve(spec, page, site))
        assert_form_errors_are_tied_to_fields(
            page, invalid=spec.invalid, form=spec.form, fill=spec.fill, submit=spec.submit
        )
        shot(page, f"{spec.name}-errors")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_works_without_javascript(visit, site, width):
    page = visit(None, width=width, javascript=False)
    for spec in PAGES:
        response = page.goto(site + resolve(spec, page, site))
        assert response.status == spec.status, spec.name
        assert page.locator("h1").is_visible(), spec.name
        assert page.locator("a.nav-cta[href='/boka/']").is_visible(), spec.name
        assert_no_horizontal_scroll(page)


def test_live_server_serves_the_stylesheet(visit):
    page = visit("/", width=DESKTOP_ZOOM_200)
    header = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(11, 85, 99)"  # --brand from static/css/site.css
