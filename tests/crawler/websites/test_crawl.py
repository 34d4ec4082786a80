"""The facility-site spider, its pipeline and matching, through the real `iopfinder crawl sites`
command against local websites written for these tests (tests/crawler/websites/sites)."""

import json
import os
import subprocess
import sys
from datetime import date, datetime, timezone

import pytest
from fastapi.testclient import TestClient

from facility.elasticsearch_access import Access
from facility.model import Facility, Source
from facility.paths import facility_path
from facility.provenance import by_source
from search_api.main import create_app
from search_api.settings import ApiSettings
from tests.crawler.websites.site_server import FILLER_PAGES, websites

FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_TIMEOUT=2",
        "--set", "HTTPCACHE_ENABLED=False", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "--set", "RETRY_TIMES=1"]


def listed(id_: str, name: str, street: str, city: str, zip_code: str, phone: str, website: str | None = None,
           state: str = "VA"):
    return Facility(id=id_, name=name, address={"street1": street, "city": city, "state": state, "zip": zip_code},
                    phones=[{"kind": "main", "number": phone}], website=website,
                    sources=[Source(name="samhsa-national-directory", edition="2022", record_id=name,
                                    retrieved_at=datetime(2026, 1, 5, tzinfo=timezone.utc), as_of=date(2021, 3, 31))],
                    updated_at=datetime(2026, 1, 5, tzinfo=timezone.utc))


HARBOR, MAPLE, CEDAR, RIVERBEND, WILLAMETTE, PINECREST, ASPEN = (letter * 16 for letter in "abcdef1")
NOTHING_SAID = {"offers_iop": False, "schedules": [], "evening": False, "weekend": False, "hours_per_week": None,
                "insurance_carriers": [], "medicaid_plans": [], "telehealth": None}

