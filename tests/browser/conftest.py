"""Real-browser tests: Debian's Chromium driven by Playwright against Django's live server.

Fixtures here:

- `browser`: one headless Chromium for the whole session (`/usr/bin/chromium`, installed
  with apt-get when missing; never `playwright install`).
- `site`: the live server's base URL with the clinic's content loaded.
- `visit(path, width=375, javascript=True)`: a fresh browser context at that width, opened
  at `site + path` (not opened when path is None); returns the Playwright `Page`. Contexts
  close after the test.
- `shot(page, step, full_page=True)`: a screenshot (the whole page, or what is on screen
  with full_page=False) in test-artifacts/<test>/<nn>-<step>-<width>px.png.
- `step(page, name, javascript=True)`: one step of a journey. At the page's width: a
  screenshot, `assert_accessible` (without axe when JavaScript is off: axe runs in the page)
  and `assert_every_control_reachable`; then the viewport is resized to
  the other width (375 <-> 1280) for a second screenshot and the no-sideways-scroll check,
  and back. So one run of a journey leaves screenshots of each step at both widths.
- `mail_to(address, subject_part)`: the last e-mail to that address whose subject contains
  the text, from Django's locmem outbox (the live server runs in this process, so what it
  sends after a request commits lands there too); waits a moment for it.

Every test here is marked `browser` (by the hook below, and each module says so too), so
`pytest -m browser` runs them alone and `pytest -m "not browser"` leaves them out.
"""

import os
import re
import shutil
import time
from pathlib import Path

import pytest

from .checks import assert_accessible, assert_every_control_reachable, assert_no_horizontal_scroll
from .chromium import CHROMIUM_ARGS, ensure_chromium
from .prodlike import ARTIFACTS

# Playwright's sync API keeps an asyncio loop running in the main thread from the moment it
# starts until the session ends, so Django would refuse every ORM call made after that (in
# any test, browser or not) as coming "from an async context". Nothing here is async: the
# loop only talks to Chromium. Set at import time because the loop outlives single tests.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


# The widths every page is checked at: a small phone, a laptop, and the laptop at 200 % zoom
# (1280 CSS px zoomed to 200 % lays the page out in 640 CSS px).
PHONE = 375
DESKTOP = 1280
DESKTOP_ZOOM_200 = 640
WIDTHS = [PHONE, DESKTOP]
HEIGHTS = {PHONE: 740, DESKTOP: 800, DESKTOP_ZOOM_200: 400}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `browser`, before `-m` selects."""
    folder = Path(__file__).parent
    for item in items:
        if folder in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    path, reason = ensure_chromium()
    if path is None:
        pytest.skip(f"browser tests need Debian's Chromium: {reason}")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server, content):
    """The site as a visitor reaches it, with the clinic's real content.

    pytest-django's live server serves static files itself (its handler is
    staticfiles' StaticFilesHandler when django.contrib.staticfiles is installed), and
    `live_server` makes the database transactional so the server thread sees the rows.
    """
    return live_server.url


def _test_folder(request):
    name = request.node.name
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


@pytest.fixture
def visit(browser, site):
    contexts = []

    def open_page(path="/", *, width=PHONE, javascript=True, height=None):
        """A new context (own cookies) at `width`; opened at `path` unless it is None."""
        context = browser.new_context(
            viewport={"width": width, "height": height or HEIGHTS.get(width, 800)},
            java_script_enabled=javascript,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if path is not None:
            page.goto(site + path)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def artifacts(request):
    """This test's folder under test-artifacts/, emptied first."""
    folder = ARTIFACTS / _test_folder(request)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def shot(artifacts):
    counter = iter(range(1, 1000))

    def take(page, step, *, full_page=True):
        width = page.viewport_size["width"]
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", step).strip("-")
        path = artifacts / f"{next(counter):02d}-{slug}-{width}px.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def step(shot):
    def check(page, name, *, reachable=True, javascript=True):
        width = page.viewport_size["width"]
        other = DESKTOP if width != DESKTOP else PHONE
        shot(page, name)
        assert_accessible(page, f"{name} at {width}px", axe=javascript)
        if reachable:
            assert_every_control_reachable(page)
        page.set_viewport_size({"width": other, "height": HEIGHTS[other]})
        shot(page, name)
        assert_no_horizontal_scroll(page)
        page.set_viewport_size({"width": width, "height": HEIGHTS.get(width, 800)})

    return check


@pytest.fixture
def mail_to():
    from django.core import mail

    def find(address, subject_part, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            found = [
                message
                for message in getattr(mail, "outbox", [])
                if address in message.to and subject_part in message.subject
            ]
            if found or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        subjects = [(m.to, m.subject) for m in getattr(mail, "outbox", [])]
        assert found, f"no e-mail to {address} about {subject_part!r}; sent: {subjects}"
        return found[-1]

    return find
