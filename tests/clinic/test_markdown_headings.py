"""Staff-written headings fit the page they are shown on."""

from clinic.templatetags.clinic import markdown


def test_markdown_headings_stay_h3_and_h4_by_default():
    html = markdown("### Varför?\n\nText.\n\n#### Detalj")
    assert "<h3>Varför?</h3>" in html and "<h4>Detalj</h4>" in html


def test_markdown_headings_lift_to_h2_under_the_page_title():
    html = markdown("### Varför?\n\nText.\n\n#### Detalj", 2)
    assert "<h2>Varför?</h2>" in html and "<h3>Detalj</h3>" in html
    assert "<h3>Varför" not in html


def test_markdown_headings_never_become_a_second_h1():
    assert "<h2>Varför?</h2>" in markdown("### Varför?", 1)
    assert "<h1>" not in markdown("# Rubrik", 1)
