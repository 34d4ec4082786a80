"""Comparing programs side by side, and the printed referral sheets (a facility's page and the
comparison), in Chromium against the real API on localhost."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from facility.paths import facility_path
from tests.sitegen.browsing import SCREENSHOTS, scroll_width, serious_violations, wait_for_results

pytestmark = pytest.mark.integration

NEAR_CHARLOTTESVILLE = "/near-me/?zip=22902&radius_mi=100"
BASE_URL = "https://iopfinder.example"  # the built site's (tests/sitegen/conftest.py)
ROWS = ["Address", "Phone numbers", "Levels of care", "Payment accepted", "Payment assistance", "Ages",
        "Genders", "Programs for", "Languages", "Services", "Hours (from its website)", "Telehealth",
        "Co-occurring mental health care", "Information as of", "Page"]


@pytest.fixture(scope="module")
def with_intake(iop_records) -> dict:
    """A Charlottesville IOP that lists an intake number."""
    return next(f for f in iop_records if f["address"]["city"] == "Charlottesville"
                and any(p["kind"] == "intake" for p in f["phones"]))


def intake_text(facility: dict) -> str:
    digits = next(p for p in facility["phones"] if p["kind"] == "intake")["number"][2:]
    return f"Intake: ({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def nearest_ids(page, site_url: str, count: int) -> list[str]:
    results = page.request.get(f"{site_url}/v1/facilities?zip=22902&radius_mi=100&level=iop&size={count}").json()["results"]
    return [item["id"] for item in results]


def pdf_pages(page) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", page.pdf(format="Letter")))


def test_three_programs_picked_across_pages_are_compared_side_by_side(browser, site_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + NEAR_CHARLOTTESVILLE)
    wait_for_results(page)
    cards = page.locator("#results > li")
    picked = []
    for index in (0, 1):
        cards.nth(index).locator(".compare input").check()
        picked.append(cards.nth(index).get_attribute("data-id"))
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#status")).to_contain_text("showing 21–")
    wait_for_results(page)
    cards.nth(0).locator(".compare input").check()
    picked.append(cards.nth(0).get_attribute("data-id"))
    expect(page.locator("#compare-link")).to_have_text("Compare selected (3)")
    page.get_by_role("button", name="Previous page").click()  # the choice survives paging
    expect(page.locator("#status")).to_contain_text("showing 1–")
    wait_for_results(page)
    assert cards.nth(0).locator(".compare input").is_checked() and cards.nth(1).locator(".compare input").is_checked()

    page.locator("#compare-link").click()
    assert parse_qs(urlparse(page.url).query)["ids"] == [",".join(picked)]
    table = page.locator("table.comparison")
    expect(table.locator("thead th[scope=col]")).to_have_count(4)  # the row headers' column, then one a program
    names = [page.request.get(f"{site_url}/v1/facilities/{id}").json()["name"] for id in picked]
    assert [text.splitlines()[0] for text in table.locator("thead th[scope=col]").all_inner_texts()[1:]] == names
    assert table.locator("tbody th[scope=row]").all_inner_texts()[-len(ROWS):] == ROWS  # after any notices
    assert table.locator("tbody tr").first.locator("td").count() == 3
    page.screenshot(path=str(SCREENSHOTS / "compare-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    assert scroll_width(page) <= 375  # the table scrolls inside its own region
    page.screenshot(path=str(SCREENSHOTS / "compare-375.png"), full_page=True)
    context.close()


def test_a_sixth_program_is_refused_with_a_message(page, site_url):
    page.goto(site_url + NEAR_CHARLOTTESVILLE)
    wait_for_results(page)
    boxes = page.locator("#results .compare input")
    for index in range(5):
        boxes.nth(index).check()
    boxes.nth(5).click()
    expect(boxes.nth(5)).not_to_be_checked()
    expect(page.locator("#compare-note")).to_have_text("You can compare up to 5 programs. Unselect one to add another.")
    expect(page.locator("#compare-link")).to_have_text("Compare selected (5)")
    boxes.nth(0).uncheck()
    boxes.nth(5).check()
    expect(page.locator("#compare-note")).to_have_text("")
    assert len(parse_qs(urlparse(page.locator("#compare-link").get_attribute("href")).query)["ids"][0].split(",")) == 5


def test_compare_page_is_accessible_fits_a_phone_and_stays_on_the_site(browser, site_url):
    requested = []
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{site_url}/compare/?ids={','.join(nearest_ids(page, site_url, 5))}")
    expect(page.locator("table.comparison thead th[scope=col]")).to_have_count(6)
    page.wait_for_load_state("networkidle")
    assert scroll_width(page) <= 375
    assert {f"{urlparse(url).scheme}://{urlparse(url).netloc}" for url in requested} == {site_url}
    context.close()
    # The site's Content-Security-Policy forbids injected scripts; only this check's context lifts it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(site_url + NEAR_CHARLOTTESVILLE)
    wait_for_results(page)
    page.locator("#results .compare input").first.check()  # with the comparison bar showing
    assert not serious_violations(page)
    page.goto(f"{site_url}/compare/?ids={','.join(nearest_ids(page, site_url, 5))}")
    expect(page.locator("table.comparison thead th[scope=col]")).to_have_count(6)
    assert not serious_violations(page)
    context.close()


def test_unknown_programs_are_named_and_the_rest_compared(page, site_url):
    known = nearest_ids(page, site_url, 1)[0]
    page.goto(f"{site_url}/compare/?ids=ffffffffffffffff,{known}")
    expect(page.locator("#compare-status")).to_have_text("1 program could not be found; it may no longer be listed.")
    expect(page.locator("table.comparison thead th[scope=col]")).to_have_count(2)


def test_without_javascript_the_compare_page_says_it_needs_it(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/compare/?ids=ffffffffffffffff")
    assert "This comparison needs JavaScript." in page.locator("main").inner_text()
    assert not page.get_by_role("button", name="Print referral sheet").is_visible()
    context.close()


def printed_view(page, screenshot: str) -> str:
    """The page as printed: screenshot it, return its text."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / screenshot), full_page=True)
    return page.locator("body").inner_text()


def test_facility_page_prints_as_a_one_page_referral_sheet(page, site_url, with_intake):
    path = facility_path(with_intake)
    page.goto(site_url + path)
    expect(page.get_by_role("button", name="Print referral sheet")).to_be_visible()
    printed = printed_view(page, "print-facility.png")
    assert f"Page: {BASE_URL}{path}" in printed and intake_text(with_intake) in printed
    assert f"Information as of {with_intake['verified_on']}" in printed
    for section in ("Payment accepted", "Levels of care offered", "Special programs and populations", "Languages"):
        assert section in printed
    for hidden in ("header.top", "nav.crumbs", "footer", "button[data-print]", "#nearby"):
        assert not page.locator(hidden).is_visible(), hidden
    assert "988" in printed  # the crisis lines stay, without the banner's colours
    assert pdf_pages(page) == 1


def test_comparison_prints_with_page_urls_and_intake_phones(page, site_url, with_intake):
    ids = nearest_ids(page, site_url, 3)
    assert with_intake["id"] in ids
    page.goto(f"{site_url}/compare/?ids={','.join(ids)}")
    expect(page.locator("table.comparison thead th[scope=col]")).to_have_count(4)
    printed = printed_view(page, "print-compare.png")
    assert f"{BASE_URL}{facility_path(with_intake)}" in printed and intake_text(with_intake) in printed
    assert f"Page: {BASE_URL}/compare/?ids=" in printed
    for hidden in ("header.top", "footer", "#back", "button[data-print]"):
        assert not page.locator(hidden).is_visible(), hidden
