"""Facility websites: the sitemap first (/sitemap.xml, else those robots.txt declares), else links
from the start page; on the site's own host, to a bounded depth and number of pages. Extracts
only: visible text, JSON-LD scripts, microdata, tel: links. The site pipeline cleans, reads and
matches them."""

import re
from datetime import datetime, timezone
from urllib.parse import urldefrag, urljoin

import html_text
import scrapy
from extruct.w3cmicrodata import MicrodataExtractor
from scrapy.http import HtmlResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.outcome import count_failure, failure_kind
from crawler.websites.items import SitePage
from crawler.websites.keys import site_key, site_root
from crawler.websites.middleware import LeftSite
from facility import defaults

# Pages likelier to describe the program, its schedule and what it accepts are read first.
_USEFUL = re.compile(r"iop|intensive|outpatient|program|service|treatment|insurance|payment|admission|"
                     r"schedule|hours|telehealth|virtual|contact|about|location", re.I)
_SKIPPED_EXTENSIONS = tuple(f".{extension}" for extension in IGNORED_EXTENSIONS)


def _byline(response) -> str | None:
    """An author line, or the Open Graph mark of an article: the signs of a post, not a program page."""
    if response.xpath('//meta[@property="og:type"]/@content').get("").strip().lower() == "article":
        return "og:type article"
    author = response.xpath('//*[@rel="author" or @itemprop="author" or contains(concat(" ", normalize-space(@class), '
                            '" "), " byline ")]//text()').getall()
    return " ".join(" ".join(author).split()) or None


def _priority(url: str) -> int:
    return 10 if _USEFUL.search(url) else 0


