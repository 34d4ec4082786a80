"""/metrics: requests counted exactly by route template and status, refusals and Elasticsearch's
failures counted, the live index's figures read lazily and kept through an outage; /readyz's ages."""

import asyncio
import math
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

import httpx
from elastic_transport import ConnectionTimeout, SerializationError
from elastic_transport import ConnectionError as TransportConnectionError
from elasticsearch import ApiError, NotFoundError
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from facility.elasticsearch_access import Access
from facility.tally import Tally
from indexer.build import BuildOptions, build, live_indices
from iopfinder.elasticsearch_node import free_port
from search_api.main import create_app
from search_api.metrics import OTHER, built_at, failure_kind
from search_api.settings import ApiSettings
from tests.facility.factories import make_facility, source
from tests.search_api.live_server import live_server
from tests.search_api.recorded_elasticsearch import Calls, _meta, api

BUILT = datetime(2026, 1, 15, 3, 4, 5, 678901, tzinfo=timezone.utc)
INDEX = f"facilities-{BUILT:%Y%m%d%H%M%S%f}"
AS_OF = date(2025, 11, 30)


def samples(text: str) -> dict[tuple, float]:
    """(sample name, sorted label pairs) → value, from Prometheus' text format."""
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def scrape(client) -> dict[tuple, float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def requests_by_route(counted: dict) -> Counter:
    return Counter({(dict(labels)["route"], dict(labels)["status"]): value
                    for (name, labels), value in counted.items() if name == "iopfinder_api_requests_total"})


class LiveIndex(Calls):
    """Elasticsearch answering the index-state search as a node does, or failing with `error`."""

    def __init__(self, documents: int = 12_175, newest: date | None = AS_OF, index: str = INDEX):
        super().__init__()
        self.documents, self.newest, self.index = documents, newest, index
        self.error: Exception | None = None
        self.calls = 0

    async def call(self, method: str, arguments: dict):
        assert method == "search" and arguments["size"] == 1 and arguments["track_total_hits"], arguments
        self.calls += 1
        if self.error:
            raise self.error
        newest = None if self.newest is None else \
            datetime.combine(self.newest, datetime.min.time(), timezone.utc).timestamp() * 1000
        return {"hits": {"total": {"value": self.documents, "relation": "eq"}, "max_score": 1.0,
                         "hits": [{"_index": self.index, "_id": "07f51516406bea36", "_score": 1.0}]
                         if self.documents else []},
                "aggregations": {"data_as_of": {"value": newest}}}


def test_a_burst_of_concurrent_requests_is_counted_exactly():
    """Elasticsearch is unreachable: the facility lookups are 503s, counted with their failures."""
    burst = ([("/v1/geocode?zip=22902", "/v1/geocode", "200")] * 40
             + [("/v1/geocode?zip=00000", "/v1/geocode", "422")] * 20
             + [("/v1/facilities?zip=00000&lat=38.0293", "/v1/facilities", "422")] * 30
             + [("/v1/facilities/not-an-id", "/v1/facilities/{facility_id}", "422")] * 10
             + [("/v1/facilities/0123456789abcdef", "/v1/facilities/{facility_id}", "503")] * 3
             + [("/no/such/page", OTHER, "404"), ("/v1/nothing/here", OTHER, "404")] * 2)
    settings = ApiSettings(elasticsearch=Access((f"http://127.0.0.1:{free_port()}",)))
    with live_server(create_app(settings)) as url, httpx.Client(base_url=url, timeout=10) as client:
        before = scrape(client)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda request: str(client.get(request[0]).status_code), burst))
        after = scrape(client)
    assert statuses == [status for _, _, status in burst]
    expected = Counter((route, status) for _, route, status in burst)
    expected["/metrics", "200"] += 1  # the first scrape, counted once it was answered
    assert requests_by_route(after) - requests_by_route(before) == expected
    for route in {route for route, _ in expected}:
        count = ("iopfinder_api_request_duration_seconds_count", (("route", route),))
        assert after[count] - before.get(count, 0) == sum(n for (r, _), n in expected.items() if r == route)
    failures = ("iopfinder_api_elasticsearch_failures_total", (("kind", "connection"),))
    assert after[failures] - before[failures] == 3  # the first scrape's failed read is in `before`


