"""The one validation step for crawled items: clean into Facility records, drop and count the
rest by reason, and stage the records as JSON Lines (written whole: a partial file is renamed
into place only when the crawl closes)."""

from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from crawler.findtreatment_rows import facility_from_row
from crawler.rows import RowError
from facility.tally import Tally
from facility.taxonomy import default_taxonomy


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
        self.stats.inc_value("facilities/written")
        return item

    def close_spider(self, spider=None):
        self.handle.close()
        self.partial.replace(self.out)
        for what, count in self.tally.notes.items():
            self.stats.inc_value(f"notes/{what}", count)
