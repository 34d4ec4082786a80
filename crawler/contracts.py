"""Scrapy contracts of the project's spiders, beside Scrapy's own."""

from urllib.parse import urlsplit, urlunsplit

from scrapy.contracts import default


class UrlContract(default.UrlContract):
    """`@url`, fetched from the server the setting CONTRACT_ORIGIN names when it is set (the URL's
    path and query kept): `scrapy check` then reads saved samples instead of the live sites."""

    def __init__(self, method, *args):
        super().__init__(method, *args)
        self.origin = method.__self__.settings.get("CONTRACT_ORIGIN")

    def adjust_request_args(self, args: dict) -> dict:
        args = super().adjust_request_args(args)
        if self.origin:
            args["url"] = urlunsplit(urlsplit(self.origin)[:2] + urlsplit(args["url"])[2:])
        return args
