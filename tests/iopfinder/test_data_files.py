"""Fetching the official files: against a real HTTP server on 127.0.0.1, never the publishers."""

import hashlib
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from dataclasses import replace
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest

from iopfinder import data_files
from iopfinder.data_files import DIRECTORIES, LOCATOR, DataFile, DataFileError, catalogue, fetch, verified
from iopfinder.elasticsearch_node import free_port
from tests.conftest import SHARED_DATA

BODY = bytes(range(256)) * 800  # several read chunks
OTHER = b"name1,name2,latitude,longitude\nA New Beginning,,34.83,-87.66\n"


@pytest.fixture
def server():
    """Answers GET from `routes`: path -> (status, body, Content-Length sent or None), then closes."""
    routes: dict[str, tuple[int, bytes, int | None]] = {}
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            status, body, length = routes.get(self.path, (404, b"not found", 9))
            self.send_response(status)
            if length is not None:
                self.send_header("Content-Length", str(length))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{httpd.server_port}", routes=routes, requests=requests)
    httpd.shutdown()
    httpd.server_close()


NOT_HERE = (DIRECTORIES[2024], DIRECTORIES[2025])  # SAMHSA's bytes of these are not in ../shared/data


@pytest.fixture
def mirror(server):
    """`server` as a mirror of every pinned file (`--base-url`): SAMHSA's bytes from ../shared/data, and for
    the files in NOT_HERE, other bytes."""
    for file in catalogue("all"):
        path = SHARED_DATA / file.name
        if file not in NOT_HERE and not path.is_file():
            pytest.skip(f"{path} is not here")
        serve(server, file, BODY if file in NOT_HERE else path.read_bytes())
    return server


def pinned(name: str, body: bytes, host: str) -> DataFile:
    return DataFile(name=f"samhsa/{name}", publisher="test", url=f"{host}/files/{name}",
                    sha256=hashlib.sha256(body).hexdigest(), size=len(body))


def serve(server, file: DataFile, body: bytes, status: int = 200, length: int | None = -1) -> None:
    server.routes[urlsplit(file.url).path] = (status, body, len(body) if length == -1 else length)


def leftovers(dest: Path) -> list[Path]:
    return sorted(dest.rglob("*.partial"))


def test_fetch_stores_each_file_verified(server, tmp_path):
    directory, locator = pinned("directory.xlsx", BODY, server.url), pinned("locator.csv", OTHER, server.url)
    serve(server, directory, BODY)
    serve(server, locator, OTHER)
    report = fetch([directory, locator], tmp_path)
    assert report.fetched == ["samhsa/directory.xlsx", "samhsa/locator.csv"]
    assert report.present == [] and report.failed == []
    assert (tmp_path / "samhsa" / "directory.xlsx").read_bytes() == BODY
    assert (tmp_path / "samhsa" / "locator.csv").read_bytes() == OTHER
    assert leftovers(tmp_path) == []


def test_a_file_present_and_verified_is_not_downloaded_again(server, tmp_path):
    file = pinned("directory.xlsx", BODY, server.url)
    (tmp_path / "samhsa").mkdir()
    (tmp_path / file.name).write_bytes(BODY)
    report = fetch([file], tmp_path)
    assert report.present == [file.name] and report.fetched == [] and report.failed == []
    assert server.requests == []


def test_base_url_replaces_the_publishers_host(server, tmp_path):
    file = pinned("directory.xlsx", BODY, "https://www.samhsa.gov/data")
    assert file.source() == "https://www.samhsa.gov/data/files/directory.xlsx"
    assert file.source(server.url + "/") == f"{server.url}/data/files/directory.xlsx"
    server.routes["/data/files/directory.xlsx"] = (200, BODY, len(BODY))
    assert fetch([file], tmp_path, base_url=server.url).fetched == [file.name]
    assert server.requests == ["/data/files/directory.xlsx"]


