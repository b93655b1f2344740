"""The heel pad article on paper: no navigation, the text, the references with full DOIs."""

import pytest

from conditions.models import Reference

from .conftest import DESKTOP
from .pages import ARTICLE

pytestmark = pytest.mark.browser

HIDDEN_IN_PRINT = [".site-header", ".site-footer", ".skip-link", "nav.toc", "nav#boka"]


def test_article_prints_without_navigation_and_with_full_doi_links(visit, artifacts):
    page = visit(ARTICLE, width=DESKTOP)
    page.emulate_media(media="print")

    for selector in HIDDEN_IN_PRINT:
        assert not page.locator(selector).is_visible(), f"{selector} is printed"
    assert page.locator(".booking-buttons a:visible").count() == 0
    assert page.locator("h1").is_visible()
    assert page.locator("#symtom").is_visible()
    assert page.locator(".package-name").first.is_visible()  # prices stay on paper

    dois = list(Reference.objects.exclude(doi="").values_list("doi", flat=True))
    assert dois
    printed = page.locator("#referenser").locator("..").inner_text()
    for doi in dois:
        assert f"https://doi.org/{doi}" in printed, doi

    pdf = artifacts / "halkuddesyndrom.pdf"
    page.pdf(path=str(pdf), format="A4", margin={"top": "15mm", "bottom": "15mm"})
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert 3 <= pages <= 20, pages
