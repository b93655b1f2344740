"""The strict Content-Security-Policy holds in a real browser: the public pages (JSON-LD
included) and the admin's own scripts raise no violation, and the admin still works."""

from pathlib import Path

import pytest
from django.contrib.auth.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Runs in every page before its own scripts (through DevTools, so the policy allows it).
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    pytest.importorskip("playwright")
    return str(CHROMIUM)


def test_no_page_or_admin_screen_violates_the_policy(chromium, live_server, content):
    User.objects.create_superuser("chef", "chef@example.com", "lösenord-123")
    from playwright.sync_api import sync_playwright

    violations = []
    admin_slug = ""
    # Playwright's sync API runs an asyncio loop in this thread: no ORM calls until it is closed.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_context().new_page()
        page.add_init_script(COLLECT_VIOLATIONS)
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text or "Permissions-Policy" in message.text
                else None
            ),
        )

        def visit(path):
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            violations.extend(f"{path}: {v}" for v in page.evaluate("window.__cspViolations"))

        for path in ["/", "/besvar/", "/besvar/halkuddesyndrom/", "/behandlingar/", "/shop/"]:
            visit(path)
        assert page.locator('script[type="application/ld+json"]').count() == 0  # list page

        visit("/besvar/halkuddesyndrom/")
        assert page.locator('script[type="application/ld+json"]').count() == 1

        visit("/admin/login/")
        page.fill("#id_username", "chef")
        page.fill("#id_password", "lösenord-123")
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")
        for path in [
            "/admin/",
            "/admin/conditions/condition/1/change/",
            "/admin/shop/treatmentpackage/",
            "/admin/clinic/practitioner/add/",
        ]:
            visit(path)
        # The admin's scripts run: the slug fills itself in, the two-box selector is built.
        page.fill("#id_name", "Test Testsson")
        page.locator("#id_title").focus()
        admin_slug = page.input_value("#id_slug")
        two_box_selectors = page.locator(".selector").count()
        violations.extend(page.evaluate("window.__cspViolations"))
        browser.close()

    assert violations == []
    assert admin_slug == "test-testsson"
    assert two_box_selectors == 1
