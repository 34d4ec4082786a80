"""What the API counts for its operators, scraped at /metrics in Prometheus' text format: requests
by route and status and their latency, Elasticsearch's failures, refusals at the edge, the answer
cache's hits and misses, and the live index's size and age.

Each app has a registry of its own, so that apps made side by side (as tests make them) count
apart. The index's figures are read on a scrape, at most every `refresh_s`, never on a search.
"""

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError, AsyncElasticsearch
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.routing import compile_path

from facility import defaults

OTHER = "other"  # the site's files and unknown paths: one label, so that labels stay few

# The indexer names every index `<alias>-<UTC time it was built>`.
BUILT_AT_FORMAT = "%Y%m%d%H%M%S%f"


@dataclass(frozen=True)
class IndexState:
    """The live index: its name (None when it holds nothing), size, build time and the newest date
    its data was true (the newest `verified_on`)."""
    index: str | None
    documents: int
    built_at: datetime | None
    data_as_of: date | None


async def index_state(client: AsyncElasticsearch, alias: str) -> IndexState:
    """One small search: a hit names the index behind the alias, the total counts its documents
    and a max aggregation finds the newest `verified_on`."""
    found = await client.search(index=alias, size=1, source=False, track_total_hits=True,
                                aggs={"data_as_of": {"max": {"field": "verified_on"}}})
    hits = found["hits"]["hits"]
    index = hits[0]["_index"] if hits else None
    newest = found["aggregations"]["data_as_of"]["value"]  # epoch milliseconds; None without any
    return IndexState(index, found["hits"]["total"]["value"], built_at(index) if index else None,
                      None if newest is None else datetime.fromtimestamp(newest / 1000, timezone.utc).date())


def built_at(index: str) -> datetime | None:
    """When the indexer built `index`, from its name; None for an index named otherwise."""
    try:
        return datetime.strptime(index.rsplit("-", 1)[-1], BUILT_AT_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def failure_kind(error: TransportError | ApiError) -> str:
    if isinstance(error, ConnectionTimeout):
        return "timeout"
    if isinstance(error, TransportConnectionError):
        return "connection"
    if isinstance(error, ApiError):
        return f"http_{error.meta.status}"
    return "transport"  # e.g. an answer that could not be decoded


def _age(timestamp: float) -> float:
    return time.time() - timestamp  # NaN while the timestamp is unknown


class Metrics:
    """The API's metrics; `routes`: the path templates requests are counted under."""

    def __init__(self, routes: Iterable[str], refresh_s: float):
        self.registry = registry = CollectorRegistry()
        self.routes = [(compile_path(path)[0], path) for path in routes]
        self.requests = Counter("iopfinder_api_requests", "Requests answered, by route template and status",
                                ["route", "status"], registry=registry)
        self.latency = Histogram("iopfinder_api_request_duration_seconds",
                                 "Time from a request's arrival to the end of its answer, by route template",
                                 ["route"], buckets=defaults.METRICS_LATENCY_BUCKETS_S, registry=registry)
        self.elasticsearch_failures = Counter("iopfinder_api_elasticsearch_failures",
                                              "Elasticsearch requests that failed, by kind", ["kind"],
                                              registry=registry)
        self.shed = Counter("iopfinder_api_shed", "Requests refused with 503 because too many were in flight",
                            registry=registry)
        self.rate_limited = Counter("iopfinder_api_rate_limited", "Searches refused with 429 (a client over the "
                                    "rate limit)", registry=registry)
        self.in_flight = Gauge("iopfinder_api_in_flight", "/v1 requests being answered now", registry=registry)
        self.cache_lookups = Counter("iopfinder_api_cache_lookups", "Searches looked up in the answer cache, "
                                     "by result (hit: answered from it)", ["result"], registry=registry)
        self.documents = Gauge("iopfinder_index_documents", "Facilities in the index behind the alias",
                               registry=registry)
        self.documents.set(math.nan)
        self.built_at = self.data_as_of = math.nan  # epoch seconds
        Gauge("iopfinder_index_age_seconds", "Seconds since the live index was built",
              registry=registry).set_function(lambda: _age(self.built_at))
        Gauge("iopfinder_data_age_seconds", "Seconds since the newest date the data was true (verified_on)",
              registry=registry).set_function(lambda: _age(self.data_as_of))
        self.refresh_s = refresh_s
        self.refreshed = -math.inf  # time.monotonic() of the last read of the index's state

    def route(self, path: str) -> str:
        for pattern, template in self.routes:
            if pattern.match(path):
                return template
        return OTHER

    def answered(self, path: str, status: int, seconds: float) -> str:
        """Count one answered request; returns the route it was counted under."""
        route = self.route(path)
        self.requests.labels(route, str(status)).inc()
        self.latency.labels(route).observe(seconds)
        return route

    def failed(self, error: TransportError | ApiError) -> None:
        self.elasticsearch_failures.labels(failure_kind(error)).inc()

    def cache_lookup(self, hit: bool) -> None:
        self.cache_lookups.labels("hit" if hit else "miss").inc()

    def due(self) -> bool:
        """Whether the index's state should be read again now; a read that fails waits its turn too,
        so that a scrape never hammers an Elasticsearch that is down."""
        now = time.monotonic()
        if now - self.refreshed < self.refresh_s:
            return False
        self.refreshed = now
        return True

    def observe(self, state: IndexState) -> None:
        self.documents.set(state.documents)
        self.built_at = state.built_at.timestamp() if state.built_at else math.nan
        self.data_as_of = (datetime.combine(state.data_as_of, datetime.min.time(), timezone.utc).timestamp()
                           if state.data_as_of else math.nan)

    def exposition(self) -> tuple[bytes, str]:
        """The metrics in Prometheus' text format, and its media type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
