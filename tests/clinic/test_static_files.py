"""Static files as production serves them: hashed names, compressed, cached for a year."""

import gzip
import json

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

YEAR = 365 * 24 * 60 * 60


@pytest.fixture
def production_static(settings, tmp_path):
    """collectstatic into a temporary STATIC_ROOT with production's storage and whitenoise."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def assets(root):
    """Every CSS and JS file in the manifest (ours, and the admin's)."""
    paths = json.loads((root / "staticfiles.json").read_text())["paths"]
    return [name for name in paths if name.endswith((".css", ".js"))]


def test_every_css_and_js_file_is_served_compressed_and_cached_for_a_year(production_static):
    client = Client()  # a new client loads whitenoise with the settings above
    names = assets(production_static)
    assert "css/site.css" in names
    for name in names:
        url = staticfiles_storage.url(name)
        assert url != f"/static/{name}", f"{name} has no content hash in its URL"
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in response["Vary"]
        cache = response["Cache-Control"]
        assert "immutable" in cache and "public" in cache, cache
        assert int(cache.split("max-age=")[1].split(",")[0]) >= YEAR, cache
        body = b"".join(response.streaming_content)
        original = (production_static / staticfiles_storage.stored_name(name)).read_bytes()
        assert gzip.decompress(body) == original
        assert len(body) < len(original), f"{name}: compressed is not smaller"
        if name.startswith(("css/", "js/")) and len(original) > 4096:  # ours, large enough
            assert len(body) < len(original) / 2, f"{name}: compression saved too little"


def test_uncompressed_copy_for_clients_without_gzip(production_static):
    response = Client().get(staticfiles_storage.url("css/site.css"))
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content).startswith(b"/*")


@pytest.mark.django_db
def test_pages_link_the_hashed_stylesheet(production_static, content):
    html = Client().get("/").content.decode()
    assert f'href="{staticfiles_storage.url("css/site.css")}"' in html
