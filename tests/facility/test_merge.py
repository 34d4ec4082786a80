from datetime import date, timedelta

import pytest

from facility.merge import enrich, merge
from facility.model import Enrichment, SiteFacts, Source
from tests.facility.factories import RETRIEVED, make_facility, source


def test_fresher_record_wins_and_sources_are_united():
    older = make_facility(website="https://old.example.org", payment=["medicaid", "medicare"])
    newer = make_facility(
        website=None, payment=["private"], location={"lat": 38.1, "lon": -78.4}, location_precision="zip",
        sources=[source("findtreatment", RETRIEVED + timedelta(days=30), record_id="abc")],
        updated_at=RETRIEVED + timedelta(days=30))
    merged = merge(older, newer)
    assert merged.payment == ["private"]
    assert merged.website == "https://old.example.org"  # the newer record had none
    assert merged.location_precision == "address" and merged.location.lat == 38.03  # better precision kept
    assert [s.name for s in merged.sources] == ["findtreatment", "test"]
    assert merged.updated_at == RETRIEVED + timedelta(days=30)
    assert merge(newer, older) == merged


def test_identical_records_merge_into_one_source_list():
    record = make_facility()
    assert merge(record, record).sources == record.sources


def test_different_facilities_do_not_merge():
    with pytest.raises(ValueError, match="cannot merge different facilities"):
        merge(make_facility(), make_facility(name="Other"))


LATER = RETRIEVED + timedelta(days=30)


def site_enrichment(facility_id, telehealth=True, when=LATER, url="https://harbor.example.org/"):
    return Enrichment(
        facility_id=facility_id, matched_by="domain",
        site=SiteFacts(url=url, pages=3, offers_iop=True, telehealth=telehealth, evening=True,
                       schedules=[{"days": ["mon", "wed"], "starts": "18:00", "ends": "21:00", "evening": True}],
                       insurance_carriers=["Aetna"], retrieved_at=when,
                       evidence=[{"field": "telehealth", "value": str(telehealth), "url": url, "read_on": when.date(),
                                  "sentence": "Virtual IOP sessions are available."}]),
        source=Source(name="facility-website", url=url, retrieved_at=when, as_of=when.date()))


def test_a_single_source_record_attributes_every_field_to_it():
    record = make_facility(website="https://a.example.org")
    assert record.field_sources()["name"] == record.field_sources()["website"] == "test"
    assert "name2" not in record.field_sources()  # empty fields come from nowhere
    assert record.fields_by_source == {}  # the record stores nothing the newest source does not say
    assert record.verified_on == RETRIEVED.date()


def test_merge_keeps_each_fields_source():
    older = make_facility(website="https://old.example.org", payment=["medicaid"],
                          sources=[source("samhsa-national-directory", RETRIEVED, edition="2022")])
    newer = make_facility(website=None, payment=["private"], location_precision="zip",
                          sources=[source("samhsa-findtreatment", LATER, record_id="x")],
                          updated_at=LATER)
    merged = merge(older, newer)
    assert merged.field_sources()["payment"] == "samhsa-findtreatment"
    assert merged.field_sources()["website"] == "samhsa-national-directory:2022"
    assert merged.field_sources()["location"] == "samhsa-national-directory:2022"  # better precision kept
    # stored: only what the older source gave
    assert merged.fields_by_source == {"samhsa-national-directory:2022": ["website", "location", "location_precision"]}
    assert merged.verified_on == LATER.date()
    # merging again with a third record keeps the attributions already made
    third = make_facility(website=None, payment=[], levels_of_care=["php"], sources=[
        source("samhsa-findtreatment", LATER + timedelta(days=1), record_id="y")],
        updated_at=LATER)
    again = merge(merged, third)
    assert again.field_sources()["website"] == "samhsa-national-directory:2022"
    assert again.field_sources()["payment"] == "samhsa-findtreatment" and again.payment == ["private"]
    assert again.levels_of_care == ["php"]


def test_a_website_adds_site_facts_but_never_overrides_a_listing():
    record = make_facility(website="https://listed.example.org", telehealth=False)
    enriched = enrich(record, site_enrichment(record.id))
    assert enriched.site.schedules[0].days == ["mon", "wed"] and enriched.site.insurance_carriers == ["Aetna"]
    assert enriched.website == "https://listed.example.org" and enriched.field_sources()["website"] == "test"
    assert enriched.telehealth is True and enriched.field_sources()["telehealth"] == "facility-website"
    assert enriched.field_sources()["site"] == "facility-website"
    assert enriched.payment == record.payment and enriched.field_sources()["payment"] == "test"
    assert enriched.updated_at == LATER and enriched.verified_on == LATER.date()
    assert [s.name for s in enriched.sources] == ["test", "facility-website"]


def test_a_website_fills_an_empty_website_and_the_fresher_crawl_wins():
    record = make_facility(website=None)
    first = enrich(record, site_enrichment(record.id, telehealth=None))
    assert first.website == "https://harbor.example.org/" and first.field_sources()["website"] == "facility-website"
    assert first.telehealth is False  # the site said nothing either way
    stale = enrich(first, site_enrichment(record.id, when=RETRIEVED, url="https://harbor.example.org/old"))
    assert stale.site.url == "https://harbor.example.org/"


def test_freshness_is_the_date_a_source_describes_not_the_day_it_was_read():
    # The 2022 directory (survey of 2021) imported after a crawl still loses to the crawl.
    crawled = make_facility(payment=["private"], sources=[source("samhsa-findtreatment", RETRIEVED)])
    imported_later = make_facility(payment=["medicaid"], updated_at=LATER, sources=[
        source("samhsa-national-directory", LATER, edition="2022", as_of=date(2021, 3, 31))])
    assert imported_later.verified_on == date(2021, 3, 31)
    merged = merge(crawled, imported_later)
    assert merged.payment == ["private"] and merged.field_sources()["payment"] == "samhsa-findtreatment"
    assert merged.verified_on == RETRIEVED.date() and merged.updated_at == LATER


def test_enrichment_for_another_facility_is_refused():
    with pytest.raises(ValueError, match="cannot apply"):
        enrich(make_facility(), site_enrichment("0" * 16))
