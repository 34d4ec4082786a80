"""The FindTreatment spider against a local stand-in for SAMHSA's locator, built from the real
listing response in ../shared/data and from responses saved in its shape (tests/crawler/samples/locator),
through the real `iopfinder crawl findtreatment` command (and Scrapy's own `scrapy crawl findtreatment`)."""

import json
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from facility.identity import facility_id
from tests.conftest import SHARED_DATA

SAMPLE = SHARED_DATA / "findtreatment" / "listing_response_sample.json"
REPOSITORY = Path(__file__).resolve().parents[3]
SAVED = REPOSITORY / "tests" / "crawler" / "samples" / "locator"
VA, WY, MD, PA, OH = "51", "56", "24", "42", "39"
# Answers in the shapes the live locator gives (2026): a facility once per type of care, under another
# _irow and frid on each page; `services: null` for an opioid treatment program; `type_facility` for
# `typeFacility`; and a bad parameter answered with status 200 and a line of plain text.
SAVED_ANSWERS = {(PA, "1"): ("care_types_page1.json", "application/json"),
                 (PA, "2"): ("care_types_page2.json", "application/json"),
                 (OH, "1"): ("bad_parameters.txt", "text/plain; charset=utf-8")}


def listing(rows, page, size, total_pages=None):
    pages = total_pages if total_pages is not None else -(-len(rows) // size)
    return {"page": page, "totalPages": pages, "recordCount": len(rows),
            "rows": rows[(page - 1) * size: page * size]}


class StandIn(BaseHTTPRequestHandler):
    rows: list = []
    requests: list = []

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/robots.txt":
            return self.reply(b"User-agent: *\nAllow: /\n", "text/plain")
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.requests.append(query)
        size, page, state = int(query["pageSize"]), int(query["page"]), query["limitValue"]
        if (state, query["page"]) in SAVED_ANSWERS:
            name, kind = SAVED_ANSWERS[state, query["page"]]
            return self.reply((SAVED / name).read_bytes(), kind)
        if state == VA or query["limitType"] == "2":  # around a point: the sample is a Charlottesville search
            body = listing(self.rows, page, size)
        elif state == MD and page == 2:
            return self.reply(b'{"page": 2, "rows": [', "application/json")  # cut off mid-response
        elif state == MD:
            body = listing(self.rows[:3], 1, size, total_pages=2)
        else:
            body = {"page": 1, "totalPages": 0, "recordCount": 0, "rows": []}
        self.reply(json.dumps(body).encode(), "application/json")

    def reply(self, body: bytes, kind: str):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", "max-age=600")  # a crawl's HTTP cache keeps it and reads it back
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def environment(tmp_path, **variables) -> dict:
    return dict(os.environ, COLUMNS="200", IOPFINDER_HTTP_CACHE_DIR=str(tmp_path / "http"), **variables)


@contextmanager
def serving():
    rows = json.loads(SAMPLE.read_text())["rows"]
    rows[5] = dict(rows[5], zip="ABCDE")  # a malformed row
    StandIn.rows, StandIn.requests = rows, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def stand_in():
    with serving() as url:
        yield url


def test_crawl_extracts_cleans_and_counts(stand_in, tmp_path, imported_2022):
    out = tmp_path / "findtreatment.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "iopfinder.cli", "crawl", "findtreatment", "--state", "VA", "--state", "WY",
         "--state", "MD", "--page-size", "10", "--base-url", f"{stand_in}/locator/listing", "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env=environment(tmp_path, IOPFINDER_CRAWL_MAX_FAILURE_SHARE="0.2"))
    assert result.returncode == 0, result.stderr
    # the parameters SAMHSA's own client sends
    for query in StandIn.requests:
        assert query["sType"] == "SA" and query["sCodes"] == "OIT" and query["pageSize"] == "10"
        assert query["limitType"] == "0" and query["sort"] == "0"
    pages = sorted((q["limitValue"], q["page"]) for q in StandIn.requests)
    assert pages == [(MD, "1"), (MD, "2"), (VA, "1"), (VA, "2"), (VA, "3"), (WY, "1")]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    # VA: 30 rows less the malformed one, a facility's MH and SA rows one record; MD: 3 of VA's rows again
    assert len(records) == 28
    assert "bad zip" in result.stderr and "page not a listing (malformed JSON)" in result.stderr
    # MD's cut-off page is one failed request of six: under this run's threshold of 20%, not the default 10%
    stats = json.loads((tmp_path / "findtreatment.jsonl.stats.json").read_text())
    assert (stats["outcome"], stats["reason"], stats["threshold"]) == ("ok", None, 0.2)
    assert (stats["failed"], stats["attempted"], stats["failure_share"]) == (1, 6, round(1 / 6, 6))
    assert (stats["read"], stats["written"], stats["dropped_by_reason"]) == (33, 28, {
        "bad zip": 1, "page not a listing (malformed JSON)": 1})
    assert stats["errors"] == {} and stats["counts"]["closed because"] == "finished"
    assert (tmp_path / "http" / "findtreatment").is_dir()
    mohr = next(r for r in records if r["name2"] == "Mohr Center")
    # one record from both searches, under _irow 1 in each; a row's frid is no id of its facility
    searched = sorted(parse_qs(urlparse(source["url"]).query)["limitValue"][0] for source in mohr["sources"])
    assert searched == [MD, VA] and {(s["name"], s["record_id"]) for s in mohr["sources"]} == {
        ("samhsa-findtreatment", None)}
    # the Stanardsville clinic's MH row (ages: seniors) and SA row (type of care: substance use) are one record
    stanardsville = [r for r in records if r["address"]["street1"] == "9963 Spotswood Trail"]
    assert len(stanardsville) == 1 and {"SNR", "SA"} <= set(stanardsville[0]["service_codes"])
    assert mohr["website"] == "http://www.regionten.org" and mohr["location_precision"] == "address"
    assert mohr["location"] == {"lat": 38.0282239, "lon": -78.4725231}
    assert mohr["phones"][:2] == [{"kind": "main", "number": "+14349798871", "extension": None},
                                  {"kind": "intake", "number": "+14349721800", "extension": None}]
    assert mohr["levels_of_care"] == ["residential"] and "medicaid" in mohr["payment"]
    assert "SS" in mohr["service_codes"] and mohr["payment_assistance"] == ["sliding_fee"]
    # the same facility as in the 2022 directory import resolves to the same id
    directory_ids = {json.loads(line)["id"] for line in imported_2022[0].read_text().splitlines()}
    assert sum(r["id"] in directory_ids for r in records) >= 6
    assert any(r["name"] == "Region Ten Community Services Board" and r["id"] in directory_ids for r in records)


def test_crawl_around_a_point_sends_the_point_and_radius_in_metres(stand_in, tmp_path):
    out = tmp_path / "near.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "iopfinder.cli", "crawl", "findtreatment", "--near", "22902", "--radius-mi", "10",
         "--page-size", "10", "--base-url", f"{stand_in}/locator/listing", "--out", str(out)],
        capture_output=True, text=True, timeout=300, env=environment(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(q["page"] for q in StandIn.requests) == ["1", "2", "3"]
    for query in StandIn.requests:
        assert query["limitType"] == "2" and query["limitValue"] == "16093"  # 10 miles
        lat, lon = map(float, query["sAddr"].split(","))  # latitude first
        assert abs(lat - 38.03) < 0.05 and abs(lon + 78.48) < 0.05  # ZIP 22902, Charlottesville
    assert len(out.read_text().splitlines()) == 28


def test_near_and_state_together_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "iopfinder.cli", "crawl", "findtreatment", "--near", "22902", "--state", "VA",
         "--out", str(tmp_path / "x.jsonl")], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 1 and "--near and --state cannot be combined" in result.stderr


