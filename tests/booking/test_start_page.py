"""/boka/ helps a patient choose: what each treatment is for, each package's length and price,
and where it is offered; the article's booking buttons go straight to the package's times."""

import re

import pytest

pytestmark = pytest.mark.django_db


def section(html, slug):
    start = html.index(f'id="t-{slug}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_the_start_page_says_what_each_treatment_is_for_its_packages_and_where(client, content):
    html = client.get("/boka/").content.decode()
    insoles = section(html, "halkoppar-och-skoinlagg")
    assert "Diagnostik och avlastning med hälkoppar, skoinlägg eller tejpning." in insoles
    assert "Finns i Stockholm och Göteborg." in insoles
    assert "Diagnos + 1 par hälkoppar:" in insoles and "1\u00a0490\u00a0kr" in insoles
    assert ", 60 min" in insoles

    visits = section(html, "nybesok-eller-aterbesok")
    assert "Återbesök:" in visits and "760\u00a0kr" in visits and ", 45 min" in visits

    postural = section(html, "funktionell-analys-och-traning")
    assert "Finns i Göteborg." in postural
    assert "/boka/goteborg/posturalt-besok/" in postural
    assert "/boka/stockholm/posturalt-besok/" not in postural


def test_every_booking_button_of_the_article_lands_on_its_packages_times(client, content):
    article = client.get("/besvar/halkuddesyndrom/").content.decode()
    links = set(re.findall(r'href="(/boka/[a-z-]+/[a-z0-9-]+/)"', article))
    assert "/boka/stockholm/nybesok/" in links and "/boka/goteborg/posturalt-besok/" in links
    for link in links:
        page = client.get(link)
        assert page.status_code == 200, link
        assert "Lediga tider vecka" in page.content.decode()
