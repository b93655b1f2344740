"""The public pages every visitor sees: home, treatments, shop, 404, robots and sitemap."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def test_home_presents_the_clinic_and_both_locations(client, content):
    html = client.get("/").content.decode()
    assert "<h1>Ortomed fotspecialister</h1>" in html
    assert "Därför ska du välja Ortomed fotspecialister" in html
    assert "Vi är fotspecialister." in html
    assert "Det mesta av det vi anser behövs erbjuder vi dessutom själva" in html
    assert "Vår fotvård är även för dig som redan testat (nästan) allt" in html
    assert "Fotdiagnostik, fotbehandling och fotrehab" in html
    assert "tillverkar den typ av inlägg" in html
    assert "/besvar/halkuddesyndrom/" in html
    assert "Hälsingegatan 2" in html and "Norra Allégatan 8" in html


def test_every_page_shares_the_base_with_navigation_skip_link_and_footer(client, content):
    for url in ["/", "/besvar/", "/behandlingar/", "/shop/", "/boka/", "/tillganglighet/"]:
        html = client.get(url).content.decode()
        assert '<a class="skip-link" href="#main">' in html, url
        for item in ["Besvär", "Behandlingar", "Shop", "Boka tid"]:
            assert f">{item}</a>" in html, (url, item)
        assert "vid Vasaparken och Odenplan" in html, url
        assert "vid Järntorget" in html, url
        assert html.count("<h1") == 1, url
        for tag in ("og:title", "og:description"):  # the site's own, where a page has none
            assert f'<meta property="{tag}" content="">' not in html, (url, tag)


def test_treatments_page_lists_packages_with_swedish_prices(client, content):
    html = client.get("/behandlingar/").content.decode()
    assert f"1{NBSP}490{NBSP}kr" in html
    assert f"880{NBSP}kr" in html
    assert "/boka/goteborg/posturalt-besok/" in html
    assert "/boka/stockholm/posturalt-besok/" not in html


def test_treatment_page_shows_problems_solutions_and_booking(client, content):
    html = client.get("/behandlingar/halkoppar-och-skoinlagg/").content.decode()
    assert "Tunna, utsjunkna hälkuddar" in html
    assert "Hälkopp hjälper hälkudden att hålla sin höjd" in html
    assert "Varför ska du göra dina hälkoppar och ortopediska inlägg hos oss?" in html
    assert "Försäkringsbolagen, Göteborgsstad, allsvenska fotbollsklubbar" in html
    assert "Boka tid för diagnos och inlägg" in html
    assert "/boka/stockholm/diagnos-1-par-halkoppar/" in html
    assert '<meta property="og:title" content="Hälkoppar eller skoinlägg för avlastning">' in html


def test_product_without_price_says_available_on_request(client, content):
    html = client.get("/shop/hemlaser/").content.decode()
    assert "Pris på förfrågan" in html
    assert "Vi rekommenderar att du hyr lasern för minst två veckor" in html
    listing = client.get("/shop/").content.decode()
    assert "Begagnad hemlaser" in listing


def test_unknown_pages_get_the_designed_404(client, content):
    for url in ["/finns-inte/", "/behandlingar/finns-inte/", "/shop/finns-inte/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Sidan finns inte" in response.content.decode()
        assert "skip-link" in response.content.decode()


@override_settings(DEBUG=False)
def test_server_error_page_renders_without_the_database():
    from clinic.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Något gick fel hos oss" in response.content.decode()


def test_robots_and_sitemap(client, content):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/besvar/halkuddesyndrom/" in sitemap
    assert "/behandlingar/nybesok-eller-aterbesok/" in sitemap
