"""Rate limit, load shedding and security headers at the API's edge."""

import socket
import threading
import time

import httpx
from fastapi.testclient import TestClient

from facility.elasticsearch_access import Access
from iopfinder.elasticsearch_node import free_port
from search_api.main import create_app
from search_api.protection import LoadShedder, RateLimiter
from search_api.settings import ApiSettings
from tests.search_api.live_server import live_server


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_rate_limit_counts_per_client_per_minute_and_forgets():
    clock = Clock(600.0)
    limiter = RateLimiter(2, clock)
    assert limiter.retry_after("203.0.113.7") is None
    assert limiter.retry_after("203.0.113.7") is None
    clock.now = 630.0
    assert limiter.retry_after("203.0.113.7") == 30
    assert limiter.retry_after("198.51.100.1") is None  # another client has its own count
    assert all(b"203.0.113.7" not in key and len(key) == 12 for key in limiter.counts)  # no address kept
    clock.now = 660.0  # a new window: counts and the hashing key are gone
    assert limiter.retry_after("203.0.113.7") is None and len(limiter.counts) == 1
    assert RateLimiter(0).retry_after("x") is None


def test_shedder_refuses_past_its_bound():
    shedder = LoadShedder(2)
    assert shedder.enter() and shedder.enter() and not shedder.enter()
    shedder.leave()
    assert shedder.enter()


def offline_settings(**changes) -> ApiSettings:
    return ApiSettings(elasticsearch=Access((f"http://127.0.0.1:{free_port()}",)), **changes)


def test_searches_past_the_rate_limit_get_429_with_retry_after():
    with TestClient(create_app(offline_settings(rate_limit_per_minute=3))) as client:
        statuses = [client.get("/v1/facilities", params={"zip": "00000"}).status_code for _ in range(4)]
        assert statuses == [422, 422, 422, 429]
        limited = client.get("/v1/geocode", params={"zip": "22902"})
        assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
        assert client.get("/healthz").status_code == 200 and client.get("/v1/taxonomy").status_code == 200


def test_security_headers_on_api_responses():
    with TestClient(create_app(offline_settings())) as client:
        for path in ("/healthz", "/v1/taxonomy", "/v1/facilities?lat=200"):
            headers = client.get(path).headers
            assert headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
            assert headers["referrer-policy"] == "no-referrer" and headers["x-content-type-options"] == "nosniff"


def test_site_pages_get_a_policy_without_third_party_sources(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    with TestClient(create_app(offline_settings(), site=tmp_path)) as client:
        page = client.get("/")
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "http" not in policy
        assert client.get("/v1/taxonomy").headers["content-security-policy"].startswith("default-src 'none'")


def test_overload_is_shed_at_once_not_queued():
    """A stuck Elasticsearch holds the one allowed request; the next is refused immediately."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = []
    holder = threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True)
    holder.start()
    settings = ApiSettings(elasticsearch=Access((f"http://127.0.0.1:{listener.getsockname()[1]}",)), max_in_flight=1,
                           es_timeout_s=3.0)
    try:
        with live_server(create_app(settings)) as url, httpx.Client(base_url=url, timeout=10) as client:
            slow = threading.Thread(target=lambda: client.get("/v1/states"))
            slow.start()
            time.sleep(0.5)
            started = time.monotonic()
            shed = client.get("/v1/states")
            assert shed.status_code == 503 and shed.headers["retry-after"] == "1"
            assert time.monotonic() - started < 0.5
            assert client.get("/healthz").status_code == 200  # liveness is never shed
            slow.join()
    finally:
        listener.close()
        for connection in held:
            connection.close()