def undated(path: Path) -> dict[str, str]:
    """Each facility's last record, less the moments it was read at (the two crawls run one after the other)."""
    records = {}
    for line in path.read_text().splitlines():
        record = json.loads(line)
        for dated, keys in [(record, ("updated_at", "verified_on")),
                            *((source, ("retrieved_at", "as_of")) for source in record["sources"])]:
            for key in keys:
                dated.pop(key)
        records[record["id"]] = json.dumps(record, sort_keys=True)
    return records


def test_scrapy_crawl_writes_the_records_iopfinder_crawl_stages(stand_in, tmp_path):
    listing, staged, exported = f"{stand_in}/locator/listing", tmp_path / "staged.jsonl", tmp_path / "out.jsonl"
    iopfinder = subprocess.run(
        [sys.executable, "-m", "iopfinder.cli", "crawl", "findtreatment", "--state", "VA", "--page-size", "10",
         "--base-url", listing, "--out", str(staged)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
        env=environment(tmp_path))
    assert iopfinder.returncode == 0, iopfinder.stderr
    scrapy = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "findtreatment", "-a", "state=VA", "-a", "page_size=10",
         "-a", f"base_url={listing}", "-o", str(exported), "-s", "HTTPCACHE_ENABLED=False"],
        capture_output=True, text=True, timeout=300, cwd=REPOSITORY)
    assert scrapy.returncode == 0, scrapy.stderr
    # an item for each row kept: a facility's later rows add to its earlier record
    assert len(exported.read_text().splitlines()) == 29 and undated(exported) == undated(staged)
    assert "'dropped/bad zip': 1" in scrapy.stderr  # Scrapy's closing stats count the malformed row