# What each site's pages say, field by field (sentences are checked separately).
EXPECTED = {
    HARBOR: {
        "matched_by": "domain", "pages": 4, "name": "Harbor Recovery Center", "phones": ["+14345550142"],
        "address": {"street1": "100 Water Street", "street2": None, "city": "Charlottesville", "state": "VA",
                    "zip": "22902"},
        "location": {"lat": 38.0301, "lon": -78.479},
        "offers_iop": True,
        "schedules": [{"days": ["mon", "tue", "thu"], "starts": "18:00", "ends": "21:00", "evening": True,
                       "weekend": False}],
        "evening": True, "weekend": False, "hours_per_week": 9.0,
        "insurance_carriers": ["Aetna", "Anthem", "Cigna", "TRICARE"],
        "medicaid_plans": ["Aetna Better Health", "Anthem HealthKeepers Plus", "Molina Healthcare"],
        "telehealth": True, "opening_hours": ["Mo,Tu,We,Th,Fr 08:00-17:00"],
    },
    MAPLE: {
        "matched_by": "phone", "pages": 6, "name": "Maple Valley Behavioral Health", "phones": ["+15405550199"],
        "address": {"street1": "45 Orchard Road", "street2": None, "city": "Staunton", "state": "VA", "zip": "24401"},
        "location": None, "offers_iop": True,
        "schedules": [{"days": ["sat", "sun"], "starts": "09:00", "ends": "12:00", "evening": False,
                       "weekend": True}],
        "evening": False, "weekend": True, "hours_per_week": 6.0,
        "insurance_carriers": ["Blue Cross Blue Shield", "UnitedHealthcare"], "medicaid_plans": ["Cardinal Care"],
        "telehealth": False, "opening_hours": ["Mo-Sa 08:00-18:00"],
    },
    CEDAR: {
        "matched_by": "address", "pages": 1, "name": "Cedar House", "phones": [],
        "address": {"street1": "200 Cedar Avenue, Suite 3", "street2": None, "city": "Roanoke", "state": "VA",
                    "zip": "24016"},
        "location": None, "offers_iop": False, "schedules": [], "evening": False, "weekend": False,
        "hours_per_week": None, "insurance_carriers": [], "medicaid_plans": [], "telehealth": None,
        "opening_hours": ["Mo-Th 09:00-20:00"],
    },
    RIVERBEND: {
        "matched_by": "domain", "pages": 22, "name": None, "phones": [], "address": None, "location": None,
        "offers_iop": True,
        "schedules": [{"days": ["tue", "thu"], "starts": "18:00", "ends": "21:00", "evening": True, "weekend": False}],
        "evening": True, "weekend": False, "hours_per_week": 6.0, "insurance_carriers": [],
        "medicaid_plans": ["CareSource"], "telehealth": None, "opening_hours": [],
    },
    # General articles beside one program page: only the program page's facts (an Oregon clinic,
    # so California's Medi-Cal and Washington's Apple Health, named in an article, are not its plans).
    WILLAMETTE: {
        "matched_by": "domain", "pages": 7, "name": "Willamette Valley Recovery", "phones": ["+15035550147"],
        "address": {"street1": "210 Mill Street", "street2": None, "city": "Salem", "state": "OR", "zip": "97301"},
        "location": None, "offers_iop": True,
        "schedules": [{"days": ["mon", "wed", "thu"], "starts": "09:00", "ends": "12:30", "evening": False,
                       "weekend": False}],
        "evening": False, "weekend": False, "hours_per_week": 10.5, "insurance_carriers": ["Aetna"],
        "medicaid_plans": ["Oregon Health Plan"], "telehealth": None, "opening_hours": [],
    },
    # Articles only (by schema.org type, path, Open Graph type or byline): nothing about the facility.
    PINECREST: {
        "matched_by": "address", "pages": 4, "name": "Pinecrest Recovery", "phones": [],
        "address": {"street1": "88 Pine Avenue", "street2": None, "city": "Bend", "state": "OR", "zip": "97701"},
        "location": None, "opening_hours": [], **NOTHING_SAID, "offers_iop": True,
    },
    # Pages in the real web's shapes: a plain program paragraph (days in one sentence, the sessions'
    # times in the next), a weekly minimum, a notice that groups are held by video, a list under
    # "Insurance We Accept"; beside them a page about one insurer, a story told in the first person,
    # a sober-living house schedule and a page about other organisations, none of them the program's facts.
    ASPEN: {
        "matched_by": "domain", "pages": 7, "name": "Aspen Ridge Recovery", "phones": ["+17195550163"],
        "address": {"street1": "415 Juniper Street", "street2": None, "city": "Pueblo", "state": "CO",
                    "zip": "81003"},
        "location": None, "offers_iop": True,
        "schedules": [{"days": ["mon", "wed", "thu"], "starts": "09:00", "ends": "12:00", "evening": False,
                       "weekend": False},
                      {"days": ["mon", "wed", "thu"], "starts": "18:00", "ends": "21:00", "evening": True,
                       "weekend": False}],
        "evening": True, "weekend": False, "hours_per_week": 9.0, "insurance_carriers": ["Aetna", "Cigna"],
        "medicaid_plans": ["Health First Colorado"], "telehealth": True, "opening_hours": [],
    },
}


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sites")
    with websites() as (bases, hits):
        facilities = [
            listed(HARBOR, "Harbor Recovery Center", "100 Water St", "Charlottesville", "22902", "+14345550100",
                   website=bases["harbor"] + "/"),
            listed(MAPLE, "Maple Valley Behavioral Health", "45 Orchard Rd", "Staunton", "24401", "+15405550199"),
            listed(CEDAR, "Cedar House", "200 Cedar Ave Ste 3", "Roanoke", "24016", "+15405550111"),
            listed(RIVERBEND, "Riverbend Recovery", "1 River Rd", "Lynchburg", "24501", "+14345550177",
                   website=bases["hostile"]),
            listed(WILLAMETTE, "Willamette Valley Recovery", "210 Mill St", "Salem", "97301", "+15035550100",
                   website=bases["willamette"] + "/", state="OR"),
            listed(PINECREST, "Pinecrest Recovery", "88 Pine Ave", "Bend", "97701", "+15415550100", state="OR"),
            listed(ASPEN, "Aspen Ridge Recovery", "415 Juniper St", "Pueblo", "81003", "+17195550100",
                   website=bases["aspen"] + "/", state="CO"),
        ]
        staged = tmp / "facilities.jsonl"
        staged.write_text("".join(f.model_dump_json() + "\n" for f in facilities))
        urls = tmp / "urls.txt"
        urls.write_text("# one website per line\n" + "\n".join(
            bases[name] + "/" for name in ("harbor", "maple", "birch", "cedar", "closed", "hostile", "willamette",
                                           "pinecrest", "aspen")) + "\n\n")
        out = tmp / "sites.jsonl"
        result = subprocess.run(
            [sys.executable, "-m", "iopfinder.cli", "crawl", "sites", "--urls", str(urls), "--facilities", str(staged),
             "--out", str(out), *FAST],
            capture_output=True, text=True, timeout=300, env=dict(os.environ, COLUMNS="250"), cwd=tmp)
        yield result, out, bases, hits


