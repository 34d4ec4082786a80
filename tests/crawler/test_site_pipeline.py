import json
from datetime import datetime, timezone

from scrapy.utils.test import get_crawler

from crawler.pipelines import SitePipeline, unmatched_path
from crawler.site_match import FacilityMatcher, Listed
from crawler.spiders.facility_site import FacilitySiteSpider

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc).isoformat()


def page(start, url, text="", jsonld=(), tel=()):
    return {"site": start, "start": start, "url": url, "retrieved_at": NOW, "text": text,
            "jsonld": list(jsonld), "microdata": [], "tel": list(tel), "byline": None}


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
    pipeline.close_spider()
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [e["facility_id"] for e in written] == ["a" * 16, "b" * 16]
    assert written[0]["site"]["insurance_carriers"] == ["Cigna"] and written[0]["site"]["evening"] is True
    stats = crawler.stats.get_stats()
    assert stats["sites/dropped: invalid url"] == 1
    assert stats["errors/JSON-LD not valid JSON"] == 1 and stats["errors/schema.org telephone is not a US number"] == 1
    assert stats["pages/read"] == 3 and unmatched_path(out).read_text() == ""
