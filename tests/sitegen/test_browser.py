"""The built site in a real browser (Debian's Chromium driven by Playwright), served with the
real API on localhost: search, filters, keyboard use, accessibility, privacy, outage, layout."""

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect, sync_playwright

from iopfinder.elasticsearch_node import free_port
from search_api.main import create_app
from search_api.settings import ApiSettings
from facility.paths import facility_slug
from tests.search_api.live_server import live_server

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def site_app(site_dir: Path, es_url: str, alias: str):
    return create_app(ApiSettings(elasticsearch_url=es_url, alias=alias), site=site_dir)


@pytest.fixture(scope="module")
def site_url(built_site, es_url, api_index):
    with live_server(site_app(built_site[0], es_url, api_index)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def page_paths(iop_records) -> dict[str, str]:
    facility = next(f for f in iop_records if f["address"]["city"] == "Charlottesville")
    return {"home": "/", "state": "/states/va/", "city": "/states/va/charlottesville/",
            "facility": f"/facilities/{facility_slug(facility)}/", "near-me": "/near-me/?zip=22902&level=iop"}


def wait_for_results(page):
    expect(page.locator("#status")).to_contain_text("found", timeout=15_000)


def test_near_me_22902_lists_charlottesville_iops_by_distance(page, site_url):
    page.goto(f"{site_url}/near-me/?zip=22902&level=iop")
    wait_for_results(page)
    entries = page.locator("#results > li")
    assert entries.count() > 0
    assert "VA" in entries.first.inner_text()
    miles = [float(text.split()[0]) for text in page.locator("#results .miles").all_inner_texts()]
    assert miles == sorted(miles) and miles[-1] <= 25
    assert page.locator("#status").get_attribute("role") == "status"


def test_a_filter_changes_results_and_url(page, site_url):
    page.goto(f"{site_url}/near-me/?zip=22902&radius_mi=100&level=iop")
    wait_for_results(page)
    before = page.locator("#status").inner_text()
    page.locator("summary", has_text="Filter by").click()
    page.locator("summary", has_text="Payment accepted").click()
    page.locator("label", has_text="Military insurance (TRICARE)").click()
    expect(page.locator("#status")).not_to_have_text(before, timeout=15_000)
    wait_for_results(page)
    query = parse_qs(urlparse(page.url).query)
    assert query["payment"] == ["military"] and query["zip"] == ["22902"]


def tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_near_me_works_with_the_keyboard_alone(page, site_url):
    page.goto(f"{site_url}/near-me/")
    tab_to(page, "#zip")
    page.keyboard.type("22902")
    page.keyboard.press("Enter")
    wait_for_results(page)
    first_status = page.locator("#status").inner_text()
    tab_to(page, ".filter-panel > summary")
    page.keyboard.press("Enter")
    tab_to(page, "#filters details > summary")  # the first group: level of care
    page.keyboard.press("Enter")
    tab_to(page, "#f-level-iop")
    page.keyboard.press("Space")
    expect(page.locator("#status")).not_to_have_text(first_status, timeout=15_000)
    wait_for_results(page)
    assert parse_qs(urlparse(page.url).query)["level"] == ["iop"]
    tab_to(page, "#results a")
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("/facilities/")


def test_no_request_leaves_the_site_and_its_api(page, site_url, page_paths):
    """Under the site's own Content-Security-Policy, as served."""
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in page_paths.values():
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    origins = {f"{urlparse(url).scheme}://{urlparse(url).netloc}" for url in requested}
    assert origins == {site_url}, origins
    assert any("/v1/facilities?" in url for url in requested)


def test_no_serious_or_critical_accessibility_violations(browser, site_url, page_paths):
    # The site's Content-Security-Policy forbids injected scripts; only this check's context lifts it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    for name, path in page_paths.items():
        page.goto(site_url + path)
        if name == "near-me":
            wait_for_results(page)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        assert not serious, (name, serious)
    context.close()


def test_mobile_first_layout_and_screenshots(browser, site_url, page_paths):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, path in page_paths.items():
            page.goto(site_url + path)
            if name == "near-me":
                wait_for_results(page)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, (name, width, scroll_width)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        context.close()


def test_api_outage_shows_a_clear_message(page, built_site):
    dead = f"http://127.0.0.1:{free_port()}"
    with live_server(site_app(built_site[0], dead, "facilities")) as url:
        page.goto(f"{url}/near-me/?zip=22902&level=iop")
        expect(page.locator("#status")).to_contain_text("not reachable right now", timeout=15_000)
        assert page.locator("#status").is_visible()


def test_without_javascript_near_me_offers_state_pages(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/near-me/")
    assert "You can browse programs by state instead" in page.locator("main").inner_text()
    assert page.locator("main a[href^='/states/']").count() == 56
    assert not page.locator(".filter-panel").is_visible()  # filters need the script
    context.close()


def test_crisis_lines_on_every_page(page, site_url, page_paths):
    for path in page_paths.values():
        page.goto(site_url + path)
        crisis = page.locator("aside.crisis")
        assert "988" in crisis.inner_text() and "1-800-662-4357" in crisis.inner_text()
