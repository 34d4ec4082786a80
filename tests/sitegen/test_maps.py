"""Maps: the inline SVG of state and city pages (checked as files, against the real 2022 data and
the Census Bureau's outlines), and the near-me map in Chromium (same results as the list, nothing
from elsewhere, accessibility, phones, keyboard)."""

import json
import math
import re
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from facility.paths import facility_path
from sitegen.build import CHECKOUT_SITE_DIR
from sitegen.maps import MARGIN, SIZE, StateMaps, atlas_path
from tests.facility.factories import make_facility
from tests.sitegen.browsing import (ROOT, SCREENSHOTS, scroll_width, serious_violations, tick_filter,
                                    wait_for_results)

# Islands (HI, MA), the Aleutians across 180° (AK), a coast and a border (VA), a territory (PR).
STATES = ("VA", "HI", "MA", "AK", "CA", "PR")


@pytest.fixture(scope="module")
def maps() -> StateMaps:
    return StateMaps(atlas_path(CHECKOUT_SITE_DIR))


class SvgMap(HTMLParser):
    """The map in a page: its viewBox, outline rings and dots (link, title, position)."""

    def __init__(self, html: str):
        super().__init__()
        self.view_box, self.rings, self.dots, self.attributes = None, [], [], []
        self.link, self.in_title = None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.view_box = [float(v) for v in attrs["viewbox"].split()]  # HTMLParser lowercases names
        elif tag == "path" and attrs.get("class") == "map-land":
            self.rings = rings_of(attrs["d"])
        elif tag == "a" and self.view_box:
            self.link = attrs
        elif tag == "circle":
            self.dots.append({"x": float(attrs["cx"]), "y": float(attrs["cy"]), "href": self.link["href"],
                              "tabindex": self.link.get("tabindex"), "title": ""})
        self.in_title = tag == "title" and bool(self.dots)
        if self.view_box:
            self.attributes.append(attrs)

    def handle_endtag(self, tag):
        self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.dots[-1]["title"] += data


def rings_of(d: str) -> list[list[tuple[float, float]]]:
    """SVG path data of the form the maps write: M x y, then l steps, z."""
    rings = []
    for part in re.findall(r"M([^Mz]+)z", d):
        start, steps = part.split("l")
        x, y = (float(v) for v in start.split())
        ring = [(x, y)]
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", steps)]
        for dx, dy in zip(numbers[::2], numbers[1::2]):
            x, y = x + dx, y + dy
            ring.append((x, y))
        rings.append(ring)
    return rings


def inside(rings, x: float, y: float) -> bool:
    """Even-odd ray casting over every ring (islands and holes alike)."""
    crossings = 0
    for ring in rings:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
            if (ay > y) != (by > y) and x < ax + (bx - ax) * (y - ay) / (by - ay):
                crossings += 1
    return crossings % 2 == 1


def page(out, path: str) -> str:
    return (out / path.strip("/") / "index.html").read_text()


@pytest.mark.parametrize("state", STATES)
def test_a_state_pages_map_shows_every_iop_inside_the_state_linked_to_its_page(built_site, iop_records, maps, state):
    svg = SvgMap(page(built_site[0], f"/states/{state.lower()}/"))
    records = [f for f in iop_records if f["address"]["state"] == state]
    assert sorted(dot["href"] for dot in svg.dots) == sorted(facility_path(f) for f in records)
    by_path = {facility_path(f): f for f in records}
    projection = maps.states[state].projection
    _, _, width, height = svg.view_box
    assert max(width, height) == SIZE and svg.rings
    for dot in svg.dots:
        record = by_path[dot["href"]]
        assert dot["title"] == record["name"]
        assert inside(svg.rings, dot["x"], dot["y"]), (state, record["name"], dot)
        # Where the program is: a dot the coarse outline left just outside is moved only onto its edge.
        x, y = projection(record["location"]["lon"], record["location"]["lat"])
        assert math.hypot(dot["x"] - x, dot["y"] - y) < 3, (record["name"], dot, (x, y))
    # The whole state fits the viewBox, the Aleutians beside the rest of Alaska, not across the world.
    xs = [x for ring in svg.rings for x, _ in ring]
    ys = [y for ring in svg.rings for _, y in ring]
    assert 0 <= min(xs) and max(xs) <= width and 0 <= min(ys) and max(ys) <= height


