"""Staff edit the site in the admin, and the site shows it at once."""

import pytest
from django.contrib.auth.models import Group

from conditions.models import Condition, Symptom
from shop.models import PriceChange, TreatmentPackage

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
ARTICLE = "/besvar/halkuddesyndrom/"


def test_editor_changes_a_price_in_the_admin_and_every_page_shows_it(
    client, content, editor, admin_form
):
    client.force_login(editor)
    package = TreatmentPackage.objects.get(slug="nybesok")
    url = f"/admin/shop/treatmentpackage/{package.pk}/change/"
    data = admin_form(client.get(url))
    data["price"] = "920"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    for page in [ARTICLE, "/behandlingar/", "/boka/"]:
        html = client.get(page).content.decode()
        assert f"920{NBSP}kr" in html, page
        assert f">880{NBSP}kr" not in html, page

    change = PriceChange.objects.get(package=package)
    assert (change.old_price, change.new_price, change.changed_by) == (880, 920, editor)
    history = client.get(url).content.decode()
    assert "920" in history and "redaktor" in history


def test_price_edited_in_the_treatment_inline_is_recorded_too(
    client, content, superuser, admin_form
):
    client.force_login(superuser)
    package = TreatmentPackage.objects.get(slug="aterbesok")
    url = f"/admin/shop/treatment/{package.treatment_id}/change/"
    data = admin_form(client.get(url))
    key = next(k for k, v in data.items() if k.endswith("-slug") and v == "aterbesok")
    data[key.replace("-slug", "-price")] = "800"
    response = client.post(url, data)
    assert response.status_code == 302
    assert TreatmentPackage.objects.get(pk=package.pk).price == 800
    change = PriceChange.objects.get(package=package)
    assert (change.old_price, change.new_price) == (760, 800)


def test_editor_changes_a_symptom_through_the_article_form(client, content, editor, admin_form):
    client.force_login(editor)
    condition = Condition.objects.get(slug="halkuddesyndrom")
    url = f"/admin/conditions/condition/{condition.pk}/change/"
    data = admin_form(client.get(url))
    key = next(k for k, v in data.items() if v == "Utbredd smärta under hela hälens undersida")
    data[key] = "Utbredd smärta under hela hälen"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert Symptom.objects.filter(text="Utbredd smärta under hela hälen").exists()
    assert "Utbredd smärta under hela hälen</li>" in client.get(ARTICLE).content.decode()


def test_editorial_note_is_in_the_admin_only(client, content, editor):
    client.force_login(editor)
    condition = Condition.objects.get(slug="halkuddesyndrom")
    html = client.get(f"/admin/conditions/condition/{condition.pk}/change/").content.decode()
    assert "hjälpa mot Mortons" in html


def test_anonymous_visitors_are_sent_to_the_admin_login(client, content):
    response = client.get("/admin/shop/treatmentpackage/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_groups_get_the_permissions_their_work_needs(content, editor, receptionist):
    assert editor.has_perm("shop.change_treatmentpackage")
    assert editor.has_perm("conditions.change_condition")
    assert editor.has_perm("shop.view_pricechange")
    assert not editor.has_perm("shop.change_pricechange")
    assert receptionist.has_perm("clinic.change_location")
    assert not receptionist.has_perm("shop.change_treatmentpackage")
    assert not receptionist.has_perm("conditions.change_condition")
    assert set(Group.objects.values_list("name", flat=True)) >= {"Redaktör", "Reception"}


def test_receptionist_cannot_open_the_article_editor(client, content, receptionist):
    client.force_login(receptionist)
    condition = Condition.objects.get(slug="halkuddesyndrom")
    response = client.get(f"/admin/conditions/condition/{condition.pk}/change/")
    assert response.status_code == 403
