"""Scrapy settings for every IOP Finder crawl: polite by default."""

from facility import defaults


def crawl_settings(out: str, pipeline: str = "crawler.pipelines.FacilityPipeline", **overrides) -> dict:
    settings = {
        "BOT_NAME": "iopfinder",
        "USER_AGENT": defaults.CRAWL_USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": defaults.CRAWL_DELAY_S,
        "DOWNLOAD_DELAY": defaults.CRAWL_DELAY_S,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 3,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 522, 524, 408],
        "DOWNLOAD_TIMEOUT": defaults.CRAWL_TIMEOUT_S,
        "DOWNLOAD_MAXSIZE": defaults.CRAWL_MAX_RESPONSE_BYTES,
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_POLICY": "scrapy.extensions.httpcache.RFC2616Policy",  # revalidates on recrawl
        "HTTPCACHE_DIR": "var/httpcache",
        "ITEM_PIPELINES": {pipeline: 300},
        "FACILITY_OUT": out,
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
    settings.update(overrides)
    return settings


def site_crawl_settings(out: str, matcher, **overrides) -> dict:
    """Facility websites: also bounded in page size and kept on each site's own host (the spider
    bounds depth and pages per site)."""
    return crawl_settings(out, "crawler.pipelines.SitePipeline", **{
        "SITE_MATCHER": matcher,
        # A page yields one item; Scrapy starts this many item tasks per response (default 100).
        "CONCURRENT_ITEMS": 4,
        "DOWNLOAD_MAXSIZE": defaults.SITE_MAX_RESPONSE_BYTES,
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.SiteBoundMiddleware": 50},
        **overrides,
    })
