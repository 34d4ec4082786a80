"""The API's schema (every route's answers documented) and its docs page, served from our own
origin under a strict policy and checked in a real browser. Only the check of real answers
against their models needs Elasticsearch; the docs need none."""

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

from facility.elasticsearch_access import Access
from iopfinder.elasticsearch_node import free_port
from search_api.main import create_app
from search_api.schemas import FacilityRecord, QueryEcho, Result, SearchResponse
from search_api.settings import ApiSettings
from tests.search_api.live_server import live_server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
DOCS_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def offline_app(site: Path | None = None):
    """The API with an Elasticsearch URL where nothing listens."""
    return create_app(ApiSettings(elasticsearch=Access((f"http://127.0.0.1:{free_port()}",))), site=site)


@pytest.fixture(scope="module")
def client():
    with TestClient(offline_app()) as client:
        yield client


@pytest.fixture(scope="module")
def spec(client) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(spec: dict):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def schema_of(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].removeprefix("#/components/schemas/")]
    return schema


def refs(node) -> list[str]:
    """Every $ref in a part of the schema."""
    if isinstance(node, list):
        return [ref for value in node for ref in refs(value)]
    if not isinstance(node, dict):
        return []
    found = [node["$ref"]] if "$ref" in node else []
    return found + [ref for value in node.values() for ref in refs(value)]


def test_every_route_documents_its_answer_and_its_errors(spec):
    documented = {path for path, _, _ in operations(spec)}
    assert {"/v1/facilities", "/v1/facilities.csv", "/v1/facilities/{facility_id}", "/v1/states",
            "/v1/taxonomy", "/v1/geocode", "/healthz", "/readyz"} <= documented
    assert not any(path.startswith("/docs") for path in documented)
    for path, method, operation in operations(spec):
        content = operation["responses"]["200"]["content"]
        assert content and all(media["schema"] for media in content.values()), (path, content)
        if not path.startswith("/v1/"):
            continue
        assert "Retry-After" in operation["responses"]["503"]["headers"], path
        if operation.get("parameters"):
            unprocessable = operation["responses"]["422"]["content"]["application/json"]["schema"]
            assert set(schema_of(spec, unprocessable)["properties"]) == {"detail", "message"}, path


def test_every_reference_in_the_schema_resolves(spec):
    assert {ref.removeprefix("#/components/schemas/") for ref in refs(spec)} <= set(spec["components"]["schemas"])


def test_the_search_answer_is_documented_field_by_field(spec):
    search = schema_of(spec, spec["paths"]["/v1/facilities"]["get"]["responses"]["200"]["content"]
                       ["application/json"]["schema"])
    assert {"total", "results", "next_cursor", "facets", "query"} <= set(search["required"])
    result = schema_of(spec, search["properties"]["results"]["items"])
    assert set(result["properties"]) == set(Result.model_fields)
    assert "distance_mi" not in result["required"]  # only with a point
    assert set(result["required"]) == set(Result.model_fields) - {"distance_mi"}
    query = schema_of(spec, search["properties"]["query"])
    assert set(query["required"]) == set(QueryEcho.model_fields)
    record = schema_of(spec, spec["paths"]["/v1/facilities/{facility_id}"]["get"]["responses"]["200"]["content"]
                       ["application/json"]["schema"])
    assert {"id", "name", "address", "sources", "provenance"} <= set(record["required"])


def test_real_answers_fit_their_models(api):
    """Against the 2022 directory: what the search routes answer is what their models say."""
    first = api.get("/v1/facilities", params={"state": "VT", "size": 5}).json()
    after = api.get("/v1/facilities", params={"state": "VT", "size": 5, "cursor": first["next_cursor"]}).json()
    answers = [first, after]
    for params in ({"zip": "22902", "level": "iop"}, {"place": "Boston, MA"}, {"place": "Virginia"},
                   {"lat": 38.03, "lon": -78.48, "q": "Region Ten"}):
        answers.append(api.get("/v1/facilities", params=params).json())
    for body in answers:
        SearchResponse.model_validate(body)
        assert set(body["query"]) == set(QueryEcho.model_fields) and body["results"], body["query"]
        assert all(set(item) <= set(Result.model_fields) for item in body["results"])
    lines = api.get("/v1/facilities.ndjson", params={"zip": "22902", "radius_mi": 5}).text.splitlines()
    assert lines and all(Result.model_validate_json(line) for line in lines)
    record = api.get(f"/v1/facilities/{answers[2]['results'][0]['id']}").json()
    FacilityRecord.model_validate(record)
    assert set(record) <= {field.alias or name for name, field in FacilityRecord.model_fields.items()}


def test_routes_that_need_no_elasticsearch_answer_within_their_models(client):
    for path in ("/healthz", "/v1/taxonomy", "/v1/geocode?zip=22902"):
        assert client.get(path).status_code == 200, path


def test_the_docs_page_loads_only_files_of_our_origin(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "http" not in page.text and "<script>" not in page.text
    scripts = re.findall(r'<script src="([^"]+)"', page.text)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text)
    icons = re.findall(r'<link rel="icon" type="image/png" sizes="\d+x\d+" href="([^"]+)"', page.text)
    assert len(scripts) == 2 and len(styles) == 1 and len(icons) == 2
    expected = {url: "text/javascript" for url in scripts} | {url: "text/css" for url in styles} | \
        {url: "image/png" for url in icons}
    for url, media_type in expected.items():
        asset = client.get(url)
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(media_type), url
        assert asset.headers["content-security-policy"] == DOCS_POLICY, url
    assert 'url: "/openapi.json"' in client.get(scripts[-1]).text
    assert page.headers["content-security-policy"] == DOCS_POLICY
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["referrer-policy"] == "no-referrer"


def test_only_the_files_the_page_needs_are_served(client):
    for path in ("/docs/assets/index.html", "/docs/assets/swagger-initializer.js", "/docs/assets/swagger-ui.js.map",
                 "/docs/assets/..%2F..%2F__init__.py", "/redoc", "/docs/oauth2-redirect"):
        assert client.get(path).status_code == 404, path


def test_the_docs_page_keeps_its_policy_beside_the_site(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    with TestClient(offline_app(site=tmp_path)) as client:
        page = client.get("/docs")
        assert page.status_code == 200 and page.headers["content-security-policy"] == DOCS_POLICY


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's Chromium (scripts/setup.sh installs it)")
def test_the_docs_page_in_a_browser(spec, browser):
    operation_count = sum(1 for _ in operations(spec))
    with live_server(offline_app()) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requested, console = [], []
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.goto(f"{url}/docs")
        expect(page.locator(".opblock")).to_have_count(operation_count, timeout=15_000)
        expect(page.locator("#swagger-ui")).to_contain_text("/v1/facilities")
        # Try one operation that needs no Elasticsearch, as a visitor would.
        geocode = page.locator(".opblock", has=page.locator("[data-path='/v1/geocode']"))
        geocode.locator(".opblock-summary").click()
        geocode.get_by_role("button", name="Try it out").click()
        geocode.locator("input[placeholder='zip']").fill("22902")
        geocode.get_by_role("button", name="Execute").click()
        expect(geocode.locator(".responses-wrapper .live-responses-table")).to_contain_text("Charlottesville")
        page.wait_for_load_state("networkidle")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "api-docs.png", full_page=True)
        page.close()
    origins = {f"{urlparse(request).scheme}://{urlparse(request).netloc}" for request in requested
               if not request.startswith("data:")}
    assert origins == {url}, origins
    assert f"{url}/v1/geocode?zip=22902" in requested
    assert not [line for line in console if "Content Security Policy" in line], console
