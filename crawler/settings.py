"""The Scrapy project's settings (scrapy.cfg names this module): polite by default. Each spider
adds its pipeline and limits (custom_settings); `iopfinder crawl` adds its output file, HTTP cache
and progress line through crawl_settings()."""

from scrapy.settings import Settings

from facility import defaults

BOT_NAME = "iopfinder"
SPIDER_MODULES = ["crawler.findtreatment.spider", "crawler.websites.spider"]
USER_AGENT = defaults.CRAWL_USER_AGENT
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = defaults.CRAWL_DELAY_S
DOWNLOAD_DELAY = defaults.CRAWL_DELAY_S
CONCURRENT_REQUESTS_PER_DOMAIN = 1
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
DOWNLOAD_TIMEOUT = defaults.CRAWL_TIMEOUT_S
DOWNLOAD_MAXSIZE = defaults.CRAWL_MAX_RESPONSE_BYTES
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"  # revalidates on recrawl
# `scrapy crawl` in a checkout keeps it in .scrapy/; `iopfinder crawl` in IOPFINDER_HTTP_CACHE_DIR.
HTTPCACHE_DIR = "var/httpcache"
TELNETCONSOLE_ENABLED = False
# How a crawl's outcome is counted and judged (crawler/outcome.py); each spider sets its limits.
SPIDER_MIDDLEWARES = {"crawler.outcome.AnsweredRequests": 60}
EXTENSIONS = {"scrapy.extensions.closespider.CloseSpider": None, "crawler.outcome.CrawlLimits": 0}
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
# `scrapy check -s CONTRACT_ORIGIN=http://127.0.0.1:PORT` reads the contracts' samples from a local server.
SPIDER_CONTRACTS = {"scrapy.contracts.default.UrlContract": None, "crawler.contracts.UrlContract": 1}


def crawl_settings(**overrides) -> Settings:
    """These settings with `overrides` on top, as `scrapy crawl -s NAME=VALUE` would set them
    (above the spider's own)."""
    settings = Settings()
    settings.setmodule(__name__, priority="project")
    settings.setdict(overrides, priority="cmdline")
    return settings
