"""The strict Content-Security-Policy holds in a real browser: the public pages (JSON-LD
included) and the admin's own scripts raise no violation, and the admin still works."""

from django.contrib.auth.models import User

# Runs in every page before its own scripts (through DevTools, so the policy allows it).
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline'));
});
"""


def test_no_page_or_admin_screen_violates_the_policy(browser, site):
    User.objects.create_superuser("chef", "chef@example.com", "lösenord-123")
    violations = []
    context = browser.new_context()
    page = context.new_page()
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
        response = page.goto(site + path)
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
    context.close()

    assert violations == []
    assert admin_slug == "test-testsson"
    assert two_box_selectors == 2  # locations, and the packages a specialist does not perform