class FacilitySiteSpider(scrapy.Spider):
    """`scrapy crawl facility_site -a urls=https://a.example/,https://b.example/` with the settings
    SITE_FACILITIES (staged facilities to match the sites to) and FACILITY_OUT (where to stage what
    they say)."""

    name = "facility_site"
    custom_settings = {
        "ITEM_PIPELINES": {"crawler.websites.pipeline.SitePipeline": 300},
        # A page yields one item; Scrapy starts this many item tasks per response (default 100).
        "CONCURRENT_ITEMS": 4,
        # Public pages need no session, and a cookie jar per site costs every request its upkeep (Scrapy's advice
        # for broad crawls); nor does a directory that tracks no one keep what sites set.
        "COOKIES_ENABLED": False,
        "DOWNLOAD_MAXSIZE": defaults.SITE_MAX_RESPONSE_BYTES,
        "DOWNLOADER_MIDDLEWARES": {"crawler.websites.middleware.SiteBoundMiddleware": 50},
        "MAX_FAILURE_SHARE": defaults.SITE_CRAWL_MAX_FAILURE_SHARE,
        "CLOSESPIDER_TIMEOUT": defaults.SITE_CRAWL_TIME_LIMIT_S,
        "CLOSESPIDER_ERRORCOUNT": defaults.SITE_CRAWL_ERROR_LIMIT,
    }

    def __init__(self, urls: str | list[str] = (), max_pages: int | str = defaults.SITE_MAX_PAGES,
                 max_depth: int | str = defaults.SITE_MAX_DEPTH, **kwargs):
        super().__init__(**kwargs)
        # `scrapy crawl -a` gives every argument as text; `iopfinder crawl` gives them typed.
        self.urls = urls.split(",") if isinstance(urls, str) else urls
        self.max_pages, self.max_depth = int(max_pages), int(max_depth)
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
            yield self.sitemap(urljoin(site_root(url), "/sitemap.xml"), site, url, guessed=True)

    def sitemap(self, url: str, site: str, start: str, guessed: bool = False) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.no_sitemap, dont_filter=True,
                              meta={"site": site, "start": start, "guessed": guessed})

    def parse_robots(self, response):
        site, start = response.meta["site"], response.meta["start"]
        text = response.text if hasattr(response, "text") else ""
        declared = [url for url in sitemap_urls_from_robots(text, base_url=response.url) if site_key(url) == site]
        if not declared:
            yield from self._without_usable_sitemap(site, start)
        for url in declared[:5]:
            yield self.sitemap(url, site, start)

    def no_robots(self, failure):
        meta = failure.request.meta
        yield from self._without_usable_sitemap(meta["site"], meta["start"])

    def page(self, url: str, site: str, start: str, hops: int, **meta) -> scrapy.Request | None:
        """A request for one page `hops` links away from the start page, unless it is off the site,
        too deep, already requested, or over the site's page cap."""
        url = urldefrag(url)[0]
        requested = self.requested[site]
        if (site_key(url) != site or url.lower().endswith(_SKIPPED_EXTENSIONS) or url in requested
                or hops > self.max_depth):
            return None
        if len(requested) >= self.max_pages:
            self.crawler.stats.inc_value("pages/links not followed: page cap of the site reached")
            return None
        requested.add(url)
        return scrapy.Request(url, callback=self.parse_page, errback=self.failed, priority=_priority(url),
                              meta={"site": site, "start": start, "hops": hops, **meta})

    def _start_page(self, site: str, start: str):
        request = self.page(start, site, start, hops=0)
        return [request] if request else []

    def parse_sitemap(self, response):
        site, start = response.meta["site"], response.meta["start"]
        try:
            sitemap = Sitemap(response.body)
            urls = [entry["loc"] for entry in sitemap if "loc" in entry]
        except Exception:  # lxml raises several kinds on a page that is not a sitemap
            urls = []
        if not urls:
            yield from self._without_sitemap(response.meta)
            return
        if sitemap.type == "sitemapindex":
            children = [url for url in urls if site_key(url) == site][:5]
            if not children:  # an index of other hosts' sitemaps: read the site from its start page
                yield from self._start_page(site, start)
            for url in children:
                yield self.sitemap(url, site, start)
            return
        self.crawler.stats.inc_value("sites/read from a sitemap")
        yield from self._start_page(site, start)
        for url in sorted(urls, key=_priority, reverse=True):
            if (request := self.page(url, site, start, hops=1, from_sitemap=True)) is not None:
                yield request

    def no_sitemap(self, failure):
        yield from self._without_sitemap(failure.request.meta)

    def _without_sitemap(self, meta: dict):
        if meta["guessed"]:  # not at the usual place: robots.txt may say where it is
            yield scrapy.Request(urljoin(site_root(meta["start"]), "/robots.txt"), callback=self.parse_robots,
                                 errback=self.no_robots, meta={"site": meta["site"], "start": meta["start"]},
                                 dont_filter=True)
            return
        yield from self._without_usable_sitemap(meta["site"], meta["start"])

    def _without_usable_sitemap(self, site: str, start: str):
        self.crawler.stats.inc_value("sites/without a usable sitemap")
        yield from self._start_page(site, start)

    def parse_page(self, response):
        """One page of the site: what it says (an item), then requests for the pages it links to.

        @url https://harbor.example.org/programs/intensive-outpatient.html
        @meta {"start": "https://harbor.example.org/", "hops": 1, "from_sitemap": true}
        @returns items 1 1
        @returns requests 0 0
        @scrapes site start url retrieved_at jsonld microdata tel byline text
        """
        if not isinstance(response, HtmlResponse):
            self.crawler.stats.inc_value("errors/not an HTML page (content type)")
            return
        # The response's own site: the middleware lets no request leave the one it was made for.
        site, start = site_key(response.url), response.meta["start"]
        root = response.selector.root
        try:
            microdata = self.microdata.extract_items(root, response.url)
        except Exception:  # extruct on hostile markup
            self.crawler.stats.inc_value("errors/microdata unreadable")
            microdata = []
        jsonld = response.xpath('//script[@type="application/ld+json"]/text()').getall()
        tel = response.css('a[href^="tel:"]::attr(href)').getall()
        byline = _byline(response)
        hrefs = [] if response.meta.get("from_sitemap") else response.css("a::attr(href)").getall()
        # Menus, headers and footers are navigation, not statements: the text is read without them
        # (last, since it changes the tree the other readings use).
        for element in root.xpath("//nav|//header|//footer"):
            element.drop_tree()
        try:
            try:  # cleaned in place: the tree is done with, and html_text's copy of it costs as much as reading it
                html_text.cleaner(root)
            except AssertionError:  # lxml's bug 1838497 on some markup: read it uncleaned, as html_text does
                pass
            text = html_text.etree_to_text(root)
        except ValueError:  # lxml refuses control characters when it rebuilds the tree
            self.crawler.stats.inc_value("errors/page text read without layout (control characters)")
            text = " ".join(response.xpath("//body//text()[not(ancestor::script or ancestor::style)]").getall())
        yield SitePage(site=site, start=start, url=response.url, retrieved_at=datetime.now(timezone.utc),
                       jsonld=jsonld, microdata=microdata, tel=tel, byline=byline, text=text)
        hops = response.meta["hops"] + 1  # links of a page the sitemap listed are not followed: it listed them all
        for href in hrefs:
            request = self.page(urljoin(response.url, href), site, start, hops)
            if request is not None:
                yield request

    def failed(self, failure):
        """A page that could not be read (its sitemap and robots.txt missing are no failure)."""
        left = isinstance(failure.value, LeftSite)
        count_failure(self.crawler, failure,
                      "left the site (redirect to another host)" if left else failure_kind(failure))
