"""A finished crawl's Scrapy stats as the counts its summary and stats file show."""

from dataclasses import dataclass, field

from crawler.outcome import requests_failed
from facility.tally import Tally

# stats key prefix -> label in the summary; the first four are errors
_COUNTED = (("downloader/exception_type_count/", "download error: "),
            ("httperror/response_ignored_status_count/", "HTTP error: "), ("spider_exceptions/", "spider error: "),
            ("errors/", "error: "), ("retry/reason_count/", "retried: "), ("sites/", "sites: "), ("pages/", "pages: "),
            ("not stated/", "not stated: "))
_ERRORS = {prefix for prefix, _ in _COUNTED[:4]}


@dataclass
class CrawlSummary:
    tally: Tally
    errors: dict[str, int] = field(default_factory=dict)  # by kind, each kind labelled by where it was counted
    counts: dict[str, object] = field(default_factory=dict)


def crawl_summary(stats: dict) -> CrawlSummary:
    """The records read, written and dropped (by reason), the errors by kind, and every other count
    worth showing."""
    extracted = stats.get("item_scraped_count", 0) + stats.get("item_dropped_count", 0)
    failed, finished = requests_failed(stats)
    summary = CrawlSummary(Tally(read=extracted, written=stats.get("records/written", 0)), counts={
        "closed because": stats.get("finish_reason"),
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("response_received_count", 0),
        "requests finished (answered or failed)": finished,
        "requests failed": failed,
        "items extracted": extracted,
        "robots.txt blocked": stats.get("robotstxt/forbidden", 0),
        "repeated requests skipped": stats.get("dupefilter/filtered", 0),
    })
    for key, value in sorted(stats.items()):
        for prefix, label in _COUNTED:
            if key.startswith(prefix):
                what = key[len(prefix):]
                if prefix.endswith(("type_count/", "exceptions/")):
                    what = what.rsplit(".", 1)[-1]  # keyed by dotted class path; the class name says it
                (summary.errors if prefix in _ERRORS else summary.counts)[label + what] = value
        if key.startswith("dropped/"):
            summary.tally.dropped[key[len("dropped/"):]] = value
        elif key.startswith("notes/"):
            summary.tally.notes[key[len("notes/"):]] = value
    return summary