FAILURES = {
    # what the server does: (status, body sent, Content-Length sent; -1: the body's), what the error says
    "truncated": (200, BODY[:1000], len(BODY), f"truncated download from {{url}} (1,000 of {len(BODY):,} bytes)"),
    "shorter than pinned": (200, BODY[:1000], None, f"truncated download from {{url}} (1,000 of {len(BODY):,} bytes)"),
    "checksum mismatch": (200, BODY[::-1], -1, "checksum mismatch for {url} (sha256 "),
    "larger than pinned": (200, BODY + b"x", -1, f"{{url}} sends more than the pinned {len(BODY):,} bytes"),
    "http 404": (404, b"gone", -1, "HTTP 404 Not Found from {url}"),
}


@pytest.mark.parametrize("case", [*FAILURES, "connection refused"])
def test_a_failed_download_leaves_nothing_behind(server, tmp_path, case):
    good = pinned("locator.csv", OTHER, server.url)
    (tmp_path / "samhsa").mkdir()
    (tmp_path / good.name).write_bytes(OTHER)
    before = (tmp_path / good.name).stat().st_mtime_ns
    if case == "connection refused":
        host = f"127.0.0.1:{free_port()}"
        bad = pinned("directory.xlsx", BODY, f"http://{host}")
        expected = f"download from {host} failed (connection refused)"
    else:
        status, body, length, expected = FAILURES[case]
        bad = pinned("directory.xlsx", BODY, server.url)
        serve(server, bad, body, status, length)
        expected = expected.format(url=bad.url)

    report = fetch([good, bad], tmp_path)

    assert report.fetched == [] and report.present == [good.name]
    assert len(report.failed) == 1
    assert report.failed[0].startswith(f"{bad.name}: {expected}")
    assert "\n" not in report.failed[0]
    assert not (tmp_path / bad.name).exists()
    assert leftovers(tmp_path) == []
    assert (tmp_path / good.name).read_bytes() == OTHER
    assert (tmp_path / good.name).stat().st_mtime_ns == before


def test_an_existing_file_is_replaced_only_by_a_verified_one(server, tmp_path):
    file = pinned("directory.xlsx", BODY, server.url)
    (tmp_path / "samhsa").mkdir()
    (tmp_path / file.name).write_bytes(b"an older download")
    serve(server, file, BODY[:-1] + b"!")
    assert fetch([file], tmp_path).failed
    assert (tmp_path / file.name).read_bytes() == b"an older download"
    serve(server, file, BODY)
    assert fetch([file], tmp_path).fetched == [file.name]
    assert (tmp_path / file.name).read_bytes() == BODY
    assert leftovers(tmp_path) == []


def test_a_file_without_a_pinned_size_is_verified_by_its_checksum_alone(server, tmp_path, monkeypatch):
    file = replace(pinned("directory.xlsx", BODY, server.url), size=None)
    serve(server, file, BODY, length=None)
    assert fetch([file], tmp_path).fetched == [file.name]
    assert verified(tmp_path / file.name, file)
    (tmp_path / file.name).unlink()
    monkeypatch.setattr(data_files, "UNSIZED_CAP_BYTES", len(BODY) - 1)
    report = fetch([file], tmp_path)
    assert report.failed == [f"{file.name}: {file.url} sends more than the cap of {len(BODY) - 1:,} bytes"]
    assert not (tmp_path / file.name).exists() and leftovers(tmp_path) == []


UNKNOWN_EDITION = "no pinned directory (pinned editions: 2022, 2023, 2024, 2025; or latest, all)"


def test_catalogue_pins_four_editions_of_the_directory_and_the_locator_export():
    assert catalogue() == catalogue("latest") == catalogue("2025") == [DIRECTORIES[2025], LOCATOR]
    assert catalogue("2022") == [DIRECTORIES[2022], LOCATOR]
    assert catalogue("all") == [DIRECTORIES[2022], DIRECTORIES[2023], DIRECTORIES[2024], DIRECTORIES[2025], LOCATOR]
    for edition, file in DIRECTORIES.items():  # the importer reads the edition from the year in the file name
        assert re.findall(r"\d{4}", Path(file.name).name) == [str(edition)]
    for edition in ("2021", "2026", "newest", ""):
        with pytest.raises(DataFileError) as raised:
            catalogue(edition)
        assert str(raised.value) == f"edition {edition}: {UNKNOWN_EDITION}"


