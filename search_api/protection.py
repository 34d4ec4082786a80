"""What protects the API under load: a per-client rate limit that stores no addresses, load
shedding above a concurrency bound, the security headers every response carries, and a request
log without precise coordinates or client addresses; `Edge` applies them all, and counts every
request in the app's metrics."""

import hashlib
import logging
import math
import secrets
import time
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.requests import Request

from search_api.errors import Busy, RateLimited, Refusal
from search_api.metrics import Metrics
from search_api.settings import ApiSettings

log = logging.getLogger("iopfinder.api")
PRIVATE_PARAMS = {"lat", "lon"}

API_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

# The API's docs page (/docs) and its files: scripts, styles and requests of this origin only;
# Swagger UI's icons are data: images.
DOCS_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def site_headers(api_origin: str) -> dict[str, str]:
    """Headers for the static site's pages: nothing but the site itself and its API may load."""
    connect = "'self'" + (f" {api_origin}" if api_origin else "")
    return {
        "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                    f"connect-src {connect}; base-uri 'none'; form-action 'self'; "
                                    "frame-ancestors 'none'"),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }


class RateLimiter:
    """Fixed one-minute windows. A client is known only by a keyed hash of its address, and the
    key and all counts are thrown away when the window ends, so nothing links clients across
    windows or keeps an address."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self.window = -1
        self.counts: dict[bytes, int] = {}
        self.key = b""

    def retry_after(self, client_address: str) -> int | None:
        """None when the request may go on; otherwise seconds until the client may try again."""
        if self.per_minute <= 0:
            return None
        now = self.clock()
        window = int(now // 60)
        if window != self.window:
            self.window, self.counts, self.key = window, {}, secrets.token_bytes(16)
        client = hashlib.blake2b(client_address.encode(), key=self.key, digest_size=12).digest()
        count = self.counts.get(client, 0) + 1
        self.counts[client] = count
        if count <= self.per_minute:
            return None
        return max(1, math.ceil((window + 1) * 60 - now))


class LoadShedder:
    """Counts requests in flight; past the bound, new ones are refused at once rather than queued."""

    def __init__(self, limit: int):
        self.limit = limit
        self.in_flight = 0

    def enter(self) -> bool:
        if self.in_flight >= self.limit:
            return False
        self.in_flight += 1
        return True

    def leave(self) -> None:
        self.in_flight -= 1


class Edge:
    """Load shedding and rate limiting for the API, security headers, the request log and the
    request metrics.

    Plain ASGI rather than `@app.middleware("http")`, whose wrapper runs every request through an
    extra task and memory streams."""

    def __init__(self, app, settings: ApiSettings, serves_site: bool, metrics: Metrics):
        self.app, self.settings, self.serves_site, self.metrics = app, settings, serves_site, metrics
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.shedder = LoadShedder(settings.max_in_flight)
        self.page_headers = site_headers(settings.site_api_origin)
        metrics.in_flight.set_function(lambda: self.shedder.in_flight)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        path = scope["path"]
        api = path.startswith(("/v1/", "/hsds/"))
        docs = path == "/docs" or path.startswith("/docs/")
        is_page = self.serves_site and not (api or path in ("/healthz", "/readyz", "/metrics", "/openapi.json"))
        extra = DOCS_HEADERS if docs else self.page_headers if is_page else API_HEADERS
        status = 500

        async def send_with_headers(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).update(extra)
            await send(message)

        try:
            refusal = self.rate_limited(scope, path, api)
            if refusal is None and api and not self.shedder.enter():
                refusal = Busy()
                self.metrics.shed.inc()
            elif refusal is None:
                try:
                    await self.app(scope, receive, send_with_headers)
                finally:
                    if api:
                        self.shedder.leave()
            if refusal is not None:
                await refusal.response()(scope, receive, send_with_headers)
        finally:  # an error no handler rendered is counted and logged too, as the 500 it becomes
            self.answered(scope, path, status, time.perf_counter() - started)

    def answered(self, scope, path: str, status: int, seconds: float) -> None:
        """Count the request and log it: in text, and as fields for a log collector (logs.py)."""
        route = self.metrics.answered(path, status, seconds)
        method = scope["method"]
        query = _private_query(scope["query_string"].decode("latin-1"))
        duration_ms = round(seconds * 1000, 1)
        log.info("%s %s%s %d %.1fms", method, path, f"?{query}" if query else "", status, duration_ms,
                 extra={"method": method, "path": path, "query": query, "status": status,
                        "duration_ms": duration_ms, "route": route})

    def rate_limited(self, scope, path: str, api: bool) -> Refusal | None:
        """A refusal for a client over the search rate limit."""
        if not (api and (path.startswith("/v1/facilities") or path == "/v1/geocode")):
            return None
        request = Request(scope)
        address = (request.headers.get("x-real-ip") if self.settings.trust_proxy else None) or \
            (request.client.host if request.client else "")
        wait = self.limiter.retry_after(address)
        if wait is None:
            return None
        self.metrics.rate_limited.inc()
        return RateLimited(wait)


def _private_query(query: str) -> str:
    """The query string for the log, with coordinates rounded to 2 decimals (about a kilometre)."""
    pairs = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in PRIVATE_PARAMS:
            try:
                value = f"{float(value):.2f}"
            except ValueError:
                value = "?"
        pairs.append((key, value))
    return urlencode(pairs)
