"""Facility websites: the sitemap first, else links from the start page; on the site's own host,
to a bounded depth and number of pages. Extracts only: visible text, JSON-LD scripts, microdata,
tel: links. The site pipeline cleans, reads and matches them."""

import re
from datetime import datetime, timezone
from urllib.parse import urldefrag, urljoin

import html_text
import scrapy
from extruct.w3cmicrodata import MicrodataExtractor
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap

from crawler.site_keys import site_key, site_root
from facility import defaults

# Pages likelier to describe the program, its schedule and what it accepts are read first.
_USEFUL = re.compile(r"iop|intensive|outpatient|program|service|treatment|insurance|payment|admission|"
                     r"schedule|hours|telehealth|virtual|contact|about|location", re.I)
_SKIPPED_EXTENSIONS = tuple(f".{extension}" for extension in IGNORED_EXTENSIONS)


def _priority(url: str) -> int:
    return 10 if _USEFUL.search(url) else 0


class FacilitySiteSpider(scrapy.Spider):
    name = "facility_site"

    def __init__(self, urls: list[str], max_pages: int = defaults.SITE_MAX_PAGES, **kwargs):
        super().__init__(**kwargs)
        self.urls, self.max_pages = urls, max_pages
        self.requested: dict[str, set[str]] = {}  # site -> pages requested so far (at most max_pages)
        self.microdata = MicrodataExtractor()

    async def start(self):
        for url in self.urls:
            site = site_key(url)
            if site is None or site in self.requested:
                self.crawler.stats.inc_value("sites/skipped: not a web address or a repeat")
                continue
            self.requested[site] = set()
            self.crawler.stats.inc_value("sites/started")
            yield scrapy.Request(urljoin(site_root(url), "/sitemap.xml"), callback=self.parse_sitemap,
                                 errback=self.no_sitemap, meta={"site": site, "start": url},
                                 dont_filter=True)

    def page(self, url: str, site: str, start: str, **meta) -> scrapy.Request | None:
        url = urldefrag(url)[0]
        requested = self.requested[site]
        if site_key(url) != site or url.lower().endswith(_SKIPPED_EXTENSIONS) or url in requested:
            return None
        if len(requested) >= self.max_pages:
            self.crawler.stats.inc_value("pages/not read: page cap of the site reached")
            return None
        requested.add(url)
        return scrapy.Request(url, callback=self.parse_page, errback=self.failed, priority=_priority(url),
                              meta={"site": site, "start": start, **meta})

    def _start_page(self, site: str, start: str):
        request = self.page(start, site, start)
        return [request] if request else []

    def parse_sitemap(self, response):
        site, start = response.meta["site"], response.meta["start"]
        try:
            sitemap = Sitemap(response.body)
            urls = [entry["loc"] for entry in sitemap if "loc" in entry]
        except Exception:  # lxml raises several kinds on a page that is not a sitemap
            urls = []
        if not urls:
            self.crawler.stats.inc_value("sites/without a usable sitemap")
            yield from self._start_page(site, start)
            return
        if sitemap.type == "sitemapindex":
            for url in urls[:5]:
                if site_key(url) == site:
                    yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.failed,
                                         meta={"site": site, "start": start})
            return
        self.crawler.stats.inc_value("sites/read from a sitemap")
        yield from self._start_page(site, start)
        for url in sorted(urls, key=_priority, reverse=True):
            if (request := self.page(url, site, start, from_sitemap=True)) is not None:
                yield request

    def no_sitemap(self, failure):
        self.crawler.stats.inc_value("sites/without a usable sitemap")
        meta = failure.request.meta
        yield from self._start_page(meta["site"], meta["start"])

    def parse_page(self, response):
        if not isinstance(response, HtmlResponse):
            self.crawler.stats.inc_value("errors/not an HTML page (content type)")
            return
        site, start = response.meta["site"], response.meta["start"]
        root = response.selector.root
        try:
            microdata = self.microdata.extract_items(root, response.url)
        except Exception:  # extruct on hostile markup
            self.crawler.stats.inc_value("errors/microdata unreadable")
            microdata = []
        try:
            text = html_text.extract_text(root)
        except ValueError:  # lxml refuses control characters when it rebuilds the tree
            self.crawler.stats.inc_value("errors/page text read without layout (control characters)")
            text = " ".join(response.xpath("//body//text()[not(ancestor::script or ancestor::style)]").getall())
        yield {
            "site": site,
            "start": start,
            "url": response.url,
            "retrieved_at": datetime.now(timezone.utc).isoformat(),
            "text": text,
            "jsonld": response.xpath('//script[@type="application/ld+json"]/text()').getall(),
            "microdata": microdata,
            "tel": response.css('a[href^="tel:"]::attr(href)').getall(),
        }
        if response.meta.get("from_sitemap"):
            return  # the sitemap already listed the site's pages
        for href in response.css("a::attr(href)").getall():
            request = self.page(urljoin(response.url, href), site, start)
            if request is not None:
                yield request

    def failed(self, failure):
        error = failure.value
        if isinstance(error, HttpError):
            kind = f"HTTP {error.response.status}"
        elif isinstance(error, IgnoreRequest):
            message = str(error)
            if "robots.txt" in message:
                return  # counted by Scrapy as robotstxt/forbidden
            kind = "redirect loop" if "redirections" in message else \
                "left the site (redirect to another host)" if " is not on " in message else "ignored"
        else:
            kind = {"DownloadCancelledError": "response too large", "DownloadTimeoutError": "timeout",
                    "TimeoutError": "timeout"}.get(type(error).__name__, type(error).__name__)
        self.crawler.stats.inc_value(f"errors/{kind}")
