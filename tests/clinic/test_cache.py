"""Cached pages are fast and never stale: every content edit shows at once."""

import pytest
from django.db import transaction

from clinic.cache import bump_content, versions
from clinic.models import Location
from conditions.models import Condition
from shop.models import Product, TreatmentPackage

pytestmark = pytest.mark.django_db

ARTICLE = "/besvar/halkuddesyndrom/"
NBSP = "\u00a0"


def test_a_cached_article_is_served_with_a_single_query(client, content, django_assert_num_queries):
    first = client.get(ARTICLE)
    with django_assert_num_queries(1):  # the content version
        again = client.get(ARTICLE)
    assert again.content == first.content
    for header in ["Content-Type", "Content-Length", "Content-Language"]:
        assert again[header] == first[header]
    for header in ["Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"]:
        assert again[header] == first[header]
    assert again["X-Request-ID"] != first["X-Request-ID"]
    assert not again.cookies


def test_a_cached_article_shows_a_new_price_at_once(client, content, superuser, admin_form):
    assert f"880{NBSP}kr" in client.get(ARTICLE).content.decode()  # now cached
    package = TreatmentPackage.objects.get(slug="nybesok")
    staff = client.__class__()
    staff.force_login(superuser)
    url = f"/admin/shop/treatmentpackage/{package.pk}/change/"
    data = admin_form(staff.get(url))
    data["price"] = "940"
    assert staff.post(url, data).status_code == 302

    html = client.get(ARTICLE).content.decode()
    assert f"940{NBSP}kr" in html
    assert f">880{NBSP}kr" not in html


def test_a_price_change_saved_in_code_shows_at_once_too(client, content):
    client.get(ARTICLE)
    client.get("/")
    product = Product.objects.filter(recommendations__isnull=False).first()
    product.name = "Hälkopp Deluxe"
    product.save()
    assert "Hälkopp Deluxe" in client.get(ARTICLE).content.decode()


def test_a_package_withdrawn_from_a_location_disappears_at_once(client, content):
    package = TreatmentPackage.objects.get(slug="nybesok")
    link = package.booking_url(Location.objects.get(slug="stockholm"))
    assert link in client.get(ARTICLE).content.decode()
    package.locations.remove(Location.objects.get(slug="stockholm"))
    assert link not in client.get(ARTICLE).content.decode()


def test_a_new_footer_address_shows_on_every_cached_page(client, content):
    for url in ["/", ARTICLE, "/besvar/", "/tillganglighet/"]:
        client.get(url)
    Location.objects.filter(slug="goteborg").update(street_address="Ny gata 1")  # no signal
    Location.objects.get(slug="goteborg").save()  # what the admin does
    for url in ["/", ARTICLE, "/besvar/", "/tillganglighet/"]:
        assert "Ny gata 1" in client.get(url).content.decode(), url


def test_an_unpublished_article_is_gone_at_once(client, content):
    client.get(ARTICLE)
    Condition.objects.get(slug="halkuddesyndrom").delete()
    assert client.get(ARTICLE).status_code == 404


def test_visitors_with_a_session_always_get_a_fresh_page(client, content, superuser):
    client.get(ARTICLE)
    client.force_login(superuser)
    TreatmentPackage.objects.filter(slug="nybesok").update(price=990)  # bypasses signals
    assert f"990{NBSP}kr" in client.get(ARTICLE).content.decode()


def test_query_strings_neither_read_nor_fill_the_cache(
    client, content, django_assert_max_num_queries
):
    client.get(ARTICLE)
    with django_assert_max_num_queries(20) as rendered:
        client.get(ARTICLE + "?utm_source=nyhetsbrev")
    assert len(rendered.captured_queries) > 1


def test_a_version_from_a_rolled_back_edit_is_never_used_again():
    bump_content()
    with transaction.atomic():
        bump_content()
        seen_inside = versions()[0]
        transaction.set_rollback(True)
    bump_content()
    assert versions()[0] != seen_inside


def test_a_cached_value_is_kept_only_until_the_moment_it_names(settings):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from clinic import cache

    settings.PAGE_CACHE = True
    computed = []

    def compute():
        computed.append(1)
        return len(computed), timezone.now() + timedelta(seconds=90)

    with time_machine.travel("2026-12-01 10:00 +01:00", tick=False):
        assert cache.remember(compute, "test:clock", depends=(1,)) == 1
        assert cache.remember(compute, "test:clock", depends=(1,)) == 1
    with time_machine.travel("2026-12-01 10:01:29 +01:00", tick=False):
        assert cache.remember(compute, "test:clock", depends=(1,)) == 1
    with time_machine.travel("2026-12-01 10:01:30 +01:00", tick=False):
        assert cache.remember(compute, "test:clock", depends=(1,)) == 2


def test_pages_still_render_when_the_cache_is_down(client, content, monkeypatch):
    from django.core.cache import caches

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(caches["default"], "get", broken)
    monkeypatch.setattr(caches["default"], "set", broken)
    assert client.get(ARTICLE).status_code == 200
    assert client.get(ARTICLE).status_code == 200


def test_the_slot_list_still_renders_when_the_cache_is_down(client, content, monkeypatch):
    from django.core.cache import caches

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(caches["default"], "get", broken)
    monkeypatch.setattr(caches["default"], "set", broken)
    for _ in range(2):
        response = client.get("/boka/stockholm/nybesok/")
        assert response.status_code == 200
        assert "Lediga tider vecka" in response.content.decode()