def test_refusals_are_counted_and_metrics_are_never_refused():
    with api(LiveIndex(), rate_limit_per_minute=2) as client:
        statuses = [client.get("/v1/geocode", params={"zip": "22902"}).status_code for _ in range(5)]
        assert statuses == [200, 200, 429, 429, 429]
        assert all(client.get("/metrics").status_code == 200 for _ in range(3))  # no search: not limited
        counted = scrape(client)
    assert counted["iopfinder_api_rate_limited_total", ()] == 3
    assert counted["iopfinder_api_requests_total", (("route", "/v1/geocode"), ("status", "429"))] == 3
    assert counted["iopfinder_api_shed_total", ()] == 0

    with api(LiveIndex(), max_in_flight=0) as client:
        assert [client.get("/v1/states").status_code for _ in range(4)] == [503] * 4
        assert client.get("/metrics").status_code == 200  # never shed
        counted = scrape(client)
        schema = client.get("/openapi.json").json()
    assert counted["iopfinder_api_shed_total", ()] == 4
    assert counted["iopfinder_api_requests_total", (("route", "/v1/states"), ("status", "503"))] == 4
    assert counted["iopfinder_api_in_flight", ()] == 0
    assert "/metrics" not in schema["paths"]  # for operators, not part of the public API


def test_apps_count_apart():
    with api(LiveIndex()) as one, api(LiveIndex()) as other:
        one.get("/healthz")
        one.get("/healthz")
        other.get("/healthz")
        assert scrape(one)["iopfinder_api_requests_total", (("route", "/healthz"), ("status", "200"))] == 2
        assert scrape(other)["iopfinder_api_requests_total", (("route", "/healthz"), ("status", "200"))] == 1


def test_index_figures_are_read_lazily_and_kept_through_an_outage():
    index = LiveIndex()
    with api(index, metrics_refresh_s=3600) as client:
        for _ in range(3):
            counted = scrape(client)
        assert index.calls == 1  # one read for three scrapes, none for searches
        client.get("/v1/geocode", params={"zip": "22902"})
        assert index.calls == 1
    now = time.time()
    assert counted["iopfinder_index_documents", ()] == 12_175
    assert abs(counted["iopfinder_index_age_seconds", ()] - (now - BUILT.timestamp())) < 60
    as_of = datetime.combine(AS_OF, datetime.min.time(), timezone.utc).timestamp()
    assert abs(counted["iopfinder_data_age_seconds", ()] - (now - as_of)) < 60

    index = LiveIndex()
    with api(index, metrics_refresh_s=0) as client:
        first = scrape(client)
        index.error, index.documents = ConnectionTimeout("timed out"), 1
        time.sleep(1.1)
        down = scrape(client)
        assert index.calls == 2
    assert down["iopfinder_index_documents", ()] == first["iopfinder_index_documents", ()] == 12_175
    assert down["iopfinder_index_age_seconds", ()] > first["iopfinder_index_age_seconds", ()]  # still ageing
    assert down["iopfinder_api_elasticsearch_failures_total", (("kind", "timeout"),)] == 1


def test_index_figures_are_unknown_until_first_read():
    index = LiveIndex()
    index.error = TransportConnectionError("connection refused")
    with api(index) as client:
        counted = scrape(client)
    assert all(math.isnan(counted[name, ()]) for name in
               ("iopfinder_index_documents", "iopfinder_index_age_seconds", "iopfinder_data_age_seconds"))
    assert counted["iopfinder_api_elasticsearch_failures_total", (("kind", "connection"),)] == 1


def test_ready_reports_the_index_and_the_data_age():
    with api(LiveIndex()) as client:
        body = client.get("/readyz").json()
    assert body == {"status": "ready", "index": INDEX, "documents": 12_175,
                    "index_built_at": BUILT.isoformat().replace("+00:00", "Z"), "data_as_of": AS_OF.isoformat(),
                    "data_age_days": (datetime.now(timezone.utc).date() - AS_OF).days}
    with api(LiveIndex(newest=None, index="restored-facilities")) as client:
        body = client.get("/readyz").json()
    assert body["index_built_at"] is None and body["data_as_of"] is None and body["data_age_days"] is None


