"""Elasticsearch stopped, restarted and hanging, behind a real API server."""

import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch

from facility import defaults
from facility.elasticsearch_access import Access
from facility.tally import Tally
from indexer.build import BuildOptions, build
from iopfinder.elasticsearch_node import LocalNode, NodeSettings, free_port
from search_api.main import create_app
from search_api.settings import ApiSettings
from tests.facility.factories import make_facility
from tests.search_api.live_server import live_server

pytestmark = pytest.mark.integration


def timed_get(client: httpx.Client, path: str, **params) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = client.get(path, params=params)
    return response, time.monotonic() - started


def test_search_survives_elasticsearch_stop_and_restart():
    workdir = Path(tempfile.mkdtemp(prefix="iopfinder-test-outage-"))
    node = LocalNode(NodeSettings.from_env(), workdir)
    port = free_port()
    try:
        url = node.start(port=port, say=lambda message: None)
        records = [make_facility(name=f"Program {n}") for n in range(30)]
        build(Elasticsearch(url), iter(records), Tally(), BuildOptions(alias="outage"))
        with live_server(create_app(ApiSettings(elasticsearch=Access((url,)), alias="outage"))) as api_url, \
                httpx.Client(base_url=api_url, timeout=10) as client:
            assert client.get("/v1/facilities", params={"zip": "22902"}).json()["total"] == 30

            node.stop()
            stopped = time.monotonic()
            for _ in range(5):  # a search not asked before
                response, seconds = timed_get(client, "/v1/facilities", zip="22902", radius_mi=30)
                assert response.status_code == 503 and seconds < 2, (response.status_code, seconds)
                assert response.headers["retry-after"] == "5"
            # The one asked before may be answered from the API's cache until its next alias check.
            while client.get("/v1/facilities", params={"zip": "22902"}).status_code != 503:
                assert time.monotonic() - stopped < defaults.ANSWER_CACHE_CHECK_S + 2, "cached answers outlived a check"
                time.sleep(0.1)
            assert client.get("/healthz").status_code == 200
            assert client.get("/readyz").status_code == 503

            node.start(port=port, say=lambda message: None)  # same port and data: the API is not restarted
            deadline = time.monotonic() + 30
            while client.get("/v1/facilities", params={"zip": "22902"}).status_code != 200:
                assert time.monotonic() < deadline, "search did not recover within 30 s"
                time.sleep(0.5)
            assert client.get("/v1/facilities", params={"zip": "22902"}).json()["total"] == 30
            assert client.get("/readyz").status_code == 200
    finally:
        node.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_slow_elasticsearch_is_503_within_2_seconds():
    """A server that accepts connections and never answers stands in for a stuck node."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def accept_and_hold():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    holder = threading.Thread(target=accept_and_hold, daemon=True)
    holder.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        with live_server(create_app(ApiSettings(elasticsearch=Access((url,))))) as api_url, \
                httpx.Client(base_url=api_url, timeout=10) as client:
            for path in ("/v1/facilities", "/v1/states", "/readyz"):
                response, seconds = timed_get(client, path)
                assert response.status_code == 503 and seconds < 2, (path, response.status_code, seconds)
            assert client.get("/healthz").status_code == 200
    finally:
        stop.set()
        holder.join()
        listener.close()
        for connection in accepted:
            connection.close()
