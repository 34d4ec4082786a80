"""The built site in a real browser (Debian's Chromium driven by Playwright), served with the
real API on localhost: search, filters, keyboard use, accessibility, privacy, outage, layout.
Comparing and printing are tests/sitegen/test_compare.py."""

from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import expect

from facility.paths import facility_slug
from iopfinder.elasticsearch_node import free_port
from tests.search_api.live_server import live_server
from tests.sitegen.browsing import (SCREENSHOTS, scroll_width, serious_violations, site_app, tick_filter,
                                    wait_for_results)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def page_paths(iop_records) -> dict[str, str]:
    facility = next(f for f in iop_records if f["address"]["city"] == "Charlottesville")
    return {"home": "/", "state": "/states/va/", "city": "/states/va/charlottesville/",
            "facility": f"/facilities/{facility_slug(facility)}/", "near-me": "/near-me/?zip=22902&level=iop"}


def result_ids(page) -> list[str]:
    return page.locator("#results > li").evaluate_all("items => items.map(item => item.dataset.id)")


def test_near_me_from_the_navigation_lists_exactly_the_apis_iops(page, site_url):
    """No level in the URL: near-me searches IOPs, says so, and shows what the API gives, in its order."""
    page.goto(site_url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Near me").click()
    page.fill("#where", "22902")
    page.keyboard.press("Enter")
    wait_for_results(page)
    expected = page.request.get(f"{site_url}/v1/facilities?zip=22902&level=iop").json()["results"]
    assert result_ids(page) == [item["id"] for item in expected] and expected
    expect(page.locator("h1")).to_have_text("IOPs near 22902 (Charlottesville, VA)")
    expect(page.locator("#status")).to_contain_text(f"{len(expected)} IOPs within 25 miles of 22902 (Charlottesville, VA)")
    assert page.locator("#results > li .badge").all_inner_texts() == ["IOP"] * len(expected)
    assert parse_qs(urlparse(page.url).query)["level"] == ["iop"]
    page.locator("summary", has_text="Filter by").click()
    expect(page.locator("#f-level-iop")).to_be_checked()


def test_choosing_other_levels_names_them_in_the_heading(page, site_url):
    page.goto(f"{site_url}/near-me/?zip=22902&level=iop&level=outpatient")
    wait_for_results(page)
    expect(page.locator("h1")).to_have_text(
        "Programs near 22902 (Charlottesville, VA): Outpatient, Intensive outpatient (IOP)")
    assert page.locator("#results > li").count() > page.locator("#results > li .badge").count() > 0
    page.locator("summary", has_text="Filter by").click()
    page.locator("#f-level-iop").uncheck()
    page.locator("#f-level-outpatient").uncheck()
    expect(page.locator("h1")).to_have_text("Programs near 22902 (Charlottesville, VA): all levels of care")
    wait_for_results(page)
    assert parse_qs(urlparse(page.url).query)["level"] == ["all"]
    page.reload()  # "all" stays all: the URL's level=all is not the IOP default
    wait_for_results(page)
    expect(page.locator("h1")).to_contain_text("all levels of care")


def test_near_me_22902_lists_charlottesville_iops_by_distance(page, site_url):
    page.goto(f"{site_url}/near-me/?zip=22902&level=iop")
    wait_for_results(page)
    entries = page.locator("#results > li")
    assert entries.count() > 0
    assert "VA" in entries.first.inner_text()
    miles = [float(text.split()[0]) for text in page.locator("#results .miles").all_inner_texts()]
    assert miles == sorted(miles) and miles[-1] <= 25
    assert page.locator("#status").get_attribute("role") == "status"


def test_a_place_typed_on_the_home_page_is_searched(page, site_url):
    page.goto(site_url + "/")
    page.fill("#where", "Charlottesville, VA")
    page.keyboard.press("Enter")
    wait_for_results(page)
    assert parse_qs(urlparse(page.url).query)["place"] == ["Charlottesville, VA"]
    expected = page.request.get(f"{site_url}/v1/facilities",
                                params={"place": "Charlottesville, VA", "level": "iop"}).json()["results"]
    assert result_ids(page) == [item["id"] for item in expected] and expected
    expect(page.locator("h1")).to_have_text("IOPs near Charlottesville, VA")
    expect(page.locator("#status")).to_contain_text("within 25 miles of Charlottesville, VA")


def test_a_corrected_place_says_so_and_other_meanings_rerun_the_search(page, site_url):
    page.goto(f"{site_url}/near-me/?place=Charlotesville%2C+VA")
    wait_for_results(page)
    expect(page.locator("#status")).to_contain_text(
        "Showing results for Charlottesville, VA (you typed Charlotesville, VA).")
    expect(page.locator("h1")).to_have_text("IOPs near Charlottesville, VA")
    page.goto(f"{site_url}/near-me/?place=Springfield")
    wait_for_results(page)
    expect(page.locator("#status")).to_contain_text("Did you mean ")
    other = page.locator("#status a").first
    name = other.inner_text()
    assert name.startswith("Springfield, ") and name not in page.locator("h1").inner_text()
    other.click()
    wait_for_results(page)
    expect(page.locator("h1")).to_have_text(f"IOPs near {name}")
    assert parse_qs(urlparse(page.url).query)["place"] == [name]


def test_a_step_down_from_a_residential_programs_page_finds_the_apis_iops_on_its_payment(page, site_url,
                                                                                      iop_records):
    facility = next(f for f in iop_records if "residential" in f["levels_of_care"] and f.get("location")
                    and {"medicaid", "private"} <= set(f.get("payment") or []))
    page.goto(f"{site_url}/facilities/{facility_slug(facility)}/")
    page.get_by_role("link", name="Find IOPs for step-down near here").click()
    wait_for_results(page)
    expect(page.locator("h1")).to_have_text(f"IOPs near {facility['name']}")
    query = [("near", facility["id"]), ("level", "iop"), ("radius_mi", "25"),
             *(("payment", value) for value in facility["payment"])]
    expected = page.request.get(f"{site_url}/v1/facilities?{urlencode(query)}").json()["results"]
    assert result_ids(page) == [item["id"] for item in expected] and expected
    page.locator("summary", has_text="Filter by").click()
    for value in facility["payment"]:
        expect(page.locator(f"#f-payment-{value}")).to_be_checked()
    assert parse_qs(urlparse(page.url).query)["near"] == [facility["id"]]


def test_an_unknown_place_is_explained_in_the_status_line(page, site_url):
    page.goto(f"{site_url}/near-me/?place=Xqzzyville")
    status = page.locator("#status")
    expect(status).to_have_class("error", timeout=15_000)
    expect(status).to_contain_text("Xqzzyville")
    expect(status).to_contain_text("closest")
    assert "place:" not in status.inner_text()  # the API's parameter name means nothing to a visitor
    assert page.locator("#results > li").count() == 0


def test_place_suggestions_send_only_the_typed_text(page, site_url):
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/v1/places" in request.url else None)
    page.goto(f"{site_url}/near-me/?zip=22902")
    wait_for_results(page)
    page.fill("#where", "")
    page.locator("#where").press_sequentially("Charlot", delay=40)
    expect(page.locator("#place-suggestions option[value='Charlottesville, VA']")).to_have_count(1)
    assert 1 <= len(asked) <= 2, asked  # one request once typing pauses, not one a keystroke
    assert all(set(parse_qs(urlparse(url).query)) == {"prefix"} for url in asked), asked  # no coordinates
    assert parse_qs(urlparse(asked[-1]).query)["prefix"] == ["Charlot"]


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


def test_match_all_asks_for_every_chosen_value_of_a_group(page, site_url):
    search = "zip=22902&radius_mi=100&service=telehealth&service=group_counseling"
    page.goto(f"{site_url}/near-me/?{search}")
    wait_for_results(page)
    tick_filter(page, "#f-all-service")
    assert parse_qs(urlparse(page.url).query)["match_all"] == ["service"]
    expected = page.request.get(f"{site_url}/v1/facilities?{search}&level=iop&match_all=service").json()
    assert result_ids(page) == [item["id"] for item in expected["results"]]
    expect(page.locator("#status")).to_contain_text(f"{expected['total']} IOPs within 100 miles")


def tab_to(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_near_me_works_with_the_keyboard_alone(page, site_url):
    page.goto(f"{site_url}/near-me/")
    tab_to(page, "#where")
    page.keyboard.type("22902")
    page.keyboard.press("Enter")
    wait_for_results(page)
    first_status = page.locator("#status").inner_text()
    tab_to(page, ".filter-panel > summary")
    page.keyboard.press("Enter")
    tab_to(page, "#f-level-outpatient")  # the level group is open: IOP, the default, is checked
    page.keyboard.press("Space")
    expect(page.locator("#status")).not_to_have_text(first_status, timeout=15_000)
    wait_for_results(page)
    assert sorted(parse_qs(urlparse(page.url).query)["level"]) == ["iop", "outpatient"]
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
        assert not serious_violations(page), name
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
            assert scroll_width(page) <= width, (name, width, scroll_width(page))
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        context.close()


@pytest.mark.parametrize(("prefix", "words"), [("", {"change": "Change search", "heading": "IOPs near"}),
                                                ("/es", {"change": "Cambiar la búsqueda", "heading": "IOP cerca de"})])
def test_on_a_small_phone_the_first_result_is_in_view_after_a_search(browser, site_url, prefix, words):
    """375 × 667: the short crisis line with both numbers, the header, the folded search form and the
    first result's link, without scrolling; the form unfolds for a new search."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    page.goto(f"{site_url}{prefix}/near-me/")
    page.fill("#where", "22902")
    page.keyboard.press("Enter")
    wait_for_results(page)
    expect(page.locator("h1")).to_contain_text(words["heading"])
    link = page.locator("#results > li").first.locator("h2 a").bounding_box()
    assert link["y"] + link["height"] <= 667, link
    for number in ("tel:988", "tel:+18006624357"):
        assert page.locator(f"aside.crisis a[href='{number}']:visible").count() == 1
    page.screenshot(path=str(SCREENSHOTS / f"near-me-after-search{prefix.replace('/', '-')}-375x667.png"))
    assert not page.locator("#where").is_visible()
    page.get_by_role("button", name=words["change"]).click()
    expect(page.locator("#where")).to_be_focused()
    page.fill("#where", "Charlottesville, VA")
    page.keyboard.press("Enter")
    wait_for_results(page)
    expect(page.get_by_role("button", name=words["change"])).to_be_visible()
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
