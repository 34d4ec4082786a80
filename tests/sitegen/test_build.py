"""The site built from the real 2022 index, checked as files (the browser tests look at pages)."""

import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest

from facility.geo import distance_miles
from sitegen.build import CHECKOUT_SITE_DIR, build_site
from sitegen.languages import languages
from sitegen.pages import Site, city_context
from facility.paths import facility_slug, slugify
from tests.facility.factories import make_facility


def test_every_page_type_is_written(built_site, iop_records):
    out, summary = built_site
    assert summary.facilities == len(iop_records) == 5_525
    assert summary.states == 56
    assert (out / "index.html").is_file() and (out / "near-me" / "index.html").is_file()
    assert (out / "compare" / "index.html").is_file()
    assert (out / "states" / "va" / "index.html").is_file()
    assert (out / "states" / "va" / "charlottesville" / "index.html").is_file()
    assert (out / "404.html").is_file()
    assert all((out / "static" / name).is_file() for name in ("near-me.js", "compare.js", "print.js", "suggest.js"))
    assert len(list((out / "facilities").iterdir())) == 5_525
    assert summary.languages == 2 and len(list((out / "es" / "facilities").iterdir())) == 5_525
    assert summary.pages == 2 * (3 + summary.states + summary.cities + summary.facilities + 1) + 2
    assert not (out.parent / "www.partial").exists()


def test_slugs_are_readable_and_unique(iop_records):
    # That they never change is tests/sitegen/test_places.py.
    slugs = [facility_slug(f) for f in iop_records]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)


def test_sitemap_lists_both_languages_with_alternates_and_robots_names_it(built_site):
    out, summary = built_site
    sitemap = (out / "sitemap.xml").read_text()
    entries = re.findall(r"<url><loc>(.*?)</loc>(.*?)</url>", sitemap, re.DOTALL)
    # Every page in both languages but the 404 pages and compare; not robots.txt nor the sitemap.
    assert len(entries) == summary.pages - 2 - 2 * 2
    locations = dict(entries)
    city = "https://iopfinder.example/states/va/charlottesville/"
    city_es = "https://iopfinder.example/es/states/va/charlottesville/"
    for location in (city, city_es):
        assert re.findall(r'<xhtml:link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)"/>', locations[location]) \
            == [("en", city), ("es", city_es), ("x-default", city)]
    assert not any("/compare/" in location for location in locations)
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in sitemap
    assert "Sitemap: https://iopfinder.example/sitemap.xml" in (out / "robots.txt").read_text()


def test_state_page_counts(built_site, iop_records):
    page = (built_site[0] / "states" / "va" / "index.html").read_text()
    va = [f for f in iop_records if f["address"]["state"] == "VA"]
    medicaid = sum("medicaid" in f["payment"] for f in va)
    assert f"<strong>{medicaid}</strong> Medicaid" in page
    assert f"{len(va)} programs in Virginia" in page
    assert 'href="/states/va/charlottesville/"' in page
    assert 'href="/near-me/?state=VA"' in page  # near-me searches IOPs unless levels are chosen


def test_city_lists_iops_within_25_miles_nearest_first(iop_records):
    site = Site(iop_records)
    context = city_context(site, "VA", "charlottesville", languages(CHECKOUT_SITE_DIR / "locale")[0])
    in_city = [f for f in iop_records if f["address"]["state"] == "VA" and slugify(f["address"]["city"]) == "charlottesville"]
    lat = sum(f["location"]["lat"] for f in in_city) / len(in_city)
    lon = sum(f["location"]["lon"] for f in in_city) / len(in_city)
    expected = sorted((distance_miles((lat, lon), (f["location"]["lat"], f["location"]["lon"])), f["name"])
                      for f in iop_records if distance_miles((lat, lon), (f["location"]["lat"], f["location"]["lon"])) <= 25)
    assert [item["name"] for item in context["facilities"]] == [name for _, name in expected]
    assert context["title"] == "Intensive outpatient programs in Charlottesville, VA"


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.json_ld, self.inside, self.links = [], False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.inside = tag == "script" and attrs.get("type") == "application/ld+json"
        if tag == "a":
            self.links.append(attrs.get("href"))

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.json_ld.append(json.loads(data))


