"""How a crawl ends, through the real `iopfinder crawl` commands against servers on 127.0.0.1 that
answer 500, refuse connections or answer slowly; each run's stats file is read back."""

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from facility import defaults
from iopfinder.elasticsearch_node import free_port
from tests.facility.factories import make_facility

FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "RETRY_TIMES=1"]
EMPTY_LISTING = b'{"page": 1, "totalPages": 0, "recordCount": 0, "rows": []}'


class Answers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    status, delay_s = 500, 0.0

    def do_GET(self):
        if not self.path.startswith("/robots.txt"):
            time.sleep(self.delay_s)
        body = EMPTY_LISTING if self.status == 200 else b""
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serving(status: int, delay_s: float = 0.0):
    handler = type("Handler", (Answers,), {"status": status, "delay_s": delay_s})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def crawl(tmp_path, *args, **variables):
    """Run `iopfinder crawl ARGS`; (the finished process, its stats)."""
    out = tmp_path / "out.jsonl"
    env = dict(os.environ, COLUMNS="200", IOPFINDER_HTTP_CACHE_DIR=str(tmp_path / "http"), **variables)
    result = subprocess.run([sys.executable, "-m", "iopfinder.cli", "crawl", *args, "--out", str(out), *FAST],
                            capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    return result, json.loads((tmp_path / "out.jsonl.stats.json").read_text())


def test_a_crawl_whose_every_page_fails_exits_1_keeps_the_previous_file_and_says_why(tmp_path):
    (tmp_path / "out.jsonl").write_text("the previous crawl's records\n")
    with serving(500) as url:
        result, stats = crawl(tmp_path, "findtreatment", "--state", "VA", "--state", "MD", "--state", "WY",
                              "--base-url", f"{url}/locator/listing")
    assert result.returncode == 1
    assert (tmp_path / "out.jsonl").read_text() == "the previous crawl's records\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.jsonl", "out.jsonl.stats.json"]
    reason = "3 of 3 requests failed (100.0%, over the threshold of 10.0%)"
    assert stats["outcome"] == "failed" and stats["reason"] == reason, result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"error: {reason}"
    assert (stats["failed"], stats["attempted"], stats["failure_share"]) == (3, 3, 1.0)
    assert stats["threshold"] == defaults.FINDTREATMENT_MAX_FAILURE_SHARE and stats["unit"] == "requests"
    assert stats["errors"] == {"error: HTTP 500": 3}
    assert (stats["read"], stats["written"], stats["dropped"]) == (0, 0, 0)
    assert stats["counts"]["closed because"] == "finished" and stats["counts"]["retried: 500 Internal Server Error"]
    started, finished = (datetime.fromisoformat(stats[key]) for key in ("started_at", "finished_at"))
    assert started.utcoffset().total_seconds() == 0 and started < finished
    assert 0 < stats["duration_s"] == pytest.approx((finished - started).total_seconds(), abs=0.05)


def test_a_site_crawl_where_every_site_refuses_exits_1_and_keeps_the_previous_files(tmp_path):
    facilities = tmp_path / "facilities.jsonl"
    facilities.write_text(make_facility().model_dump_json() + "\n")
    urls = tmp_path / "urls.txt"
    urls.write_text(f"http://127.0.0.1:{free_port()}/\nhttp://127.0.0.1:{free_port()}/\n")
    for name in ("out.jsonl", "out.unmatched.ndjson"):
        (tmp_path / name).write_text(f"previous {name}\n")
    result, stats = crawl(tmp_path, "sites", "--urls", str(urls), "--facilities", str(facilities))
    assert result.returncode == 1
    for name in ("out.jsonl", "out.unmatched.ndjson"):
        assert (tmp_path / name).read_text() == f"previous {name}\n"
    assert stats["job"] == "crawl sites" and stats["outcome"] == "failed"
    assert stats["reason"] == "2 of 2 requests failed (100.0%, over the threshold of 50.0%)"
    assert stats["errors"]["error: connection refused"] == 2
    assert stats["counts"]["sites: started"] == 2 and stats["counts"]["sites: with a page read"] == 0


def test_the_error_limit_ends_a_failing_crawl_early(tmp_path):
    with serving(500) as url:
        result, stats = crawl(tmp_path, "findtreatment", "--base-url", f"{url}/locator/listing",  # every state
                              IOPFINDER_CRAWL_ERROR_LIMIT="3", IOPFINDER_CRAWL_MAX_FAILURE_SHARE="1")
    assert result.returncode == 1
    assert stats["counts"]["closed because"] == "closespider_errorcount"
    assert stats["reason"] == ("the crawl closed early, closespider_errorcount: it reached its error limit "
                               "(CLOSESPIDER_ERRORCOUNT)")
    # not every state's first page: the limit, and those the downloader had already taken on
    assert 3 <= stats["failed"] < 56 and stats["threshold"] == 1.0
    assert "closespider_errorcount" in result.stderr and not (tmp_path / "out.jsonl").exists()


def test_the_time_limit_ends_a_slow_crawl(tmp_path):
    with serving(200, delay_s=0.5) as url:
        result, stats = crawl(tmp_path, "findtreatment", "--base-url", f"{url}/locator/listing",
                              IOPFINDER_CRAWL_TIME_LIMIT_S="2")
    assert result.returncode == 1
    assert stats["counts"]["closed because"] == "closespider_timeout"
    assert stats["reason"].startswith("the crawl closed early, closespider_timeout: its time limit ran out")
    assert 0 < stats["attempted"] < 56 and stats["failed"] == 0  # answered, but not all in time
    assert 2 <= stats["duration_s"] < 30 and not (tmp_path / "out.jsonl").exists()


def test_limits_from_the_environment_must_be_numbers_in_range(tmp_path):
    for variable, value in [("IOPFINDER_CRAWL_MAX_FAILURE_SHARE", "1.5"), ("IOPFINDER_CRAWL_ERROR_LIMIT", "many")]:
        result = subprocess.run([sys.executable, "-m", "iopfinder.cli", "crawl", "findtreatment", "--out",
                                 str(tmp_path / "out.jsonl")], capture_output=True, text=True, timeout=60,
                                env=dict(os.environ, **{variable: value}), cwd=tmp_path)
        assert result.returncode == 1 and result.stderr.startswith(f"error: {variable}: ")
        assert len(result.stderr.strip().splitlines()) == 1 and not list(tmp_path.iterdir())
