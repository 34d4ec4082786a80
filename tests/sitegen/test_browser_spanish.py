"""The Spanish site in Chromium, served with the real API on localhost: the language switch keeps
the visitor on the same facility and the same search, the search speaks Spanish (and asks the API
for Spanish), and every Spanish page type is accessible, stays on the site's origin and fits a phone."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from facility.paths import facility_slug
from iopfinder.elasticsearch_node import free_port
from tests.search_api.live_server import live_server
from tests.sitegen.browsing import SCREENSHOTS, scroll_width, serious_violations, site_app, wait_for_results

pytestmark = pytest.mark.integration

SEARCH = "/near-me/?zip=22902&radius_mi=50&level=iop"


@pytest.fixture(scope="module")
def facility(iop_records) -> dict:
    return next(f for f in iop_records if f["address"]["city"] == "Charlottesville")


@pytest.fixture(scope="module")
def spanish_pages(facility, site_url, browser) -> dict[str, str]:
    context = browser.new_context()
    ids = [item["id"] for item in context.request.get(f"{site_url}/v1/facilities?zip=22902&radius_mi=100&level=iop&size=3")
           .json()["results"]]
    context.close()
    return {"home": "/es/", "state": "/es/states/va/", "city": "/es/states/va/charlottesville/",
            "facility": f"/es/facilities/{facility_slug(facility)}/", "near-me": "/es" + SEARCH,
            "compare": f"/es/compare/?ids={','.join(ids)}", "404": "/es/404.html"}


def ready(page, name: str) -> None:
    """The page's script has shown what it fetches."""
    if name == "near-me":
        wait_for_results(page)
    if name == "compare":
        expect(page.locator("table.comparison")).to_be_visible(timeout=15_000)


def test_switching_language_on_a_facility_page_keeps_the_facility(page, site_url, facility):
    path = f"/facilities/{facility_slug(facility)}/"
    page.goto(site_url + path)
    switch = page.get_by_role("link", name="Español")
    assert (switch.get_attribute("lang"), switch.get_attribute("hreflang")) == ("es", "es")
    switch.click()
    expect(page).to_have_url(site_url + "/es" + path)
    assert page.locator("html").get_attribute("lang") == "es"
    expect(page.locator("h1")).to_contain_text(facility["name"])
    expect(page.locator("#contact")).to_have_text("Contacto")
    switch = page.get_by_role("link", name="English")
    assert (switch.get_attribute("lang"), switch.get_attribute("hreflang")) == ("en", "en")
    switch.click()
    expect(page).to_have_url(site_url + path)
    assert page.locator("html").get_attribute("lang") == "en"


def test_switching_language_on_a_search_keeps_the_search(page, site_url):
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/v1/" in request.url else None)
    page.goto(site_url + SEARCH)
    wait_for_results(page)
    page.locator("summary", has_text="Filter by").click()
    page.locator("summary", has_text="Payment accepted").click()
    page.locator("#f-payment-medicaid").check()
    expect(page).to_have_url(re.compile(r"payment=medicaid"), timeout=15_000)
    wait_for_results(page)
    english = page.locator("#results > li").evaluate_all("items => items.map(item => item.dataset.id)")
    query = urlparse(page.url).query
    switch = page.get_by_role("link", name="Español")
    assert switch.get_attribute("href") == "/es/near-me/?" + query  # kept up to date as the search changed
    switch.click()
    page.wait_for_url(f"{site_url}/es/near-me/?{query}")  # the same search
    wait_for_results(page)
    assert page.locator("#results > li").evaluate_all("items => items.map(item => item.dataset.id)") == english
    expect(page.locator("h1")).to_have_text("IOP cerca de 22902 (Charlottesville, VA)")
    total = page.request.get(f"{site_url}/v1/facilities?{query}").json()["total"]
    expect(page.locator("#status")).to_contain_text(f"{total} IOP a menos de 50 millas de 22902")
    assert page.locator("#f-payment-medicaid").is_checked()
    spanish = [url for url in asked if urlparse(url).path in ("/v1/facilities", "/v1/taxonomy")]
    assert spanish and all(parse_qs(urlparse(url).query)["lang"] in (["en"], ["es"]) for url in spanish)
    assert parse_qs(urlparse(spanish[-1]).query)["lang"] == ["es"]
    taxonomy = page.request.get(f"{site_url}/v1/taxonomy?lang=es").json()
    payment = next(group for group in taxonomy["groups"] if group["param"] == "payment")
    expect(page.locator("#filters summary").nth(1)).to_have_text(payment["label"])  # the API's Spanish labels
    expect(page.locator("#results .card-foot .compare").first).to_contain_text("Comparar")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{site_url}/near-me/?{query}")


def test_the_comparison_in_spanish_and_its_switch(page, site_url, spanish_pages):
    page.goto(site_url + spanish_pages["compare"])
    ready(page, "compare")
    rows = page.locator("table.comparison tbody th[scope=row]").all_inner_texts()
    assert "Dirección" in rows and "Teléfonos" in rows and "Niveles de atención" in rows
    expect(page.locator("caption")).to_have_text("3 programas, uno al lado del otro")
    assert page.locator("table.comparison thead a").first.get_attribute("href").startswith("/es/facilities/")
    ids = parse_qs(urlparse(page.url).query)["ids"]
    assert parse_qs(urlparse(page.get_by_role("link", name="English").get_attribute("href")).query)["ids"] == ids


def test_an_outage_is_explained_in_spanish(page, built_site):
    dead = f"http://127.0.0.1:{free_port()}"
    with live_server(site_app(built_site[0], dead, "facilities")) as url:
        page.goto(url + "/es" + SEARCH)
        expect(page.locator("#status")).to_contain_text("no hay conexión con el servicio de búsqueda",
                                                        timeout=15_000)


def test_spanish_pages_stay_on_the_site_fit_a_phone_and_show_the_crisis_lines(browser, site_url, spanish_pages):
    """Under the site's own Content-Security-Policy, as served; screenshots at 375 and 1280 px."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    requested = []
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        for name, path in spanish_pages.items():
            page.goto(site_url + path)
            ready(page, name)
            page.wait_for_load_state("networkidle")
            assert page.locator("html").get_attribute("lang") == "es", name
            crisis = page.locator("aside.crisis").inner_text()
            assert "marque 2" in crisis and "AYUDA" in crisis, name
            assert ("representante nacional" in crisis) == (width > 375), name  # a phone gets the short line
            assert scroll_width(page) <= width, (name, width, scroll_width(page))
            page.screenshot(path=str(SCREENSHOTS / f"es-{name}-{width}.png"), full_page=True)
        context.close()
    origins = {f"{urlparse(url).scheme}://{urlparse(url).netloc}" for url in requested}
    assert origins == {site_url}, origins


def test_no_serious_or_critical_accessibility_violations_in_spanish(browser, site_url, spanish_pages):
    # The site's Content-Security-Policy forbids injected scripts; only this check's context lifts it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    for name, path in spanish_pages.items():
        page.goto(site_url + path)
        ready(page, name)
        if name == "near-me":
            page.locator("#results .compare input").first.check()  # with the comparison bar showing
            page.locator(".filter-panel > summary").click()
        assert not serious_violations(page), name
    context.close()


def test_a_missing_spanish_page_gets_the_spanish_404(page, site_url):
    response = page.goto(f"{site_url}/es/states/va/no-such-city/")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "es"
    english = page.goto(f"{site_url}/states/va/no-such-city/")
    assert english.status == 404 and page.locator("html").get_attribute("lang") == "en"
