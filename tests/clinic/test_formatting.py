from clinic.templatetags.clinic import kr, markdown, stars

NBSP = "\u00a0"


def test_prices_are_written_the_swedish_way():
    assert kr(1490) == f"1{NBSP}490{NBSP}kr"
    assert kr(880) == f"880{NBSP}kr"
    assert kr(12500) == f"12{NBSP}500{NBSP}kr"
    assert kr(None) == ""


def test_markdown_keeps_lists_and_drops_raw_html():
    html = markdown("- ett\n- två\n\n<img src=x onerror=alert(1)>")
    assert "<li>ett</li>" in html
    assert "onerror" not in html and "<img" not in html


def test_rating_reads_as_words_for_screen_readers():
    html = stars(4)
    assert "4 av 5" in html
    assert 'aria-hidden="true"' in html
