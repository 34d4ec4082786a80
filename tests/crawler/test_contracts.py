"""`scrapy check`: the spiders' contracts hold against saved samples (tests/crawler/samples,
written for these tests) on a local server, which the setting CONTRACT_ORIGIN points them at."""

import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).with_name("samples")


class Samples(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def samples():
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Samples, directory=str(SAMPLES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def scrapy_check(*options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", "check", *options, "-s", "HTTPCACHE_ENABLED=False"],
                          capture_output=True, text=True, timeout=120, cwd=REPOSITORY)


def test_both_spiders_have_contracts():
    listed = scrapy_check("--list").stdout.split()
    assert listed == ["facility_site", "*", "parse_page", "findtreatment", "*", "parse"]


def test_every_contract_holds(samples):
    result = scrapy_check("-s", f"CONTRACT_ORIGIN={samples}", "-s", "DOWNLOAD_DELAY=0")
    assert result.returncode == 0, result.stderr
    assert "Ran 6 contracts" in result.stderr and result.stderr.rstrip().endswith("OK")
