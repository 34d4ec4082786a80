"""What protects the API under load: a per-client rate limit that stores no addresses, load
shedding above a concurrency bound, and the security headers every response carries."""

import hashlib
import math
import secrets
import time

API_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
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
