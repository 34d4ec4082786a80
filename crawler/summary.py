"""A finished crawl's Scrapy stats as the counts its summary shows."""

from facility.tally import Tally

# stats key prefix -> label in the summary
_COUNTED = (("downloader/exception_type_count/", "download error: "), ("retry/reason_count/", "retried: "),
            ("httperror/response_ignored_status_count/", "HTTP error: "), ("spider_exceptions/", "spider error: "),
            ("errors/", "error: "), ("sites/", "sites: "), ("pages/", "pages: "))


def crawl_summary(stats: dict) -> tuple[Tally, dict[str, object]]:
    """The records read, written and dropped (by reason), and every other count worth showing."""
    extracted = stats.get("item_scraped_count", 0) + stats.get("item_dropped_count", 0)
    counts: dict[str, object] = {
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("response_received_count", 0),
        "items extracted": extracted,
        "robots.txt blocked": stats.get("robotstxt/forbidden", 0),
        "repeated requests skipped": stats.get("dupefilter/filtered", 0),
    }
    tally = Tally(read=extracted, written=stats.get("records/written", 0))
    for key, value in sorted(stats.items()):
        for prefix, label in _COUNTED:
            if key.startswith(prefix):
                what = key[len(prefix):]
                if prefix.endswith(("type_count/", "exceptions/")):
                    what = what.rsplit(".", 1)[-1]  # keyed by dotted class path; the class name says it
                counts[label + what] = value
        if key.startswith("dropped/"):
            tally.dropped[key[len("dropped/"):]] = value
        elif key.startswith("notes/"):
            tally.notes[key[len("notes/"):]] = value
    return tally, counts