def test_command_succeeds_and_writes_one_enrichment_per_matched_site(crawl):
    result, out, _, _ = crawl
    assert result.returncode == 0, result.stderr
    enrichments = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(e["facility_id"] for e in enrichments) == sorted(EXPECTED)


@pytest.mark.parametrize("facility_id", list(EXPECTED))
def test_extractions_match_expectations_field_by_field(crawl, facility_id):
    _, out, bases, _ = crawl
    enrichment = next(json.loads(line) for line in out.read_text().splitlines()
                      if json.loads(line)["facility_id"] == facility_id)
    site = enrichment["site"]
    expected = EXPECTED[facility_id]
    assert enrichment["matched_by"] == expected["matched_by"]
    for field, value in expected.items():
        if field != "matched_by":
            assert site[field] == value, field
    assert enrichment["source"]["name"] == "facility-website" and enrichment["source"]["url"] == site["url"]


def test_every_finding_cites_the_page_and_sentence(crawl):
    _, out, bases, _ = crawl
    harbor = next(json.loads(line)["site"] for line in out.read_text().splitlines() if HARBOR in line)
    cited = {(e["field"], e["value"]): e for e in harbor["evidence"]}
    schedule = cited[("schedules", "Mon, Tue, Thu 18:00-21:00")]
    assert schedule["url"] == bases["harbor"] + "/programs/intensive-outpatient.html"
    assert schedule["sentence"].startswith("Our evening Intensive Outpatient Program meets Monday, Tuesday")
    assert cited[("telehealth", "True")]["sentence"].startswith("Virtual IOP sessions are available through telehealth")
    assert cited[("medicaid_plans", "Molina Healthcare")]["url"].endswith("/insurance.html")
    assert cited[("hours_per_week", "9.0")]["sentence"] == "That is 9 hours per week of group and individual therapy."
    for field in ("insurance_carriers", "medicaid_plans"):
        assert sorted(e["value"] for e in harbor["evidence"] if e["field"] == field) == sorted(harbor[field])
    willamette = next(json.loads(line)["site"] for line in out.read_text().splitlines() if WILLAMETTE in line)
    assert {e["url"].rsplit("/", 2)[-2] for e in willamette["evidence"]} <= {"programs", bases["willamette"][7:]}
    assert all(e["read_on"] == willamette["retrieved_at"][:10] for e in willamette["evidence"])
    maple = next(json.loads(line)["site"] for line in out.read_text().splitlines() if MAPLE in line)
    no_telehealth = next(e for e in maple["evidence"] if e["field"] == "telehealth")
    assert no_telehealth["value"] == "False" and "do not offer telehealth" in no_telehealth["sentence"]


def test_what_a_site_says_in_a_class_too_unreliable_for_facts_is_quoted_not_stated(crawl):
    result, out, bases, _ = crawl
    aspen = next(json.loads(line)["site"] for line in out.read_text().splitlines() if ASPEN in line)
    quoted = {(q["field"], q["value"], q["basis"]): q for q in aspen["quotes"]}
    humana = quoted[("insurance_carriers", "Humana", "insurance named on a page about one insurer")]
    assert humana["sentence"] == "Our admissions team helps Humana members with their benefits every week."
    assert humana["url"] == bases["aspen"] + "/insurance/humana/" and humana["read_on"] == aspen["retrieved_at"][:10]
    assert ("schedules", "Sun 20:00-21:00", "a timetable on a sober-living, residential or day-treatment page") \
        in quoted
    assert "Humana" not in aspen["insurance_carriers"] and not aspen["weekend"]
    summary = " ".join(result.stderr.split())
    for reason in ("not stated: pages: story", "not stated: pages: about other organisations",
                   "not stated: quoted only: insurance named on a page about one insurer",
                   "not stated: statements: a general statement"):
        assert reason in summary, reason


