"""Checks a page must pass in the browser: axe-core, headings, language, reflow, keyboard.

Each `assert_*` takes a Playwright `Page` already showing the page to check and fails with a
message that says what is wrong and where. They are plain functions, so a journey can call
them at any step:

    page = visit("/boka/")
    assert_accessible(page)              # axe + h1 + headings + lang + reflow + targets
    assert_every_control_reachable(page) # Tab reaches every link, button and field

Forms: `assert_form_errors_are_tied_to_fields(page, invalid=[...])` submits the form shown
and checks the page that comes back (see its docstring).
"""

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe tags every rule by the version that added it).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Best-practice rules that back what the issue asks for beyond the success criteria:
# landmarks, one main, one h1, headings in order.
BEST_PRACTICE_RULES = [
    "landmark-one-main",
    "landmark-no-duplicate-main",
    "landmark-unique",
    "region",
    "page-has-heading-one",
    "heading-order",
    "skip-link",
]
MIN_TARGET = 24  # WCAG 2.2 AA 2.5.8: at least 24 by 24 CSS pixels.
# Stand-alone controls: links in navigation lists, buttons and booking buttons (inline links in
# running text are exempt from 2.5.8 and checked by axe's target-size rule with spacing).
TARGET_SELECTOR = (
    "header a, nav a, .button, button, input[type=submit], .booking-buttons a, .footer-links a"
)
# Controls in the Tab order: tabindex="-1" takes one out on purpose (the honeypot field).
FOCUSABLE = (
    "a[href]:not([tabindex='-1']), button:not([disabled]):not([tabindex='-1']), "
    "input:not([type=hidden]):not([disabled]):not([tabindex='-1']), "
    "select:not([disabled]):not([tabindex='-1']), textarea:not([disabled]):not([tabindex='-1']), "
    "summary, [tabindex]:not([tabindex='-1'])"
)

_axe = Axe()


def axe_violations(page, context=None):
    """axe-core's violations for the page at WCAG 2.2 A/AA and the best-practice rules above."""
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "rules": {rule: {"enabled": True} for rule in BEST_PRACTICE_RULES},
        "resultTypes": ["violations"],
    }
    return _axe.run(page, context=context, options=options).response["violations"]


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['failureSummary']}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)


def assert_axe_clean(page, label=""):
    violations = axe_violations(page)
    assert not violations, f"axe found on {label or page.url}:\n{format_violations(violations)}"


def headings(page):
    """(level, text) of every heading a screen reader would list, in document order."""
    return page.evaluate(
        """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
            .filter(h => h.getClientRects().length > 0 && !h.closest('[aria-hidden=true]'))
            .map(h => [Number(h.tagName[1]), h.textContent.trim().replace(/\\s+/g, ' ')])"""
    )


def assert_headings_in_order(page):
    found = headings(page)
    levels = [level for level, _ in found]
    assert levels.count(1) == 1, f"{page.url}: expected exactly one h1, got {levels.count(1)}"
    assert levels[0] == 1, f"{page.url}: the first heading is {found[0]}, not the h1"
    for (before, _), (level, text) in zip(found, found[1:], strict=False):
        assert level <= before + 1, f"{page.url}: h{before} is followed by h{level} ({text!r})"


def assert_language_is_swedish(page):
    assert page.evaluate("document.documentElement.lang") == "sv", page.url


def horizontal_overflow(page):
    """How many CSS px the page is wider than the viewport (0 when it reflows)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


def assert_no_horizontal_scroll(page):
    overflow = horizontal_overflow(page)
    if overflow > 0:
        wide = page.evaluate(
            """() => { const w = document.documentElement.clientWidth;
                return [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > w + 1)
                  .slice(0, 5).map(e => e.outerHTML.slice(0, 120)); }"""
        )
        raise AssertionError(f"{page.url} scrolls sideways by {overflow}px; too wide: {wide}")


def small_targets(page, selector=TARGET_SELECTOR):
    return page.evaluate(
        """([selector, min]) => [...document.querySelectorAll(selector)]
            .filter(e => e.getClientRects().length > 0 && !e.classList.contains('skip-link'))
            .map(e => { const r = e.getBoundingClientRect();
                        return [e.textContent.trim().slice(0, 40), r.width, r.height]; })
            .filter(([, w, h]) => w < min || h < min)""",
        [selector, MIN_TARGET],
    )


def assert_touch_targets_large_enough(page):
    too_small = small_targets(page)
    assert not too_small, f"{page.url}: targets under {MIN_TARGET}px: {too_small}"


def assert_accessible(page, label="", *, axe=True):
    """Everything a page type must pass, at the width the page was opened with.

    Runs every check and reports all that fail together. axe=False leaves axe out, for a
    page with JavaScript switched off: axe runs in the page and would wait forever."""
    problems = []
    for check in (
        assert_language_is_swedish,
        assert_headings_in_order,
        assert_no_horizontal_scroll,
        assert_touch_targets_large_enough,
    ):
        try:
            check(page)
        except AssertionError as error:
            problems.append(str(error))
    violations = axe_violations(page) if axe else []
    if violations:
        problems.append(f"axe:\n{format_violations(violations)}")
    assert not problems, f"{label or page.url}:\n" + "\n".join(problems)


# Keyboard ------------------------------------------------------------------------------


def _mark_focusable(page):
    """Number every visible focusable element; returns each one's Tab stop group.

    A group of radio buttons (one name in one form) is a single Tab stop, whose arrow keys
    move within it; every other control is a stop of its own."""
    return page.evaluate(
        """(selector) => {
            const all = [...document.querySelectorAll(selector)].filter(e =>
                e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'
                && !e.closest('[inert]'));
            const forms = [...document.forms];
            all.forEach((e, i) => e.dataset.focusIndex = String(i));
            return all.map((e, i) => e.type === 'radio' && e.name
                ? `radio ${forms.indexOf(e.form)} ${e.name}` : String(i)); }""",
        FOCUSABLE,
    )


FOCUS_STATE = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    return {
        index: e.dataset.focusIndex ?? null,
        tag: e.tagName.toLowerCase(),
        text: (e.textContent || e.value || '').trim().slice(0, 50),
        outlineStyle: s.outlineStyle,
        outlineWidth: parseFloat(s.outlineWidth) || 0,
        boxShadow: s.boxShadow,
        inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
    };
}"""


