"""The heel pad article shows every fact of the clinic's source page."""

import json
import re

import pytest
from django.urls import reverse

from conditions.models import Condition, Reference, Symptom

pytestmark = pytest.mark.django_db

ARTICLE = "/besvar/halkuddesyndrom/"
NBSP = "\u00a0"

SYMPTOMS = [
    "Utbredd smärta under hela hälens undersida",
    "Randömhet, smärta runt sidor och baksida av hälen",
    "Smärta som förvärras vid aktivitet och långvarig belastning",
    "Smärtan avtar i vila och kommer först vid längre belastning, ingen igångsättningssmärta",
    "Sämre vid belastning barfota och på hårda underlag",
    "Långvarig smärta som kan pågå i månader eller till och med år",
]

# name, price as shown, offered in Stockholm, offered in Göteborg
PACKAGES = [
    ("Diagnos + 1 par hälkoppar", "1 490 kr", True, True),
    ("Diagnos + 2 par hälkoppar", "2 290 kr", True, True),
    ("Diagnos/fotanalys + 1 par skoinlägg", "1 990 kr", True, True),
    ("Diagnos/fotanalys + 2 par skoinlägg", "2 990 kr", True, True),
    ("Nybesök", "880 kr", True, True),
    ("Återbesök", "760 kr", True, True),
    ("Posturalt nybesök/återbesök", "2 250 kr", False, True),
]

DOIS = ["10.5535/arm.2011.35.4.507", "10.1186/s13047-022-00568-x"]

MORTON_SENTENCES = [
    "nerver kläms mellan tårnas ben",
    "hjälpa mot Mortons",
    "i och kring nerven",
]


def text_of(response):
    """The page's visible text, tags removed and whitespace folded."""
    html = response.content.decode()
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&amp;", "&")


@pytest.fixture
def page(client, content):
    response = client.get(ARTICLE)
    assert response.status_code == 200
    return response


def test_article_shows_title_subtitle_lead_and_questions(page):
    text = text_of(page)
    assert "Hälkuddesyndrom" in text
    assert "Smärta i en eller båda hälarna på grund av skadad hälkudde" in text
    assert "I denna artikel får du symtom, orsak och lösningar" in text
    assert "Fotexperter i Stockholm och Göteborg" in text
    assert "Syndromet är ofta långvarigt och orsakar mycket lidande." in text
    assert "Har du en molande smärta under hälarna" in text
    assert "Vi hjälper dig hur." in text


def test_article_lists_every_symptom_in_order(page):
    text = text_of(page)
    positions = [text.index(symptom) for symptom in SYMPTOMS]
    assert positions == sorted(positions)


def test_article_shows_every_package_with_price_and_its_locations(page):
    html = page.content.decode()
    for name, price, stockholm, goteborg in PACKAGES:
        slug_match = re.search(
            r'id="paket-([\w-]+)">\s*<p class="package-name"><span>' + re.escape(name) + ":",
            html,
        )
        assert slug_match, name
        end = html.find('class="package"', slug_match.end())
        block = html[slug_match.start() : end if end > 0 else None]
        assert price.replace(" ", NBSP) in block
        assert (f"/boka/stockholm/{slug_match.group(1)}/" in block) is stockholm
        assert (f"/boka/goteborg/{slug_match.group(1)}/" in block) is goteborg
        assert ("Stockholm (webtidsbokning)" in block) is stockholm


def test_article_shows_both_addresses_with_landmarks(page):
    text = text_of(page)
    assert "Hälsingegatan 2, vid Vasaparken och Odenplan" in text
    assert "Norra Allégatan 8, vid Järntorget" in text


def test_article_marks_first_choices_and_rates_products_in_words(page):
    text = text_of(page)
    assert text.count("Förstaval") >= 4  # two in the list, two on the treatments
    assert "Hälkoppar & skoinlägg" in text
    assert "5 av 5" in text
    assert "4 av 5" in text


def test_article_lists_each_reference_once_with_doi_links(page):
    html = page.content.decode()
    for doi in DOIS:
        assert f'href="https://doi.org/{doi}"' in html
    assert html.count("Clinical characteristics of the causes of plantar heel pain") == 1
    assert "2011b" not in html
    for title in [
        "A scoping review of heel fat pad syndrome",
        "Altered stiffness of microchamber and macrochamber layers in the aged heel pad",
        "Spatial-dependent mechanical properties of the heel pad by shear wave elastography",
        "Bulk compressive properties of the heel fat pad during walking",
    ]:
        assert title in html