def test_not_ready_without_facilities_or_elasticsearch():
    with api(LiveIndex(documents=0)) as client:
        empty = client.get("/readyz")
    assert empty.status_code == 503 and empty.json() == {"status": "unavailable"}
    index = LiveIndex()
    index.error = NotFoundError(message="index_not_found_exception", meta=_meta(404),
                                body={"error": {"type": "index_not_found_exception"}, "status": 404})
    with api(index) as client:
        missing = client.get("/readyz")
        counted = scrape(client)
    assert missing.status_code == 503 and missing.headers["retry-after"] == "5"
    assert counted["iopfinder_api_elasticsearch_failures_total", (("kind", "http_404"),)] == 2  # and the scrape's


def test_failure_kinds():
    assert failure_kind(ConnectionTimeout("timed out")) == "timeout"
    assert failure_kind(TransportConnectionError("refused")) == "connection"
    assert failure_kind(SerializationError("not JSON")) == "transport"
    assert failure_kind(ApiError(message="x", meta=_meta(429), body={})) == "http_429"


def test_build_time_from_the_index_name():
    assert built_at(INDEX) == BUILT
    assert built_at("test-api-2022-20260115030405678901") == BUILT
    assert built_at("facilities") is None and built_at("restored-facilities") is None


def test_latency_lands_in_the_buckets():
    class Slow(LiveIndex):
        async def call(self, method, arguments):
            await asyncio.sleep(0.3)
            return await super().call(method, arguments)

    with api(Slow()) as client:
        client.get("/readyz")
        counted = scrape(client)
    readyz = {dict(labels)["le"]: value for (name, labels), value in counted.items()
              if name == "iopfinder_api_request_duration_seconds_bucket" and dict(labels)["route"] == "/readyz"}
    assert list(readyz) == ["0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "+Inf"]
    assert readyz["0.25"] == 0 and readyz["+Inf"] == 1
    assert counted["iopfinder_api_request_duration_seconds_sum", (("route", "/readyz"),)] >= 0.3


def test_readyz_and_metrics_read_a_live_index(es, es_url, alias):
    """Against a real node: the index the alias names, its size and its newest verified_on."""
    days = [date(2024, 5, 1), date(2025, 2, 3), date(2023, 12, 31)]
    records = [make_facility(name=f"Program {n}", sources=[source("test", datetime.combine(day, datetime.min.time(),
                                                                                           timezone.utc))])
               for n, day in enumerate(days)]
    result = build(es, iter(records), Tally(), BuildOptions(alias=alias))
    with TestClient(create_app(ApiSettings(elasticsearch=Access((es_url,)), alias=alias))) as client:
        ready = client.get("/readyz").json()
        counted = scrape(client)
        deadline = time.monotonic() + 10
        while client.app.state.answers.generation is None:  # the answer cache has read the alias
            assert time.monotonic() < deadline
            time.sleep(0.05)
        for _ in range(2):
            client.get("/v1/facilities", params={"zip": "22902"})
        searched = scrape(client)
    built = datetime.fromisoformat(ready["index_built_at"])
    assert ready["index"] == result.index == live_indices(es, alias)[0] and ready["documents"] == 3
    assert ready["data_as_of"] == "2025-02-03"
    assert ready["data_age_days"] == (datetime.now(timezone.utc).date() - date(2025, 2, 3)).days
    assert timedelta(0) <= datetime.now(timezone.utc) - built < timedelta(minutes=5)
    assert counted["iopfinder_index_documents", ()] == 3
    assert 0 <= counted["iopfinder_index_age_seconds", ()] < 300
    as_of = datetime(2025, 2, 3, tzinfo=timezone.utc).timestamp()
    assert abs(counted["iopfinder_data_age_seconds", ()] - (time.time() - as_of)) < 60
    assert searched["iopfinder_api_requests_total", (("route", "/v1/facilities"), ("status", "200"))] == 2
    assert searched["iopfinder_api_cache_lookups_total", (("result", "miss"),)] == 1
    assert searched["iopfinder_api_cache_lookups_total", (("result", "hit"),)] == 1
    assert not any(name == "iopfinder_api_elasticsearch_failures_total" for name, _ in searched)

    with TestClient(create_app(ApiSettings(elasticsearch=Access((es_url,)), alias=f"{alias}-missing"))) as client:
        assert client.get("/readyz").status_code == 503
        missing = scrape(client)
    assert missing["iopfinder_api_elasticsearch_failures_total", (("kind", "http_404"),)] == 2
