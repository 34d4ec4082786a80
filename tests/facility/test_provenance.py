from datetime import date

from facility.merge import enrich, merge
from facility.provenance import by_source, sources_of, statement
from tests.facility.factories import RETRIEVED, make_facility, source
from tests.facility.test_merge import site_enrichment

DIRECTORY = source("samhsa-national-directory", RETRIEVED, edition="2022", as_of=date(2021, 3, 31))


def test_each_source_says_what_it_is_and_when_its_content_was_true():
    assert statement({**DIRECTORY, "as_of": "2021-03-31"}) == "Listed in SAMHSA's 2022 directory (survey of 2021)"
    assert statement(source("facility-website", RETRIEVED)) == "Read on the facility's website on 2026-01-15"
    assert statement(source("samhsa-findtreatment", RETRIEVED)) == \
        "Listed on SAMHSA's FindTreatment.gov locator, read on 2026-01-15"
    assert statement(source("other-list", RETRIEVED)) == "other-list, as of 2026-01-15"


def test_a_section_names_the_sources_of_its_own_fields_only():
    listed = make_facility(payment=["medicaid"], website="https://a.example.org", sources=[DIRECTORY])
    crawled = make_facility(payment=["private"], website=None, sources=[source("samhsa-findtreatment", RETRIEVED)])
    record = merge(listed, crawled).model_dump(mode="json")
    assert sources_of(record, ("payment",)) == [
        {"statement": "Listed on SAMHSA's FindTreatment.gov locator, read on 2026-01-15", "as_of": "2026-01-15"}]
    assert [s["as_of"] for s in sources_of(record, ("website", "payment"))] == ["2026-01-15", "2021-03-31"]
    assert sources_of(record, ("site",)) == []
    described = {s["name"]: s for s in by_source(record)}
    assert "website" in described["samhsa-national-directory"]["fields"]
    assert "payment" in described["samhsa-findtreatment"]["fields"]
    assert described["samhsa-national-directory"]["as_of"] == "2021-03-31"


def test_a_stored_record_names_each_fields_source_whichever_source_is_newest():
    listed = make_facility(website=None, telehealth=False, sources=[DIRECTORY])
    enriched = enrich(listed, site_enrichment(listed.id))  # the website is now the newest source
    record = enriched.model_dump(mode="json")
    assert "payment" in record["fields_by_source"]["samhsa-national-directory:2022"]
    described = {s["name"]: s["fields"] for s in by_source(record)}
    assert {"site", "website", "telehealth"} <= set(described["facility-website"])
    assert "name" in described["samhsa-national-directory"] and "site" not in described["samhsa-national-directory"]
    assert [s["statement"] for s in sources_of(record, ("site",))] == [
        "Read on the facility's website on 2026-02-14"]