def tab_through(page, limit=400):
    """Press Tab from the top of the page until focus leaves it; the focus states seen."""
    _mark_focusable(page)
    # Start from the top whatever had focus before (a field just filled in, a clicked
    # button): focusing the body moves the browser's starting point for Tab there.
    page.evaluate(
        """() => { window.scrollTo(0, 0); document.activeElement?.blur();
            const body = document.body, had = body.hasAttribute('tabindex');
            body.tabIndex = -1; body.focus({preventScroll: true}); body.blur();
            if (!had) body.removeAttribute('tabindex'); }"""
    )
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or (seen and state["index"] == seen[0]["index"]):
            break
        seen.append(state)
    return seen


def has_visible_focus(state):
    outline = state["outlineStyle"] != "none" and state["outlineWidth"] >= 2
    return outline or state["boxShadow"] != "none"


def assert_every_control_reachable(page):
    """Tab reaches every visible link, button, field and radio group, each with a visible
    focus indicator and scrolled into view (WCAG 2.1.1, 2.4.7, 2.4.11)."""
    groups = _mark_focusable(page)
    # A date field is four Tab stops (day, month, year, its calendar button).
    states = tab_through(page, limit=4 * len(groups) + 5)  # numbers the same elements again
    reached = {groups[int(s["index"])] for s in states if s["index"] is not None}
    missing = [i for i, group in enumerate(groups) if group not in reached]
    if missing:
        names = page.evaluate(
            """(missing) => missing.map(i => document.querySelector(`[data-focus-index="${i}"]`)
                .outerHTML.slice(0, 120))""",
            missing,
        )
        raise AssertionError(f"{page.url}: Tab never reaches {names}")
    no_focus = [s["text"] for s in states if not has_visible_focus(s)]
    assert not no_focus, f"{page.url}: no visible focus indicator on {no_focus}"
    hidden = [s["text"] for s in states if not s["inView"]]
    assert not hidden, f"{page.url}: focused but out of view: {hidden}"


# Forms ---------------------------------------------------------------------------------


def assert_form_errors_are_tied_to_fields(
    page,
    *,
    invalid,
    form="main form",
    fill=None,
    submit="button[type=submit], input[type=submit]",
):
    """Submit the form on `page` as a patient who gets it wrong, and check the answer.

    `fill` maps field names to what the patient types (empty: nothing typed); `invalid`
    lists the ids of the fields that must come back marked as wrong. The browser's own
    required-field bubbles are switched off for the submission (`novalidate`) so that the
    server's answer is what gets tested: it is what a patient sees whenever the browser
    does not stop them first. The page that comes back must:

    - mark each invalid field `aria-invalid="true"` and point `aria-describedby` at an
      element holding the error text (crispy-bootstrap5 with Django 5.2 does both; for a
      radio group, give its first choice: crispy describes the group's fieldset);
    - keep what was typed in every field;
    - announce that something is wrong: a `role="alert"` (or `aria-live`) region with text,
      e.g. templates/clinic/includes/error_summary.html, or focus on the error summary or
      first invalid field, or a title starting with "Fel";
    - pass `assert_accessible` (axe with the errors shown, one h1, reflow, targets).

    Returns the page for further checks.
    """
    fill = fill or {}
    target = page.locator(form).first
    for name, value in fill.items():
        target.locator(f"[name='{name}']").fill(value)
    target.evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        target.locator(submit).first.click()

    for field_id in invalid:
        field = page.locator(f"#{field_id}")
        assert field.count() == 1, f"{page.url}: no field #{field_id} after submitting"
        assert field.get_attribute("aria-invalid") == "true", f"#{field_id} not aria-invalid"
        # A radio or checkbox group is described as a whole: by its fieldset.
        described = field.evaluate(
            """e => (e.getAttribute('aria-describedby')
                || (['radio', 'checkbox'].includes(e.type)
                    && e.closest('fieldset')?.getAttribute('aria-describedby')) || '')"""
        ).split()
        texts = [page.locator(f"#{ref}").inner_text().strip() for ref in described]
        assert any(texts), f"#{field_id}: aria-describedby {described} holds no error text"

    for name, value in fill.items():
        kept = page.locator(f"{form} [name='{name}']").first.input_value()
        assert kept == value, f"{name!r} lost what was typed: {kept!r} != {value!r}"

    announced = page.evaluate(
        """(ids) => {
            const live = [...document.querySelectorAll('[role=alert], [aria-live]')]
                .some(e => e.textContent.trim());
            const focused = document.activeElement;
            const onError = focused && (focused.matches('[role=alert], .error-summary')
                || ids.includes(focused.id));
            return live || onError || document.title.startsWith('Fel');
        }""",
        list(invalid),
    )
    assert announced, f"{page.url}: the errors are not announced (no alert, focus or title)"
    assert_accessible(page, f"{page.url} with errors")
    return page