def test_the_http_cache_is_in_the_cache_folder_whatever_the_working_directory(stand_in, tmp_path):
    env = dict(os.environ, IOPFINDER_CACHE=str(tmp_path / "cache"))
    env.pop("IOPFINDER_HTTP_CACHE_DIR", None)
    for folder in ("one", "another"):
        (tmp_path / folder).mkdir()
        result = subprocess.run(
            [sys.executable, "-m", "iopfinder.cli", "crawl", "findtreatment", "--state", "VA", "--page-size", "10",
             "--base-url", f"{stand_in}/locator/listing", "--out", "staged.jsonl"],
            capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path / folder)
        assert result.returncode == 0, result.stderr
        assert sorted(path.name for path in (tmp_path / folder).iterdir()) == [
            "staged.jsonl", "staged.jsonl.stats.json"]
    assert [path.name for path in (tmp_path / "cache" / "http").iterdir()] == ["findtreatment"]
    assert len(StandIn.requests) == 3  # the crawl from another folder read all three pages from the same cache
    assert undated(tmp_path / "one" / "staged.jsonl") == undated(tmp_path / "another" / "staged.jsonl")


@pytest.fixture(scope="module")
def crawled_shapes(tmp_path_factory):
    """One crawl of the saved answers: Pennsylvania's two pages, and Ohio's answered in plain text."""
    tmp_path = tmp_path_factory.mktemp("shapes")
    out = tmp_path / "shapes.jsonl"
    with serving() as url:
        result = subprocess.run(
            [sys.executable, "-m", "iopfinder.cli", "crawl", "findtreatment", "--state", "PA", "--state", "OH",
             "--page-size", "3", "--base-url", f"{url}/locator/listing", "--out", str(out)],
            capture_output=True, text=True, timeout=300, cwd=tmp_path,
            env=environment(tmp_path, IOPFINDER_CRAWL_MAX_FAILURE_SHARE="0.5"))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    stats = json.loads((tmp_path / "shapes.jsonl.stats.json").read_text())
    return records, stats, result.stderr


def named(records: list[dict], name: str) -> dict:
    [record] = [r for r in records if r["name"] == name]
    return record


def test_a_facility_under_another_irow_and_frid_is_one_record(crawled_shapes):
    records, stats, _ = crawled_shapes
    assert len(records) == 3 and (stats["read"], stats["written"]) == (5, 3)
    allegheny = named(records, "Allegheny Valley Recovery Center")  # rows 1 and 3 on page 1, row 4 on page 2
    assert allegheny["id"] == facility_id("Allegheny Valley Recovery Center", None, "410 Penn Avenue", "Suite 300",
                                          "Pittsburgh", "PA", "15222")
    assert [parse_qs(urlparse(s["url"]).query)["page"] for s in allegheny["sources"]] == [["1"], ["2"]]
    assert all(s["record_id"] is None for s in allegheny["sources"])  # each row has its own frid
    assert stats["notes"]["rows merged into an earlier row of the same facility"] == 2


def test_a_plain_text_answer_is_a_failed_request_named_by_its_text(crawled_shapes):
    _, stats, stderr = crawled_shapes
    reason = 'page not a listing (plain text: "Invalid parameter: limitValue")'
    assert stats["dropped_by_reason"] == {reason: 1}
    assert (stats["failed"], stats["attempted"]) == (1, 3)
    assert reason in stderr and f"limitValue={OH}" in stderr  # the warning names the page


def test_an_opioid_treatment_program_without_services_is_kept_without_codes(crawled_shapes):
    records, stats, _ = crawled_shapes
    program = named(records, "Three Rivers Opioid Treatment Program")
    assert program["service_codes"] == [] and program["levels_of_care"] == [] and program["payment"] == []
    assert program["phones"] == [{"kind": "main", "number": "+14125550172", "extension": None}]
    assert stats["notes"]["rows without services: OTP"] == 1


def test_the_rows_of_each_type_of_care_are_one_record_with_the_services_of_both(crawled_shapes):
    records, _, _ = crawled_shapes
    allegheny = named(records, "Allegheny Valley Recovery Center")
    # SA's row: substance use, outpatient, IOP, Medicaid, cash, adults; MH's: private insurance, Spanish
    assert allegheny["service_codes"] == ["SA", "OP", "OIT", "MD", "SF", "ADLT", "PI", "SP"]
    assert "private" in allegheny["payment"] and "medicaid" in allegheny["payment"]
    assert [p["number"] for p in allegheny["phones"]] == ["+14125550140", "+14125550141", "+14125550199"]
    assert allegheny["website"] == "https://www.alleghenyvalleyrecovery.example.org"  # the first row's


def test_the_type_of_facility_is_read_under_either_spelling(crawled_shapes):
    _, stats, _ = crawled_shapes
    types = {what: count for what, count in stats["notes"].items() if what.startswith("rows of type")}
    assert types == {"rows of type SA": 3, "rows of type MH": 1, "rows of type OTP": 1}  # MH: `type_facility`