def test_facility_page_has_contact_levels_provenance_and_json_ld(built_site, iop_records):
    facility = next(f for f in iop_records if f["phones"] and f["location"] and len(f["levels_of_care"]) > 2)
    page = (built_site[0] / "facilities" / facility_slug(facility) / "index.html").read_text()
    parser = Scripts()
    parser.feed(page)
    data = parser.json_ld[0]
    assert data["@type"] == "MedicalClinic" and data["name"] == facility["name"]
    assert data["address"]["postalCode"] == facility["address"]["zip"]
    assert data["geo"]["latitude"] == facility["location"]["lat"]
    assert f"tel:{facility['phones'][0]['number']}" in parser.links
    assert "Intensive outpatient (IOP)" in page and "Other IOPs nearby" in page
    shown = unescape(page)
    assert "Listed in SAMHSA's 2022 directory (survey of 2021)." in shown  # beside its sections and in the list
    assert f"describes the facility as of {facility['verified_on']}" in shown and facility["verified_on"] < "2022"


def test_hostile_record_renders_escaped_and_unlinked_in_both_languages(tmp_path):
    hostile = make_facility(name='<script>window.pwned=1</script>Evil "Clinic"', name2="<b>bold</b>",
                            city="<i>Town</i>").model_dump(mode="json")
    hostile["website"] = "javascript:alert(document.cookie)"  # as if it had slipped past validation
    build_site([hostile], tmp_path / "www", api_url="", base_url="https://x.example")
    pages = list((tmp_path / "www").rglob("*.html"))
    assert len(pages) == 2 * 7  # home, near me, compare, state, city, facility and 404 in each language
    for page in pages:
        html = page.read_text()
        assert "<script>window.pwned" not in html and "<b>bold</b>" not in html and "<i>Town" not in html, page
        assert 'href="javascript' not in html, page
    for root in (tmp_path / "www", tmp_path / "www" / "es"):
        html = next((root / "facilities").iterdir()).joinpath("index.html").read_text()
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html and "&lt;i&gt;Town&lt;/i&gt;" in html
        state_map = (root / "states" / "va" / "index.html").read_text().split('<div class="map">')[1]
        assert "<title>&lt;script&gt;window.pwned=1&lt;/script&gt;Evil &#34;Clinic&#34;</title>" in state_map
        parser = Scripts()
        parser.feed(html)
        assert not any(href and href.lower().startswith("javascript") for href in parser.links)
        assert "javascript:alert(document.cookie)" in html  # shown as text, so a reader sees what is there
        assert parser.json_ld[0]["name"].startswith("<script>") and "url" not in parser.json_ld[0]
        assert "</script><" not in html.split('application/ld+json">')[1].split("</script>")[0]


def test_a_failed_build_leaves_the_previous_site_whole_in_both_languages(tmp_path):
    out = tmp_path / "www"
    good = make_facility().model_dump(mode="json")
    build_site([good], out, api_url="", base_url="https://x.example")
    before = {path.relative_to(out): path.read_bytes() for path in out.rglob("*") if path.is_file()}
    broken = make_facility(name="Broken Clinic").model_dump(mode="json")
    broken["phones"] = [{"kind": "main", "number": None, "extension": None}]  # fails while its pages render
    with pytest.raises(TypeError):
        build_site([good, broken], out, api_url="", base_url="https://x.example")
    assert {path.relative_to(out): path.read_bytes() for path in out.rglob("*") if path.is_file()} == before
    assert (out / "es" / "index.html").is_file()


