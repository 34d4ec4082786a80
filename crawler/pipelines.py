"""The one validation step for crawled items: clean them into records, drop and count the rest
by reason, and stage the records as JSON Lines (written whole: a partial file is renamed into
place only when the crawl closes)."""

import json
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from crawler.findtreatment_rows import facility_from_row
from crawler.rows import RowError
from crawler.site_facts import SiteReading
from crawler.site_schema import schema_facts
from crawler.site_scope import is_article
from crawler.site_text import read_page
from facility.model import Enrichment, Source
from facility.normalize import normalize_phone
from facility.tally import Tally
from facility.taxonomy import default_taxonomy

SITE_SOURCE = "facility-website"


class FacilityPipeline:
    def __init__(self, out: str, stats):
        self.out = Path(out)
        self.partial = self.out.with_name(self.out.name + ".partial")
        self.stats = stats
        self.tally = Tally()
        self.taxonomy = default_taxonomy()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings["FACILITY_OUT"], crawler.stats)

    def open_spider(self, spider=None):
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.partial, "w", encoding="utf-8")

    def process_item(self, item, spider=None):
        try:
            record = facility_from_row(item["row"], item["url"], datetime.fromisoformat(item["retrieved_at"]),
                                       self.taxonomy, self.tally)
        except RowError as error:
            self.stats.inc_value(f"dropped/{error}")
            return item
        except ValidationError as error:
            first = error.errors()[0]
            self.stats.inc_value(f"dropped/invalid {'.'.join(map(str, first['loc']))}")
            return item
        self.handle.write(record.model_dump_json() + "\n")
        self.stats.inc_value("records/written")
        return item

    def close_spider(self, spider=None):
        self.handle.close()
        self.partial.replace(self.out)
        for what, count in self.tally.notes.items():
            self.stats.inc_value(f"notes/{what}", count)


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
            phone = normalize_phone(link.removeprefix("tel:"))
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
    site to a listed facility: matched ones become Enrichment records in the output, the rest
    are reported (with the reason) in FILE.unmatched.ndjson."""

    def __init__(self, out: str, matcher, stats):
        self.out = Path(out)
        self.unmatched = unmatched_path(self.out)
        self.matcher, self.stats = matcher, stats
        self.sites: dict[str, SiteReading] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings["FACILITY_OUT"], crawler.settings["SITE_MATCHER"], crawler.stats)

    def process_item(self, item, spider=None):
        scripts = []
        for script in item["jsonld"]:
            try:
                scripts.append(json.loads(script))
            except ValueError:
                self.stats.inc_value("errors/JSON-LD not valid JSON")
        schema = schema_facts({"json-ld": scripts, "microdata": _uniform_microdata(item["microdata"])})
        for problem in schema.problems:
            self.stats.inc_value(f"errors/{problem}")
        reading = self.sites.setdefault(item["start"], SiteReading(url=item["start"]))
        findings = None
        if is_article(item["url"], schema.types, item["byline"], item["text"]):
            self.stats.inc_value("pages/articles (no facts taken)")
        else:
            findings = read_page(item["text"])
        reading.add_page(item["url"], datetime.fromisoformat(item["retrieved_at"]), findings,
                         schema, _phones(item["tel"]))
        self.stats.inc_value("pages/read")
        return {"url": item["url"]}  # the page's text is not kept past this point

    def close_spider(self, spider=None):
        self.out.parent.mkdir(parents=True, exist_ok=True)
        partial = self.out.with_name(self.out.name + ".partial")
        with open(partial, "w", encoding="utf-8") as matched, \
                open(self.unmatched, "w", encoding="utf-8") as unmatched:
            for start, reading in self.sites.items():
                try:
                    facts = reading.facts(state=None)
                    found = self.matcher.match(start, facts)
                    if not isinstance(found, str):
                        facts = reading.facts(state=self.matcher.states[found[0]])
                    elif facts.address:
                        facts = reading.facts(state=facts.address.state)
                except ValidationError as error:  # one site's odd findings never cost the others
                    first = error.errors()[0]
                    self.stats.inc_value(f"sites/dropped: invalid {'.'.join(map(str, first['loc']))}")
                    continue
                if isinstance(found, str):
                    self.stats.inc_value(f"sites/unmatched: {found}")
                    unmatched.write(json.dumps({"url": start, "reason": found,
                                                "site": facts.model_dump(mode="json")}) + "\n")
                    continue
                facility_id, how = found
                enrichment = Enrichment(facility_id=facility_id, matched_by=how, site=facts,
                                        source=Source(name=SITE_SOURCE, url=start, retrieved_at=facts.retrieved_at,
                                                      as_of=facts.retrieved_at.date()))
                matched.write(enrichment.model_dump_json() + "\n")
                self.stats.inc_value("records/written")
                self.stats.inc_value(f"sites/matched by {how}")
        partial.replace(self.out)
        self.stats.set_value("sites/with a page read", len(self.sites))
