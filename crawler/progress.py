"""A live line for long crawls: pages fetched, items, errors, rate (rich, on stderr)."""

import sys
import time

from rich.console import Console
from rich.live import Live
from scrapy import signals
from twisted.internet import task


class CrawlProgress:
    def __init__(self, crawler):
        self.stats = crawler.stats
        self.live = Live(console=Console(stderr=True), transient=not sys.stderr.isatty(), refresh_per_second=2)
        self.loop = task.LoopingCall(self.show)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def opened(self, spider=None):
        self.started = time.monotonic()
        self.live.start()
        self.loop.start(0.5)

    def show(self):
        stats = self.stats.get_stats()
        responses = stats.get("response_received_count", 0)
        errors = sum(value for key, value in stats.items() if key.startswith("errors/"))
        rate = responses / max(time.monotonic() - self.started, 1e-9)
        self.live.update(f"crawling: {responses:,} responses ({rate:,.0f}/s), "
                         f"{stats.get('item_scraped_count', 0):,} items, {errors:,} errors, "
                         f"{stats.get('robotstxt/forbidden', 0):,} blocked by robots.txt")

    def closed(self, spider=None):
        if self.loop.running:
            self.loop.stop()
        self.show()
        self.live.stop()