def test_facility_page_shows_what_its_website_says_with_the_sentences(tmp_path):
    record = make_facility(name="Harbor Recovery Center").model_dump(mode="json")
    record["site"] = {
        "url": "https://harbor.example.org/", "retrieved_at": "2026-11-20T10:00:00Z", "telehealth": True,
        "schedules": [{"days": ["mon", "tue", "thu"], "starts": "18:00", "ends": "21:00", "evening": True,
                       "weekend": False}],
        "hours_per_week": 9.0, "insurance_carriers": ["Aetna", "TRICARE"], "medicaid_plans": [],
        "evidence": [{"field": "schedules", "value": "Mon, Tue, Thu 18:00-21:00", "url": "https://harbor.example.org/iop",
                      "sentence": "Our evening IOP meets Monday, Tuesday and Thursday from 6 to 9 pm."},
                     {"field": "telehealth", "value": "True", "url": "javascript:alert(1)",
                      "sentence": "<img src=x onerror=alert(1)> Virtual IOP is available."}]}
    record["sources"].append({"name": "facility-website", "url": "https://harbor.example.org/",
                              "retrieved_at": "2026-11-20T10:00:00Z", "as_of": "2026-11-20"})
    record["fields_by_source"] = {"samhsa-national-directory:2022": [], "facility-website": ["site"]}
    record["verified_on"] = "2026-11-20"
    build_site([record], tmp_path / "www", api_url="", base_url="https://x.example")
    html = next((tmp_path / "www" / "facilities").iterdir()).joinpath("index.html").read_text()
    text = unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))
    assert "What the facility's website says" in text and "Read on the facility's website on 2026-11-20." in text
    assert "IOP schedule Mon, Tue, Thu 6:00 pm–9:00 pm (evening)" in text
    assert "“Our evening IOP meets Monday, Tuesday and Thursday from 6 to 9 pm.”" in text
    assert "Hours per week 9" in text and "Insurance accepted Aetna, TRICARE" in text and "Telehealth offered" in text
    assert "describes the facility as of 2026-11-20" in text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html
    spanish = text_of(next((tmp_path / "www" / "es" / "facilities").iterdir()).joinpath("index.html").read_text())
    assert "Lo que dice el sitio web del centro" in spanish and "Tomado del sitio web del centro el 2026-11-20." in spanish
    assert "Horario del IOP lun, mar, jue 6:00 p. m.–9:00 p. m. (por la noche)" in spanish
    assert "Horas por semana 9" in spanish and "Seguros aceptados Aetna, TRICARE" in spanish
    assert "Telesalud se ofrece" in spanish and "describe el centro al 2026-11-20" in spanish


def text_of(html: str) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def test_city_list_cards_show_what_deciding_needs(built_site, iop_records):
    html = (built_site[0] / "states" / "va" / "charlottesville" / "index.html").read_text()
    allies = next(f for f in iop_records if f["name"] == "Addiction Allies LLC" and f["address"]["city"] == "Charlottesville")
    listing = html.split('<ol class="facilities">')[1]  # the list, not the map above it
    card = text_of(listing.split(f'href="/facilities/{facility_slug(allies)}/"')[1].split("</li>")[0])
    assert "Main: (434) 962-1645 · Intake: (434) 400-9668" in card
    assert "Medicaid · Medicare · Private insurance · Cash" in card
    assert "Telehealth · Co-occurring mental health care" in card
    assert "Opioid use disorder medications: Buprenorphine, Naltrexone · Medications for alcohol use disorder" in card
    assert "Languages: Spanish" in card and f"Information as of {allies['verified_on']}" in card
    assert html.count('<span class="badge">IOP</span>') == html.count("<li>")
    assert 'href="/near-me/?place=Charlottesville%2C+VA"' in html


def test_facility_page_shows_notices_services_page_url_and_print_button(built_site, iop_records):
    facility = next(f for f in iop_records if "NAUT" in f["service_codes"] and "GCO" in f["service_codes"])
    html = (built_site[0] / "facilities" / facility_slug(facility) / "index.html").read_text()
    text = text_of(html)
    assert '<p class="notice">Does not treat alcohol use disorder</p>' in html
    assert "Services" in text and "Group counseling" in text
    assert f"Page: https://iopfinder.example/facilities/{facility_slug(facility)}/" in text
    assert '<button type="button" data-print hidden>Print referral sheet</button>' in html  # shown by print.js
    assert '<script src="/static/print.js" defer></script>' in html


def test_compare_page_is_unlisted_and_carries_its_labels_as_data(built_site):
    html = (built_site[0] / "compare" / "index.html").read_text()
    assert '<meta name="robots" content="noindex">' in html
    assert "This comparison needs JavaScript." in html
    labels = json.loads(html.split('<script type="application/json" id="labels">')[1].split("</script>")[0])
    assert labels["services"]["alcohol_medications"] == {
        "label": "Medications for alcohol use disorder", "field": "service_codes", "value": ["PMAT", "ACM", "DSF"]}
    assert labels["notices"]["no_alcohol_treatment"]["value"] == ["NAUT"]
    assert labels["fields"]["levels_of_care"]["iop"] == "Intensive outpatient (IOP)"
    # The Content-Security-Policy allows no inline script: every script is a file or data.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('src="/static/' in attrs or 'type="application/json"' in attrs for attrs in scripts)
