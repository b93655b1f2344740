"""The numbers page in the browser: every chart drawn and titled, its table holding the same
numbers as its bars and points, axe finding nothing, at a phone's width and a desktop's."""

from urllib.parse import quote

import pytest

from clinic.charts import format_number
from tests.booking.test_numbers import NOVEMBER, november  # noqa: F401 - the known month
from tests.conftest import staff_in

from .conftest import WIDTHS

pytestmark = pytest.mark.browser

PATH = "/boka/personal/siffror/?" + "&".join(f"{k}={v}" for k, v in NOVEMBER.items())

# Every mark of every chart, and every table as {row: {column: text}}.
READ_PAGE = """() => {
  const charts = [...document.querySelectorAll("svg.chart")].map(svg => ({
    id: svg.id,
    title: svg.querySelector(":scope > title").textContent,
    named: svg.getAttribute("aria-labelledby"),
    role: svg.getAttribute("role"),
    marks: [...svg.querySelectorAll("[data-series]")].map(m => ({
      series: m.dataset.series, category: m.dataset.category, value: m.dataset.value,
      visible: m.tagName === "circle" || parseFloat(m.getAttribute("height")) >= 0,
    })),
  }));
  const tables = {};
  for (const table of document.querySelectorAll(".numbers-table table")) {
    const heads = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
    const rows = {};
    for (const tr of table.querySelectorAll("tbody tr")) {
      const cells = [...tr.children].map(c => c.textContent.trim());
      rows[cells[0]] = Object.fromEntries(heads.slice(1).map((h, i) => [h, cells[i + 1]]));
    }
    tables[table.id.replace("-tabell", "")] = rows;
  }
  return {charts, tables};
}"""


def log_in(page, site, path):
    page.goto(f"{site}/admin/login/?next={quote(path)}")
    page.get_by_label("Användarnamn").fill("ledning")
    page.get_by_label("Lösenord").fill("lösenord-123")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/boka/personal/siffror/**")


@pytest.mark.parametrize("width", WIDTHS)
def test_charts_are_drawn_titled_and_match_their_tables(visit, site, step, november, width):  # noqa: F811
    staff_in("Ledning", "ledning")
    page = visit(None, width=width)
    log_in(page, site, PATH)
    step(page, "numbers")
    shown = page.evaluate(READ_PAGE)
    assert shown["charts"], page.inner_text("main")[:500]
    assert [c["id"] for c in shown["charts"]] == list(shown["tables"])
    assert len(shown["charts"]) == 8
    for chart in shown["charts"]:
        assert chart["role"] == "img"
        assert chart["named"] == f"{chart['id']}-titel {chart['id']}-beskrivning"
        assert chart["title"]
        assert page.locator(f"#{chart['id']}").bounding_box()["height"] > 100
        table = shown["tables"][chart["id"]]
        assert chart["marks"], chart["id"]
        for mark in chart["marks"]:
            row = table[mark["category"]]
            column = next(name for name in row if name.split(" (")[0] == mark["series"])
            value = None if mark["value"] == "" else float(mark["value"])
            expected = format_number(
                value if value is None or not value.is_integer() else int(value)
            )
            assert row[column] == expected, (chart["id"], mark)
    assert shown["tables"]["besok"]["v. 45 2026"]["Genomförda"] == "4"
    assert shown["tables"]["intakter"]["nov 2026"]["Totalt (kr)"] == "5\u00a0260"

    page.get_by_label("Mottagning", exact=True).select_option(label="Göteborg")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**ort=goteborg**")
    assert page.evaluate(READ_PAGE)["tables"]["besok"]["v. 45 2026"]["Genomförda"] == "2"


def test_bad_dates_are_told_at_the_field(visit, site, step, november):  # noqa: F811
    staff_in("Ledning", "ledning")
    page = visit(None, width=WIDTHS[-1])
    log_in(page, site, "/boka/personal/siffror/?period=datum&fran=2026-12-01&till=2026-11-01")
    assert "”Till och med” måste vara samma dag som eller efter ”från”." in page.inner_text("main")
    assert page.locator("svg.chart").count() == 0
    step(page, "numbers-bad-dates")
