"""What a phone downloads: requests and bytes per page, as production would send them.

Measured against `prodlike_server()` (gunicorn, production settings, whitenoise's compressed
manifest storage) rather than the live server, which neither compresses nor hashes static
files: the figures are what the browser really received over the wire, compressed where the
server compresses (CSS and JS by whitenoise) and uncompressed where it does not (HTML).
Chromium reports each response's encoded body and header sizes (`request.sizes()`).
"""

import json
from collections import defaultdict
from urllib.parse import urlsplit

import pytest

from .conftest import PHONE
from .pages import WEIGHED
from .prodlike import ARTIFACTS, prodlike_server

pytestmark = pytest.mark.browser

YEAR = 365 * 24 * 60 * 60


@pytest.fixture(scope="module")
def prod_site(chromium_path):
    # Test prices, so that the checkout can be weighed with heel cups in the cart.
    with prodlike_server(test_prices=True) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def weights(browser, prod_site):
    """Load every page in WEIGHED once, in a fresh context (empty cache), on a phone."""
    measured = {}
    for spec in WEIGHED:
        state, path = None, spec.path
        if spec.setup:
            # The steps before (a product put in the cart) in a context of their own: only
            # their cookies go on, so the page is still measured with an empty cache.
            before = browser.new_context(viewport={"width": PHONE, "height": 740})
            path = spec.setup(before.new_page(), prod_site)
            state = before.storage_state()
            before.close()
        context = browser.new_context(viewport={"width": PHONE, "height": 740}, storage_state=state)
        page = context.new_page()
        requests = []
        page.on("request", lambda request, seen=requests: seen.append(request))
        page.goto(prod_site + path, wait_until="networkidle")
        measured[spec.name] = (spec, [_describe(request) for request in requests])
        context.close()
    _report(measured)
    return measured


def _describe(request):
    response = request.response()
    sizes = request.sizes() if response else {}
    headers = response.all_headers() if response else {}
    return {
        "url": request.url,
        "type": request.resource_type,
        "status": response.status if response else None,
        "bytes": sizes.get("responseBodySize", 0) + sizes.get("responseHeadersSize", 0),
        "encoding": headers.get("content-encoding", ""),
        "cache": headers.get("cache-control", ""),
    }


def _report(measured):
    lines = ["page weight (phone, empty cache, production settings):"]
    for name, (_, requests) in measured.items():
        by_type = defaultdict(int)
        for request in requests:
            by_type[request["type"]] += request["bytes"]
        total = sum(by_type.values())
        kinds = ", ".join(f"{kind} {size / 1024:.1f} KB" for kind, size in sorted(by_type.items()))
        lines.append(f"  {name}: {len(requests)} requests, {total / 1024:.1f} KB ({kinds})")
    print("\n".join(lines))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-weight.txt").write_text("\n".join(lines) + "\n")
    (ARTIFACTS / "page-weight.json").write_text(
        json.dumps({name: requests for name, (_, requests) in measured.items()}, indent=2)
    )


@pytest.mark.parametrize("name", [spec.name for spec in WEIGHED])
def test_page_makes_no_request_that_leaves_the_site(weights, prod_site, name):
    _, requests = weights[name]
    origin = urlsplit(prod_site)[:2]
    outside = [r["url"] for r in requests if urlsplit(r["url"])[:2] != origin]
    assert not outside, f"{name} reaches outside the site: {outside}"
    failed = [(r["url"], r["status"]) for r in requests if r["status"] != 200]
    assert not failed, failed


@pytest.mark.parametrize("name", [spec.name for spec in WEIGHED])
def test_page_stays_within_its_budget(weights, name):
    spec, requests = weights[name]
    total_kb = sum(r["bytes"] for r in requests) / 1024
    if spec.max_requests is not None:
        assert len(requests) <= spec.max_requests, [r["url"] for r in requests]
    if spec.max_kb is not None:
        assert total_kb <= spec.max_kb, f"{name}: {total_kb:.1f} KB"


@pytest.mark.parametrize("name", [spec.name for spec in WEIGHED])
def test_css_and_js_arrive_compressed_and_cached_for_a_year(weights, name):
    _, requests = weights[name]
    assets = [r for r in requests if r["type"] in ("stylesheet", "script")]
    assert any(r["type"] == "stylesheet" for r in assets), "no stylesheet loaded"
    for asset in assets:
        assert asset["encoding"] in ("gzip", "br"), asset
        max_age = int(asset["cache"].split("max-age=")[1].split(",")[0])
        assert max_age >= YEAR and "immutable" in asset["cache"], asset
