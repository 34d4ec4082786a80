"""The one validation step of a FindTreatment crawl: each row cleaned into a Facility record, the
rest dropped and counted by reason. A row of a facility already read (its other type of care, or
the same row on another page or in another search) is united with that facility's record.

Records go on as items in their staged JSON form (what `scrapy crawl findtreatment -o FILE.jsonl`
writes: a facility again each time a later row adds to it, its last line whole) and, when
FACILITY_OUT names a file, are staged there once each, the file written whole when the crawl
closes, if it went well (crawler.outcome)."""

from pathlib import Path

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from crawler.findtreatment.items import ListingRow
from crawler.findtreatment.rows import facility_from_row, united
from crawler.outcome import when_closed
from crawler.rows import RowError
from facility.model import Facility
from facility.staging import StagedWriter, drop_reason
from facility.tally import Tally
from facility.taxonomy import default_taxonomy


class FacilityPipeline:
    def __init__(self, out: str | None, stats):
        self.out = Path(out) if out else None
        self.stats = stats
        self.tally = Tally()
        self.taxonomy = default_taxonomy()
        self.records: dict[str, Facility] = {}  # by id, in the order first read

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.get("FACILITY_OUT"), crawler.stats)
        when_closed(crawler, pipeline.stage)
        return pipeline

    def open_spider(self, spider=None):
        self.staged = StagedWriter(self.out, self.tally) if self.out else None

    def process_item(self, item: ListingRow, spider=None) -> dict:
        try:
            record = facility_from_row(item.row, item.url, item.retrieved_at, self.taxonomy, self.tally)
        except RowError as error:
            reason = str(error)
        except ValidationError as error:
            reason = drop_reason(error)
        else:
            if kept := self.records.get(record.id):
                record = united(kept, record, self.taxonomy)
                self.tally.note("rows merged into an earlier row of the same facility")
            self.records[record.id] = record
            return record.model_dump(mode="json")
        self.stats.inc_value(f"dropped/{reason}")
        raise DropItem(reason, log_level="DEBUG")  # counted by reason above; a log line each is noise

    def close_spider(self, spider=None):
        for what, count in self.tally.notes.items():
            self.stats.inc_value(f"notes/{what}", count)

    def stage(self, passed: bool) -> None:
        if not self.staged:
            return
        if passed:
            for record in self.records.values():
                self.staged.write(record)
            self.staged.commit()
            self.stats.set_value("records/written", self.tally.written)
        else:
            self.staged.discard()