def test_article_names_the_author_and_credentials(page):
    text = text_of(page)
    assert "Mikael Boije af Gennäs" in text
    assert "legitimerad senior fysioterapeut" in text
    assert "ortopedisk medicin och ultraljudsdiagnostik" in text
    assert "Senast granskad" in text
    assert "Synpunkter på innehållet?" in text


def test_article_keeps_out_the_suspected_copy_paste_sentences(page):
    text = text_of(page)
    for sentence in MORTON_SENTENCES:
        assert sentence not in text
    note = Condition.objects.get(slug="halkuddesyndrom").editorial_note
    for sentence in MORTON_SENTENCES:
        assert sentence in note


def test_article_shows_the_in_depth_answers_and_synonyms(page):
    text = text_of(page)
    for heading in [
        "Vad är Hälkuddesyndrom?",
        "Varför får man Hälkuddesyndrom?",
        "Vilka drabbas?",
        "Hur kan Hälkuddesyndrom undvikas?",
        "Hur många besök krävs?",
        "Biomekanikens inverkan",
        "Varför smärtar det i hälarna?",
    ]:
        assert heading in text
    assert "Calcaneodyni" in text
    assert "hälkuddeatrofi" in text
    assert "Kombineras med behandlingar för optimalt omhändertagande" in text
    assert text.count("Kombineras med behandlingar för optimalt omhändertagande") == 1


def test_article_has_a_table_of_contents_whose_links_all_land(page):
    html = page.content.decode()
    toc = html[
        html.index('<nav class="toc"') : html.index("</nav>", html.index('<nav class="toc"'))
    ]
    anchors = re.findall(r'href="#([\w-]+)"', toc)
    assert len(anchors) >= 10
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_article_describes_itself_in_json_ld(page):
    html = page.content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "MedicalWebPage"
    assert data["about"]["@type"] == "MedicalCondition"
    assert "Calcaneodyni" in data["about"]["alternateName"]
    assert len(data["about"]["signOrSymptom"]) == len(SYMPTOMS)
    assert data["author"]["name"] == "Mikael Boije af Gennäs"
    streets = {clinic["address"]["streetAddress"] for clinic in data["publisher"]}
    assert streets == {"Hälsingegatan 2", "Norra Allégatan 8"}


def test_article_has_its_own_title_description_canonical_and_open_graph(page):
    html = page.content.decode()
    assert "<title>Hälkuddesyndrom" in html
    assert '<meta name="description" content="Hälkuddesyndrom: smärta under hälen' in html
    assert '<link rel="canonical" href="http://testserver/besvar/halkuddesyndrom/">' in html
    assert '<meta property="og:type" content="article">' in html
    # A shared link shows the article's own title and description, not the site's.
    assert '<meta property="og:title" content="Hälkuddesyndrom: smärta i en eller båda' in html
    assert '<meta property="og:description" content="Hälkuddesyndrom: smärta under hälen' in html
    assert '<html lang="sv">' in html


def test_article_query_count_does_not_grow_with_its_parts(
    client, content, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(ARTICLE)
    condition = Condition.objects.get(slug="halkuddesyndrom")
    for n in range(10):
        Symptom.objects.create(condition=condition, text=f"Extra symtom {n}", order=100 + n)
        Reference.objects.create(
            condition=condition, authors="A", year=2020, title=f"T{n}", journal="J", doi=f"10.1/{n}"
        )
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(ARTICLE)
    assert "Extra symtom 9" in response.content.decode()
    assert len(before.captured_queries) <= 16


def test_markup_typed_by_staff_is_sanitised(client, content):
    condition = Condition.objects.get(slug="halkuddesyndrom")
    condition.lead = 'Hej <script>alert(1)</script> <a href="javascript:alert(2)">x</a> **fet**'
    condition.save()
    html = client.get(ARTICLE).content.decode()
    assert "<script>alert(1)" not in html
    assert "javascript:alert" not in html
    assert "<strong>fet</strong>" in html


def test_unpublished_and_unknown_articles_are_the_designed_404(client, content):
    response = client.get("/besvar/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()
    Condition.objects.filter(slug="halkuddesyndrom").update(is_published=False)
    assert client.get(ARTICLE).status_code == 404


def test_conditions_list_links_to_the_article(client, content):
    response = client.get(reverse("conditions:list"))
    assert response.status_code == 200
    assert ARTICLE in response.content.decode()