def test_the_projection_is_equirectangular_fitted_to_the_view_box(maps):
    """x = x0 + (λ − west)·cos φm·k, y = y0 + (north − φ)·k: Virginia's corners and scale."""
    rings = maps.shapes["VA"]
    lons = [lon for ring in rings for lon, _ in ring]
    lats = [lat for ring in rings for _, lat in ring]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    projection = maps.states["VA"].projection
    assert projection(west, north) == pytest.approx((MARGIN, MARGIN))
    cos = math.cos(math.radians((south + north) / 2))
    x, y = projection(east, south)
    assert x == pytest.approx(SIZE - MARGIN)  # Virginia is wider than tall
    assert (y - MARGIN) / (x - MARGIN) == pytest.approx((north - south) / ((east - west) * cos))
    # Alaska's western islands, east of 180°, stay west of the mainland.
    alaska = maps.states["AK"].projection
    assert alaska(179.0, 52.0)[0] < alaska(-170.0, 52.0)[0] < alaska(-150.0, 61.0)[0]


def test_city_pages_map_their_own_iops_on_the_states_outline(built_site, iop_records):
    out = built_site[0]
    city = SvgMap(page(out, "/states/va/charlottesville/"))
    state = SvgMap(page(out, "/states/va/"))
    in_city = [f for f in iop_records if f["address"]["state"] == "VA" and f["address"]["city"] == "Charlottesville"]
    assert sorted(dot["href"] for dot in city.dots) == sorted(facility_path(f) for f in in_city)
    assert city.rings == state.rings and city.view_box == state.view_box  # one outline per state
    assert all(inside(city.rings, dot["x"], dot["y"]) for dot in city.dots)


def test_maps_are_hidden_from_assistive_technology_out_of_the_tab_order_and_unstyled(built_site):
    out = built_site[0]
    for path in ("/states/va/", "/states/ak/", "/states/va/charlottesville/"):
        html = page(out, path)
        svg = SvgMap(html)
        assert svg.attributes[0].get("aria-hidden") == "true"
        assert svg.dots and all(dot["tabindex"] == "-1" for dot in svg.dots)
        assert not any("style" in attrs for attrs in svg.attributes)  # the CSP allows no inline style
        map_html = html.split('<div class="map">')[1].split("</div>")[0]
        assert len(map_html) < 80_000


def test_territories_the_atlas_has_no_shape_for_have_no_map(built_site):
    out = built_site[0]
    for state in ("FM", "PW"):  # SAMHSA lists them; the Census atlas draws the US and its territories
        assert '<div class="map"' not in page(out, f"/states/{state.lower()}/")
    for state in ("GU", "PR"):
        assert SvgMap(page(out, f"/states/{state.lower()}/")).rings


def test_near_me_page_carries_the_maps_data_and_the_outlines_are_served(built_site):
    out = built_site[0]
    html = page(out, "/near-me/")
    assert '<div class="map" id="map" hidden>' in html and '<script src="/static/map.js" defer></script>' in html
    data = json.loads(html.split('<script type="application/json" id="map-data">')[1].split("</script>")[0])
    assert data["shapes"] == "/static/maps/" and len(data["bounds"]) == 56  # 50 states, DC, 5 territories
    total = 0
    for state, (west, south, east, north) in data["bounds"].items():
        shape = out / "static" / "maps" / f"{state.lower()}.json"
        total += shape.stat().st_size
        rings = json.loads(shape.read_text())["rings"]
        lons = [lon for ring in rings for lon in ring[::2]]
        lats = [lat for ring in rings for lat in ring[1::2]]
        assert (min(lons), min(lats), max(lons), max(lats)) == (west, south, east, north)
    assert data["bounds"]["AK"][0] < -180 < data["bounds"]["AK"][2] < -129  # the Aleutians, unwrapped
    assert total < 300_000


def test_map_links_follow_the_pages_language(maps):
    record = make_facility().model_dump(mode="json")
    english, spanish = maps.page_map("VA", [record]), maps.page_map("VA", [record], "/es")
    assert english["points"][0]["url"] == facility_path(record)
    assert spanish["points"][0]["url"] == "/es" + facility_path(record)
    assert maps.near_me_map("/es")["data"]["prefix"] == "/es"
    assert maps.page_map("PW", [record]) is None


def test_the_image_carries_the_atlas_where_the_site_build_looks():
    dockerfile = (ROOT / "Dockerfile").read_text()
    site_dir = PurePosixPath(re.search(r"IOPFINDER_SITE_DIR=(\S+)", dockerfile).group(1))
    workdir = PurePosixPath(re.findall(r"^WORKDIR (\S+)", dockerfile, re.MULTILINE)[-1])
    copied = re.search(r"^COPY --from=atlas \S+/us-atlas/states-10m.json (\S+)$", dockerfile, re.MULTILINE).group(1)
    assert workdir / copied == atlas_path(site_dir)
    assert "npm ci --omit=dev" in dockerfile


