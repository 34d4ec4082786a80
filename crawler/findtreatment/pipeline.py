"""The one validation step of a FindTreatment crawl: each row cleaned into a Facility record, the
rest dropped and counted by reason. Records go on as items in their staged JSON form (what
`scrapy crawl findtreatment -o FILE.jsonl` writes) and, when FACILITY_OUT names a file, are
staged there, the file written whole when the crawl closes, if it went well (crawler.outcome)."""

from pathlib import Path

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from crawler.findtreatment.items import ListingRow
from crawler.findtreatment.rows import facility_from_row
from crawler.outcome import when_closed
from crawler.rows import RowError
from facility.staging import StagedWriter, drop_reason
from facility.tally import Tally
from facility.taxonomy import default_taxonomy


class FacilityPipeline:
    def __init__(self, out: str | None, stats):
        self.out = Path(out) if out else None
        self.stats = stats
        self.tally = Tally()
        self.taxonomy = default_taxonomy()

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
            if self.staged:
                self.staged.write(record)
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
            self.staged.commit()
            self.stats.set_value("records/written", self.tally.written)
        else:
            self.staged.discard()
