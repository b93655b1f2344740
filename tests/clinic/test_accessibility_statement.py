"""The accessibility statement says what was tested and how to report a problem."""

import pytest

pytestmark = pytest.mark.django_db


def test_statement_says_what_is_tested_and_where_to_report(client, content):
    html = client.get("/tillganglighet/").content.decode()
    for said in [
        "<h1>Tillgänglighetsredogörelse</h1>",
        "WCAG 2.2 på nivå A och AA",
        "axe-core",
        "375 pixlar",
        "200 procent",
        "bara tangentbordet",
        "varje steg i bokningen",
        "kassan och orderbekräftelsen",
        "utan JavaScript",
        "Kända brister",
        "Rapportera en brist",
        "Hälsingegatan 2",
        "Norra Allégatan 8",
        "Myndigheten för digital förvaltning",
    ]:
        assert said in html, said
    assert (
        '<a href="/tillganglighet/">Tillgänglighetsredogörelse</a>'
        in client.get("/").content.decode()
    )