# ---- The near-me map in Chromium ----

def map_ids(page) -> list[str]:
    return page.locator("#map [data-id]").evaluate_all("points => points.map(p => p.dataset.id)")


def card_ids(page) -> list[str]:
    return page.locator("#results > li").evaluate_all("items => items.map(item => item.dataset.id)")


def assert_map_matches_the_list(page) -> None:
    ids = card_ids(page)
    assert ids and map_ids(page) == ids
    cards = page.locator("#results > li h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    dots = page.locator("#map a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert dots == cards
    expect(page.locator("#map path.map-land").first).to_be_attached()


def test_near_me_map_shows_exactly_the_listed_results(page, site_url):
    page.goto(f"{site_url}/near-me/?zip=22902&radius_mi=100&level=iop")
    wait_for_results(page)
    expect(page.locator("#map")).to_be_visible()
    assert_map_matches_the_list(page)
    tick_filter(page, "#f-level-outpatient")
    assert_map_matches_the_list(page)
    page.get_by_role("button", name="Next page").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    wait_for_results(page)
    assert parse_qs(urlparse(page.url).query)["page"] == ["2"]
    assert_map_matches_the_list(page)
    page.fill("#where", "zzzz-no-such-place")
    page.keyboard.press("Enter")
    expect(page.locator("#map")).to_be_hidden(timeout=15_000)


def test_near_me_map_shows_hostile_names_as_text(page, site_url):
    hostile = '<img src=x onerror="window.pwned=1">Evil "Clinic"'

    def with_hostile_name(route):
        body = route.fetch().json()
        body["results"][0]["name"] = hostile
        route.fulfill(json=body)

    page.route("**/v1/facilities?*", with_hostile_name)
    page.goto(f"{site_url}/near-me/?zip=22902&level=iop")
    wait_for_results(page)
    assert page.locator("#map title").first.text_content() == hostile
    assert page.locator("#map img").count() == 0 and page.evaluate("window.pwned") is None


def test_maps_load_nothing_from_elsewhere(page, site_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/states/va/", "/states/va/charlottesville/", "/near-me/?zip=22902&level=iop"):
        page.goto(site_url + path)
        page.wait_for_load_state("networkidle")
    origins = {f"{urlparse(url).scheme}://{urlparse(url).netloc}" for url in requested}
    assert origins == {site_url}, origins
    assert f"{site_url}/static/maps/va.json" in requested


def test_no_serious_accessibility_violations_with_maps(browser, site_url):
    # The site's Content-Security-Policy forbids injected scripts; only this check's context lifts it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    for path in ("/states/va/", "/states/hi/", "/near-me/?zip=22902&level=iop"):
        page.goto(site_url + path)
        if "near-me" in path:
            wait_for_results(page)
            expect(page.locator("#map path.map-land").first).to_be_attached()
        assert not serious_violations(page), path
    context.close()


def test_maps_fit_a_phone_and_screenshots(browser, site_url):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = {"map-state": "/states/va/", "map-near-me": "/near-me/?zip=22902&level=iop"}
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, path in {**shots, "map-city": "/states/va/charlottesville/", "map-alaska": "/states/ak/"}.items():
            page.goto(site_url + path)
            if name == "map-near-me":
                wait_for_results(page)
                expect(page.locator("#map path.map-land").first).to_be_attached()
            box = page.locator(".map svg").bounding_box()
            assert box["width"] > 0.8 * min(width, 960) and box["x"] + box["width"] <= width
            assert scroll_width(page) <= width, (name, width, scroll_width(page))
            if name in shots and (width == 1280 or name == "map-state"):
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        context.close()


def test_tab_from_the_search_box_reaches_the_results_never_the_map(page, site_url):
    page.goto(f"{site_url}/near-me/?zip=22902&level=iop")
    wait_for_results(page)
    page.focus("#where")
    for _ in range(40):
        page.keyboard.press("Tab")
        assert not page.evaluate("!!document.activeElement.closest('#map')")
        if page.evaluate("document.activeElement.matches('#results a')"):
            break
    else:
        raise AssertionError("Tab never reached the results")
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("/facilities/")


def test_the_map_draws_results_that_came_before_its_script(page, site_url):
    # A quick (cached) answer can be shown before map.js has run; the map must still draw it.
    def late(route):
        page.wait_for_timeout(1500)
        route.continue_()

    page.route("**/static/map.js", late)
    page.goto(f"{site_url}/near-me/?zip=22902&level=iop")
    wait_for_results(page)
    expect(page.locator("#map path.map-land").first).to_be_attached()
    expect(page.locator("#map .map-point").first).to_be_attached()