@pytest.mark.parametrize("file", [DIRECTORIES[2022], DIRECTORIES[2023], LOCATOR], ids=lambda file: file.name)
def test_pinned_checksums_match_the_shared_data(file):
    path = SHARED_DATA / file.name
    if not path.is_file():
        pytest.skip(f"{path} is not here")
    assert verified(path, file)


def test_fetch_every_pinned_edition_from_a_mirror(mirror, tmp_path):
    """All four editions of the directory and the locator export, from a mirror on 127.0.0.1. The 2022 and
    2023 workbooks and the locator export are SAMHSA's real bytes (../shared/data): they verify against their
    pins and land. SAMHSA's 2024 and 2025 workbooks are not here, so nothing here shows that their pins match
    SAMHSA's files: the mirror serves other bytes for them, and the test shows only that those are refused
    with a checksum mismatch naming the file, and that nothing of them is left behind."""
    report = fetch(catalogue("all"), tmp_path, base_url=mirror.url)
    assert report.fetched == [DIRECTORIES[2022].name, DIRECTORIES[2023].name, LOCATOR.name]
    assert report.present == []
    assert [message.split(": checksum mismatch for ")[0] for message in report.failed] == [
        file.name for file in NOT_HERE]
    assert all(verified(tmp_path / file.name, file) for file in (DIRECTORIES[2022], DIRECTORIES[2023], LOCATOR))
    assert not any((tmp_path / file.name).exists() for file in NOT_HERE)
    assert leftovers(tmp_path) == []


def iopfinder(*args, tmp_path):
    env = dict(os.environ, IOPFINDER_CACHE=str(tmp_path / "cache"))
    return subprocess.run([sys.executable, "-m", "iopfinder.cli", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


def test_cli_reports_each_failure_in_one_line(tmp_path):
    closed = f"127.0.0.1:{free_port()}"
    result = iopfinder("data", "fetch", "--base-url", f"http://{closed}", "--dest", tmp_path / "data",
                       tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {file.name}: download from {closed} failed (connection refused)"
                      for file in catalogue()]
    assert leftovers(tmp_path) == [] and not any((tmp_path / "data").rglob("*.*"))


@pytest.mark.parametrize("edition", ["2019", "newest"])
def test_cli_unknown_edition_is_one_error_line(tmp_path, edition):
    result = iopfinder("data", "fetch", "--edition", edition, tmp_path=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == f"error: edition {edition}: {UNKNOWN_EDITION}"


def summary(stderr: str) -> dict[str, str]:
    """The rows of the summary table the command prints."""
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in stderr.splitlines() if "│" in line]
    return {row[0]: row[1] for row in rows}


def test_cli_fetches_every_edition_and_sums_up(mirror, tmp_path):
    """As test_fetch_every_pinned_edition_from_a_mirror, through the command: other bytes for 2024 and 2025."""
    dest = tmp_path / "data"
    result = iopfinder("data", "fetch", "--edition", "all", "--base-url", mirror.url, "--dest", dest,
                       tmp_path=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert summary(result.stderr) == {"fetched": "3", "already present and verified": "0", "failed": "2"}
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert [line.split(": checksum mismatch for ")[0] for line in errors] == [
        f"error: {file.name}" for file in NOT_HERE]
    assert sorted(path.name for path in (dest / "samhsa").iterdir()) == sorted(
        Path(file.name).name for file in (DIRECTORIES[2022], DIRECTORIES[2023], LOCATOR))

    again = iopfinder("data", "fetch", "--base-url", mirror.url, "--dest", dest, tmp_path=tmp_path)  # latest
    assert summary(again.stderr) == {"fetched": "0", "already present and verified": "1", "failed": "1"}
    assert mirror.requests[-1] == urlsplit(DIRECTORIES[2025].url).path


def test_cli_fetches_the_real_files_from_a_mirror(mirror, tmp_path):
    dest = tmp_path / "data"
    result = iopfinder("data", "fetch", "--edition", "2023", "--base-url", mirror.url, "--dest", dest,
                       tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(dest)  # what `make demo` reads
    assert all(verified(dest / file.name, file) for file in catalogue("2023"))
