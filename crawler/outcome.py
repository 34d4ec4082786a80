"""Whether a crawl went well. Each request a spider makes ends in an answer its callback reads or in
a failure its errback counts (by kind; a request robots.txt forbids is neither). A crawl fails when
it closes early (its time or error limit, CLOSESPIDER_TIMEOUT and CLOSESPIDER_ERRORCOUNT, or a
shutdown), or when the share of its finished requests that failed passes MAX_FAILURE_SHARE. The
pipelines stage what a crawl found only when it did not fail: otherwise the previous files stay."""

from collections.abc import Callable

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.closespider import CloseSpider
from scrapy.spidermiddlewares.httperror import HttpError

# The stats the failure share is made of: requests that ended in an error (their callback never ran),
# answers that reached their callback, and answers it could not read.
FAILED, ANSWERED, UNREADABLE = "requests/failed", "requests/answered", "requests/answer unreadable"
PASSED = "crawl/passed"  # set as the crawl closes, before the pipelines stage (or not) what it found
request_failed = object()  # a signal: one request failed (CLOSESPIDER_ERRORCOUNT counts it)

_CLOSED_EARLY = {"closespider_timeout": "its time limit ran out (CLOSESPIDER_TIMEOUT)",
                 "closespider_errorcount": "it reached its error limit (CLOSESPIDER_ERRORCOUNT)",
                 "shutdown": "it was shut down"}


def failure_kind(failure) -> str | None:
    """What went wrong with a request, in words; None for a request robots.txt forbids (Scrapy counts
    those as robotstxt/forbidden)."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"HTTP {error.response.status}"
    if isinstance(error, IgnoreRequest):  # Scrapy's own (robots.txt, redirect limit) say why in words only
        message = str(error)
        if "robots.txt" in message:
            return None
        return "redirect loop" if "redirections" in message else "ignored"
    return {"DownloadCancelledError": "response too large", "DownloadTimeoutError": "timeout",
            "TimeoutError": "timeout", "DownloadConnectionRefusedError": "connection refused",
            "ConnectionRefusedError": "connection refused"}.get(type(error).__name__, type(error).__name__)


def _count_failed(crawler, key: str, failure=None) -> None:
    crawler.stats.inc_value(key)
    crawler.signals.send_catch_log(signal=request_failed, failure=failure, response=None, spider=crawler.spider)


def count_failure(crawler, failure, kind: str | None) -> None:
    """An errback's failure (after the request's retries), counted under `errors/<kind>` (failure_kind,
    or the spider's own word)."""
    if kind is None:
        return
    crawler.stats.inc_value(f"errors/{kind}")
    _count_failed(crawler, FAILED, failure)


def count_unreadable(crawler) -> None:
    """An answer its callback could not read: a failed request too."""
    _count_failed(crawler, UNREADABLE)


class AnsweredRequests:
    """Spider middleware, after HttpErrorMiddleware: counts the answers that reach a callback."""

    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_spider_input(self, response) -> None:
        self.stats.inc_value(ANSWERED)


class CrawlLimits(CloseSpider):
    """Scrapy's CloseSpider, with failed requests counting toward CLOSESPIDER_ERRORCOUNT as spider
    exceptions do: a crawl whose source is down stops instead of timing out page after page."""

    def __init__(self, crawler):
        super().__init__(crawler)
        if self.close_on.get("errorcount"):
            crawler.signals.connect(self.error_count, signal=request_failed)


def requests_failed(stats: dict) -> tuple[int, int]:
    """(requests failed, requests finished: answered or failed)."""
    errors = stats.get(FAILED, 0)
    return errors + stats.get(UNREADABLE, 0), errors + stats.get(ANSWERED, 0)


def closed_early(reason: str | None) -> str | None:
    """Why a crawl Scrapy closed for `reason` (its finish_reason; None: it never ran) stopped before
    its work was done, or None."""
    if reason == "finished":
        return None
    if reason is None:
        return "the crawl did not run (see the errors above)"
    return f"the crawl closed early, {reason}: {_CLOSED_EARLY.get(reason, 'before its work was done')}"


def crawl_passed(stats: dict, reason: str, threshold: float) -> bool:
    failed, finished = requests_failed(stats)
    return closed_early(reason) is None and (failed / finished if finished else 0.0) <= threshold


def when_closed(crawler, then: Callable[[bool], None]) -> None:
    """Call `then(passed)` once the crawl has closed, `passed` saying whether it went well."""
    threshold = crawler.settings.getfloat("MAX_FAILURE_SHARE")

    def closed(reason: str) -> None:
        passed = crawl_passed(crawler.stats.get_stats(), reason, threshold)
        crawler.stats.set_value(PASSED, passed)
        then(passed)

    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)
