"""Downloader middleware that keeps a facility-site crawl on the facility's own website."""

from scrapy.exceptions import IgnoreRequest

from crawler.websites.keys import site_key


class LeftSite(IgnoreRequest):
    """A request for a page of another site than the one being read (a redirect elsewhere)."""


class SiteBoundMiddleware:
    """Requests carry the site they belong to in meta["site"]; a redirect elsewhere is dropped
    (the request's errback counts it)."""

    def process_request(self, request, spider=None):
        site = request.meta.get("site")
        if site and site_key(request.url) != site:
            raise LeftSite(f"{request.url} is not on {site}")
        return None
