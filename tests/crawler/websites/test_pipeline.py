import json
from datetime import datetime, timezone

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.websites.items import SitePage
from crawler.websites.match import FacilityMatcher, Listed
from crawler.websites.pipeline import SitePipeline, unmatched_path
from crawler.websites.spider import FacilitySiteSpider
from tests.facility.factories import make_facility

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


def page(start, url, text="", jsonld=(), tel=()):
    return SitePage(site=start, start=start, url=url, retrieved_at=NOW, text=text, jsonld=list(jsonld),
                    microdata=[], tel=list(tel), byline=None)


def test_one_bad_site_never_costs_the_others(tmp_path):
    out = tmp_path / "sites.jsonl"
    crawler = get_crawler(FacilitySiteSpider)
    matcher = FacilityMatcher([Listed("a" * 16, "https://good.example.org/", (), None, "22902"),
                               Listed("b" * 16, "https://odd.example.org/", (), None, "22902")])
    pipeline = SitePipeline(str(out), matcher, crawler.stats)
    pipeline.process_item(page("https://good.example.org/", "https://good.example.org/iop",
                               "Our IOP meets Monday and Wednesday, 6-9 pm. We accept Cigna."))
    pipeline.process_item(page("https://odd.example.org/", "https://odd.example.org/",
                               jsonld=['{"@type": "MedicalClinic", "telephone": "not a phone"}', "{oops"]))
    # a start URL that is no web address gets findings that cannot be valid SiteFacts
    pipeline.process_item(page("odd start", "https://odd.example.org/x", "Intensive outpatient program."))
    pipeline.stage(passed=True)
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["facility_id"] for e in written] == ["a" * 16, "b" * 16]
    assert written[0]["site"]["insurance_carriers"] == ["Cigna"] and written[0]["site"]["evening"] is True
    stats = crawler.stats.get_stats()
    assert stats["sites/dropped: invalid url: String should match pattern '^https?://\\S+$'"] == 1
    assert stats["errors/JSON-LD not valid JSON"] == 1 and stats["errors/schema.org telephone is not a US number"] == 1
    assert stats["pages/read"] == 3 and unmatched_path(out).read_text() == ""


def test_the_matcher_is_built_from_the_staged_facilities_the_settings_name(tmp_path):
    staged = tmp_path / "facilities.jsonl"
    staged.write_text(make_facility(website="https://blueridge.example.org/").model_dump_json() + "\n{oops\n")
    settings = {"SITE_FACILITIES": str(staged), "FACILITY_OUT": str(tmp_path / "sites.jsonl")}
    crawler = get_crawler(FacilitySiteSpider, settings)
    pipeline = SitePipeline.from_crawler(crawler)
    assert pipeline.matcher.websites == ["https://blueridge.example.org/"]
    assert crawler.stats.get_value("errors/listed facilities skipped: not valid JSON") == 1
    with pytest.raises(NotConfigured):
        SitePipeline.from_crawler(get_crawler(FacilitySiteSpider, {"SITE_FACILITIES": str(staged)}))
