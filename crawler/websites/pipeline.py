"""The one validation step of a website crawl: pages read, sites added up, matched and staged."""

import json
from urllib.parse import urlsplit
from pathlib import Path

from pydantic import ValidationError
from scrapy.exceptions import NotConfigured

from crawler.outcome import when_closed
from crawler.websites.facts import SiteReading
from crawler.websites.items import PageRead, SitePage
from crawler.websites.listed import listed_facilities
from crawler.websites.match import FacilityMatcher
from crawler.websites.schema import schema_facts, site_phone
from crawler.websites.evidence import published
from crawler.websites.scope import SILENT_KINDS, page_kind
from crawler.websites.text import carrier_names, read_page
from facility.model import Enrichment, Source
from facility.provenance import WEBSITE
from facility.staging import StagedWriter, drop_reason
from facility.tally import Tally



def _uniform_microdata(value):
    """extruct's microdata items ({"type", "properties"}) in JSON-LD's shape ({"@type", ...})."""
    if isinstance(value, list):
        return [_uniform_microdata(item) for item in value]
    if isinstance(value, dict) and "properties" in value:
        return {"@type": value.get("type"), **{key: _uniform_microdata(item)
                                               for key, item in value["properties"].items()}}
    return value


def _phones(links: list[str]) -> list[str]:
    found = []
    for link in links:
        try:
            phone = site_phone(link.removeprefix("tel:"))
        except ValueError:
            continue
        if phone:
            found.append(phone[0])
    return found


def unmatched_path(out: Path) -> Path:
    # Not .jsonl: a glob of staged files for the indexer must not pick the report up.
    return out.with_name(out.name.removesuffix(".jsonl") + ".unmatched.ndjson")


class SitePipeline:
    """Reads each page of a facility website, adds it up per site, and at the end matches each
    site to a listed facility (those the settings name, see crawler.websites.listed): matched ones
    become Enrichment records staged in FACILITY_OUT, the rest are reported (with the reason) in
    FILE.unmatched.ndjson. A crawl that went badly (crawler.outcome) leaves both files as they were."""

    def __init__(self, out: str, matcher: FacilityMatcher, stats):
        self.out = Path(out)
        self.unmatched = unmatched_path(self.out)
        self.matcher, self.stats = matcher, stats
        self.sites: dict[str, SiteReading] = {}

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.get("FACILITY_OUT"):
            raise NotConfigured("FACILITY_OUT names no file to stage the matched sites in")
        skipped = Tally()
        matcher = FacilityMatcher(listed_facilities(settings, skipped))
        for reason, count in skipped.dropped.items():
            crawler.stats.inc_value(f"errors/listed facilities skipped: {reason}", count)
        pipeline = cls(settings["FACILITY_OUT"], matcher, crawler.stats)
        when_closed(crawler, pipeline.stage)
        return pipeline

    def process_item(self, item: SitePage, spider=None) -> PageRead:
        scripts = []
        for script in item.jsonld:
            try:
                scripts.append(json.loads(script))
            except ValueError:
                self.stats.inc_value("errors/JSON-LD not valid JSON")
        schema = schema_facts({"json-ld": scripts, "microdata": _uniform_microdata(item.microdata)})
        for problem in schema.problems:
            self.stats.inc_value(f"errors/{problem}")
        reading = self.sites.setdefault(item.start, SiteReading(url=item.start))
        findings = None
        kind = page_kind(item.url, schema.types, item.byline, item.text, carrier_names())
        if kind in SILENT_KINDS:
            self.stats.inc_value(f"not stated/pages: {kind}")
        else:
            findings = read_page(item.text, kind, urlsplit(item.url).hostname or "")
            self._count_abstentions(findings)
        reading.add_page(item.url, item.retrieved_at, findings, schema, _phones(item.tel))
        self.stats.inc_value("pages/read")
        return PageRead(url=item.url)  # the page's text is not kept past this point

    def _count_abstentions(self, findings) -> None:
        """What the page had to say that is not stated as a fact, by reason."""
        for reason, count in findings.abstained.items():
            self.stats.inc_value(f"not stated/statements: {reason}", count)
        for found in (findings.schedules, findings.hours_per_week, findings.carriers, findings.medicaid_plans,
                      findings.telehealth):
            for finding in found:
                if not published(finding.basis):
                    self.stats.inc_value(f"not stated/quoted only: {finding.basis}")

    def stage(self, passed: bool) -> None:
        self.stats.set_value("sites/with a page read", len(self.sites))
        if not passed:
            return
        tally = Tally()
        with StagedWriter(self.out, tally) as matched, open(self.unmatched, "w", encoding="utf-8") as unmatched:
            for start, reading in self.sites.items():
                try:
                    facts = reading.facts(state=None)
                    found = self.matcher.match(start, facts)
                    if not isinstance(found, str):
                        facts = reading.facts(state=self.matcher.states[found[0]])
                    elif facts.address:
                        facts = reading.facts(state=facts.address.state)
                except ValidationError as error:  # one site's odd findings never cost the others
                    self.stats.inc_value(f"sites/dropped: {drop_reason(error)}")
                    continue
                if isinstance(found, str):
                    self.stats.inc_value(f"sites/unmatched: {found}")
                    unmatched.write(json.dumps({"url": start, "reason": found,
                                                "site": facts.model_dump(mode="json")}) + "\n")
                    continue
                facility_id, how = found
                matched.write(Enrichment(facility_id=facility_id, matched_by=how, site=facts,
                                         source=Source(name=WEBSITE, url=start, retrieved_at=facts.retrieved_at,
                                                       as_of=facts.retrieved_at.date())))
                self.stats.inc_value(f"sites/matched by {how}")
        self.stats.set_value("records/written", tally.written)