def test_unmatched_site_is_reported_with_its_reason(crawl):
    result, out, bases, _ = crawl
    report = [json.loads(line) for line in out.with_name("sites.unmatched.ndjson").read_text().splitlines()]
    assert [(r["url"], r["reason"]) for r in report] == [
        (bases["birch"] + "/", "no listed facility has this domain, phone or address")]
    birch = report[0]["site"]
    assert birch["schedules"] == [{"days": ["mon", "wed", "thu"], "starts": "17:30", "ends": "20:30",
                                   "evening": True, "weekend": False}]
    assert birch["insurance_carriers"] == ["Humana", "Kaiser Permanente"]
    assert "1 site(s) matched no single listed facility" in result.stderr


def test_robots_txt_is_obeyed(crawl):
    result, _, _, hits = crawl
    assert set(hits["closed"]) == {"/robots.txt"}  # read (by Scrapy and for its sitemaps), nothing else
    assert "robots.txt blocked" in result.stderr


def test_crawl_stays_on_the_site_within_depth_and_page_caps(crawl):
    result, _, _, hits = crawl
    # a link, a protocol-relative link, a redirect and a sitemap index all lead there
    assert hits["elsewhere"] == []
    assert "/chain/3.html" in hits["maple"] and "/chain/4.html" not in hits["maple"]  # depth
    assert "/brochure.pdf" not in hits["maple"]
    redirected_to = {"/loop-b"} | {f"/spiral/{n}" for n in range(2, 30)}
    pages = [path for path in hits["hostile"] if path not in {"/robots.txt", "/sitemap.xml"} | redirected_to]
    assert len(set(pages)) == 30 and sum(p.startswith("/filler/") for p in pages) < FILLER_PAGES
    assert "page cap of the site reached" in result.stderr
    assert hits["hostile"].count("/loop-a") == 1  # a redirect back to a page already fetched ends there
    # no /sitemap.xml: the sitemaps robots.txt declares, only those on the site (an index, then its pages)
    assert hits["harbor"][1:4] == ["/sitemap.xml", "/robots.txt", "/sitemap_index.xml"]
    assert hits["harbor"].count("/page-sitemap.xml") == 1 and "/elsewhere.html" not in hits["harbor"]


def test_bad_pages_are_counted_by_reason_and_do_not_stop_the_crawl(crawl):
    result, _, _, _ = crawl
    summary = " ".join(result.stderr.split())
    for reason in ("HTTP 404", "HTTP 500", "redirect loop", "response too large", "timeout",
                   "not an HTML page (content type)", "left the site (redirect to another host)",
                   "JSON-LD not valid JSON", "schema.org telephone is int, not text",
                   "schema.org geo is str, not GeoCoordinates", "schema.org openingHours is int, not text"):
        assert f"error: {reason}" in summary, reason


