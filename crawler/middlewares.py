"""Downloader middleware that keeps a facility-site crawl on the facility's own website."""

from scrapy.exceptions import IgnoreRequest

from crawler.site_keys import site_key


class SiteBoundMiddleware:
    """Requests carry the site they belong to in meta["site"]; a redirect elsewhere is dropped
    (the request's errback counts it)."""

    def process_request(self, request, spider=None):
        site = request.meta.get("site")
        if site and site_key(request.url) != site:
            raise IgnoreRequest(f"{request.url} is not on {site}")
        return None
