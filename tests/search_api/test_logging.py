"""The API's logs: text or one JSON object a line (IOPFINDER_LOG_FORMAT), the request log's fields
as keys, and in either format no precise coordinates and no client address."""

import io
import json
import logging
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import httpx
import pytest

from facility.settings import SettingsError
from iopfinder.elasticsearch_node import free_port
from search_api.logs import log_handler
from search_api.settings import ApiSettings
from tests.search_api.recorded_elasticsearch import Replay, api

PRIVATE = ("38.029", "78.476", "testclient", "127.0.0.1")


@contextmanager
def api_log(log_format: str):
    """What the API logs while the block runs, in `log_format`."""
    handler = log_handler(log_format)
    out = io.StringIO()
    handler.setStream(out)
    logger = logging.getLogger("iopfinder.api")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield out
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def requests_made(client) -> None:
    client.get("/v1/facilities", params={"lat": "38.0293059", "lon": "-78.4766781", "level": "iop", "size": "500"})
    client.get("/v1/facilities", params={"lat": "not-a-number", "lon": "-78.4766781"})
    client.get("/v1/facilities/not-an-id")


def test_json_request_log_has_fields_and_no_precise_coordinates():
    with api_log("json") as out, api(Replay([])) as client:
        requests_made(client)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(line["method"], line["route"], line["query"], line["status"]) for line in lines] == [
        ("GET", "/v1/facilities", "lat=38.03&lon=-78.48&level=iop&size=500", 422),
        ("GET", "/v1/facilities", "lat=%3F&lon=-78.48", 422),
        ("GET", "/v1/facilities/{facility_id}", "", 422)]
    first = lines[0]
    assert first["path"] == "/v1/facilities" and first["level"] == "INFO" and first["logger"] == "iopfinder.api"
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0 and "time" in first
    assert first["message"].startswith("GET /v1/facilities?lat=38.03&lon=-78.48&level=iop&size=500 422 ")
    assert lines[2]["path"] == "/v1/facilities/not-an-id"
    assert not any(private in out.getvalue() for private in PRIVATE)


def test_text_request_log_is_one_readable_line():
    with api_log("text") as out, api(Replay([])) as client:
        requests_made(client)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and " iopfinder.api INFO GET /v1/facilities?lat=38.03&lon=-78.48&level=iop" in lines[0]
    assert lines[1].split(" INFO ")[1].startswith("GET /v1/facilities?lat=%3F&lon=-78.48 422 ")
    assert lines[2].endswith("ms") and "GET /v1/facilities/not-an-id 422 " in lines[2]
    assert not any(private in out.getvalue() for private in PRIVATE)


def test_log_format_from_the_environment(monkeypatch):
    monkeypatch.setenv("ELASTICSEARCH_URL", "http://127.0.0.1:9200")
    assert ApiSettings.from_env().log_format == "text"
    monkeypatch.setenv("IOPFINDER_LOG_FORMAT", "json")
    assert ApiSettings.from_env().log_format == "json"
    monkeypatch.setenv("IOPFINDER_LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="IOPFINDER_LOG_FORMAT"):
        ApiSettings.from_env()


def test_served_api_writes_only_json_lines():
    """`iopfinder serve` as deployed: its own, uvicorn's and the request log's lines are all JSON."""
    port = free_port()
    env = dict(os.environ, IOPFINDER_LOG_FORMAT="json", ELASTICSEARCH_URL=f"http://127.0.0.1:{free_port()}")
    process = subprocess.Popen([sys.executable, "-m", "iopfinder.cli", "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline and process.poll() is None, "the API did not start"
                    time.sleep(0.2)
            assert client.get("/v1/facilities", params={"lat": "38.0293059", "lon": "-78.4766781"}).status_code == 503
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    lines = [json.loads(line) for line in (out + err).splitlines()]
    assert any(line["logger"] == "uvicorn.error" and "Application startup complete" in line["message"]
               for line in lines)
    assert any(line["message"].startswith("IOP Finder API on http://") for line in lines)
    search = next(line for line in lines if line.get("route") == "/v1/facilities")
    assert search["query"] == "lat=38.03&lon=-78.48" and search["status"] == 503
    assert not any("color_message" in line for line in lines)
    assert not any(private in out + err for private in ("38.029", "78.476"))