@pytest.mark.integration
def test_from_index_then_the_indexer_merges_what_the_sites_say(es, es_url, alias, tmp_path):
    env = dict(os.environ, ELASTICSEARCH_URL=es_url, COLUMNS="250")

    def iopfinder(*args):
        result = subprocess.run([sys.executable, "-m", "iopfinder.cli", *args], capture_output=True, text=True,
                                timeout=300, env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return " ".join(result.stderr.split())

    with websites() as (bases, hits):
        staged = tmp_path / "facilities.jsonl"
        staged.write_text("".join(f.model_dump_json() + "\n" for f in [
            listed(HARBOR, "Harbor Recovery Center", "100 Water St", "Charlottesville", "22902", "+14345550100",
                   website=bases["harbor"] + "/"),
            listed(MAPLE, "Maple Valley Behavioral Health", "45 Orchard Rd", "Staunton", "24401", "+15405550199"),
            listed(CEDAR, "Cedar House", "200 Cedar Ave Ste 3", "Roanoke", "24016", "+15405550111",
                   website=bases["closed"] + "/")]))
        iopfinder("index", str(staged), "--alias", alias)
        summary = iopfinder("crawl", "sites", "--from-index", "--alias", alias, "--out", "sites.jsonl", *FAST)
        assert "Crawling 2 website(s)" in summary and "robots.txt blocked" in summary
        assert [json.loads(line)["facility_id"] for line in (tmp_path / "sites.jsonl").read_text().splitlines()] \
            == [HARBOR]
        summary = iopfinder("index", str(staged), "sites.jsonl", "--alias", alias)
    assert "enrichments applied │ 1" in summary
    harbor = es.get(index=alias, id=HARBOR)["_source"]
    assert harbor["site"]["schedules"][0]["days"] == ["mon", "tue", "thu"] and harbor["site"]["evening"] is True
    assert "Anthem HealthKeepers Plus" in harbor["site"]["medicaid_plans"]  # Virginia's plan, for a facility in VA
    fields_of = {source["name"]: source["fields"] for source in by_source(harbor)}
    assert harbor["telehealth"] is True and "telehealth" in fields_of["facility-website"]
    assert "name" in fields_of["samhsa-national-directory"] and "name" not in fields_of["facility-website"]
    assert harbor["verified_on"] == harbor["site"]["retrieved_at"][:10] != "2026-01-05"
    assert [s["name"] for s in harbor["sources"]] == ["samhsa-national-directory", "facility-website"]
    maple = es.get(index=alias, id=MAPLE)["_source"]
    assert maple.get("site") is None and maple["verified_on"] == "2021-03-31"  # the survey's date, not the read
    # the evening track is a search filter of the API, with its facet count
    with TestClient(create_app(ApiSettings(elasticsearch=Access((es_url,)), alias=alias))) as api:
        found = api.get("/v1/facilities", params={"state": "VA", "service": "evening"}).json()
        assert [r["id"] for r in found["results"]] == [HARBOR] and "evening" in found["results"][0]["services"]
        assert found["results"][0]["verified_on"] == harbor["verified_on"]
        counts = {v["value"]: v["count"] for v in api.get("/v1/facilities", params={"state": "VA", "facets": "true"}).json()
                  ["facets"]["service"]["values"]}
        assert counts["evening"] == 1 and counts["weekend"] == 0 and counts["telehealth"] == 1


@pytest.mark.integration
def test_quotes_show_on_the_facility_page_in_both_languages_and_feed_no_filter(crawl, es_url, alias, tmp_path):
    _, out, bases, _ = crawl
    env = dict(os.environ, ELASTICSEARCH_URL=es_url, COLUMNS="250")
    aspen = listed(ASPEN, "Aspen Ridge Recovery", "415 Juniper St", "Pueblo", "81003", "+17195550100",
                   website=bases["aspen"] + "/", state="CO").model_copy(update={"levels_of_care": ["iop"]})
    (tmp_path / "aspen.jsonl").write_text(aspen.model_dump_json() + "\n")
    (tmp_path / "aspen-site.jsonl").write_text(next(line for line in out.read_text().splitlines() if ASPEN in line))
    for args in (["index", "aspen.jsonl", "aspen-site.jsonl", "--alias", alias],
                 ["site", "build", "--out", "site", "--alias", alias]):
        result = subprocess.run([sys.executable, "-m", "iopfinder.cli", *args], capture_output=True, text=True,
                                timeout=300, env=env, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    with TestClient(create_app(ApiSettings(elasticsearch=Access((es_url,)), alias=alias))) as api:
        # The sober-living page's Sunday group is quoted, never a weekend filter, facet or badge.
        assert api.get("/v1/facilities", params={"state": "CO", "service": "weekend"}).json()["total"] == 0
        found = api.get("/v1/facilities", params={"state": "CO", "service": "evening", "facets": "true"}).json()
        assert [r["id"] for r in found["results"]] == [ASPEN] and "weekend" not in found["results"][0]["services"]
        counts = {v["value"]: v["count"] for v in found["facets"]["service"]["values"]}
        assert counts["weekend"] == 0 and counts["evening"] == 1
        exported = api.get("/v1/facilities.csv", params={"state": "CO"}).text + \
            api.get("/v1/facilities.ndjson", params={"state": "CO"}).text
        assert "Humana" not in exported and "Sun 20:00" not in exported
    page = facility_path(aspen.model_dump()).strip("/") + "/index.html"
    english = (tmp_path / "site" / page).read_text()
    assert "The facility's website says: “Our admissions team helps Humana members with their benefits every week.”" \
        in english
    assert f'<a href="{bases["aspen"]}/insurance/humana/" rel="nofollow noopener">the page</a>, read on ' in english
    spanish = (tmp_path / "site" / "es" / page).read_text()
    assert "El sitio web del centro dice: «Our admissions team helps Humana members with their benefits every week.»" \
        in spanish
