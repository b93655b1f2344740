"""Trust on the article: the next review date, overdue reviews in the admin, the clinic's
commercial interest in the products it rates, and the foot figure."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from conditions.models import Condition

pytestmark = pytest.mark.django_db

ARTICLE = "/besvar/halkuddesyndrom/"
NOW = datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("Europe/Stockholm"))


def test_article_says_when_it_is_reviewed_next_from_its_interval(client, content):
    Condition.objects.filter(slug="halkuddesyndrom").update(
        last_reviewed=date(2026, 1, 31), review_interval_months=1
    )
    html = client.get(ARTICLE).content.decode()
    assert 'Nästa granskning senast <time datetime="2026-02-28">28 februari 2026</time>' in html


def test_default_interval_is_twelve_months(client, content):
    Condition.objects.filter(slug="halkuddesyndrom").update(last_reviewed=date(2026, 3, 15))
    assert 'datetime="2027-03-15">15 mars 2027' in client.get(ARTICLE).content.decode()


def test_admin_lists_articles_whose_review_is_overdue(client, content, superuser):
    Condition.objects.filter(slug="halkuddesyndrom").update(
        last_reviewed=date(2025, 11, 1), review_interval_months=12
    )
    client.force_login(superuser)
    with time_machine.travel(NOW):
        overdue = client.get("/admin/conditions/condition/?granskning=forsenad").content.decode()
        in_time = client.get("/admin/conditions/condition/?granskning=i-tid").content.decode()
        listing = client.get("/admin/conditions/condition/").content.decode()
    assert "Hälkuddesyndrom" in overdue and "Hälkuddesyndrom" not in in_time
    assert "1 november 2026 – försenad" in listing


def test_article_declares_that_the_clinic_sells_and_rents_the_rated_products(client, content):
    html = client.get(ARTICLE).content.decode()
    assert "Vårt betyg" in html
    assert "Vi säljer och hyr ut dessa produkter." in html


def test_biomechanics_section_shows_the_arch_figure_with_a_text_alternative(client, content):
    html = client.get(ARTICLE).content.decode()
    assert 'src="/static/img/fotens-valv.svg"' in html
    assert 'alt="Teckning av en fot sedd underifrån, med det mediala valvet markerat i rött' in html
    figure_at = html.index("fotens-valv.svg")
    assert html.index("medialt (rött) och främre (blått) valv") > figure_at
