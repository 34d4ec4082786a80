"""Index builds against the real Elasticsearch started by the test session."""

import http.client
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch

from facility import defaults
from facility.tally import Tally
from indexer import BuildError
from indexer.build import BuildOptions, _wait_for_green, build, live_indices, rollback
from indexer.mapping import index_body
from indexer.records import read_records
from tests.facility.factories import RETRIEVED, make_facility, source

pytestmark = pytest.mark.integration


def facilities(count: int, prefix: str = "Program"):
    return [make_facility(name=f"{prefix} {n}", location={"lat": 38.0 + n / 1000, "lon": -78.5})
            for n in range(count)]


def run_build(es, alias, records, **options):
    tally = Tally()
    return build(es, iter(records), tally, BuildOptions(alias=alias, bulk_docs=100, **options)), tally


def ids(es, alias):
    hits = es.search(index=alias, size=1000, source=False, sort=["id"])["hits"]["hits"]
    return [hit["_id"] for hit in hits]


def test_build_creates_versioned_index_behind_alias(es, alias):
    result, tally = run_build(es, alias, facilities(250))
    assert result.index.startswith(f"{alias}-") and result.previous is None
    assert live_indices(es, alias) == [result.index]
    assert es.count(index=alias)["count"] == 250 == tally.written
    settings = es.indices.get_settings(index=result.index)[result.index]["settings"]["index"]
    assert "refresh_interval" not in settings  # the load-time "-1" is restored to the default
    near = es.search(index=alias, query={"geo_distance": {"distance": "1mi", "location": {"lat": 38.0, "lon": -78.5}}},
                     size=0, track_total_hits=True)
    assert 0 < near["hits"]["total"]["value"] < 250
    by_name = es.search(index=alias, sort=[{"name.sort": "asc"}], size=3)["hits"]["hits"]
    assert [h["_source"]["name"] for h in by_name] == ["Program 0", "Program 1", "Program 10"]


def test_rebuild_is_idempotent_keeps_previous_prunes_older(es, alias):
    first, _ = run_build(es, alias, facilities(120))
    before = ids(es, alias)
    second, _ = run_build(es, alias, facilities(120))
    third, _ = run_build(es, alias, facilities(120))
    assert ids(es, alias) == before and len(before) == 120
    assert third.previous == second.index and first.index in third.pruned
    assert set(es.indices.get(index=f"{alias}-*")) == {second.index, third.index}


def test_rollback_returns_to_the_previous_index(es, alias):
    first, _ = run_build(es, alias, facilities(100))
    second, _ = run_build(es, alias, facilities(100, prefix="Renamed"))
    assert rollback(es, alias) == (second.index, first.index)
    assert live_indices(es, alias) == [first.index]
    with pytest.raises(BuildError, match="no complete index older than"):
        rollback(es, alias)
    with pytest.raises(BuildError, match="points at no index"):
        rollback(es, alias + "-none")


def test_shrink_guard_refuses_a_much_smaller_index(es, alias):
    first, _ = run_build(es, alias, facilities(100))
    with pytest.raises(BuildError, match="new index would hold 80 facilities, under 90% of the live 100"):
        run_build(es, alias, facilities(80))
    assert live_indices(es, alias) == [first.index]
    assert set(es.indices.get(index=f"{alias}-*")) == {first.index}
    shrunk, _ = run_build(es, alias, facilities(80), allow_shrink=True)
    assert live_indices(es, alias) == [shrunk.index]


def test_failure_mid_load_leaves_live_alias_and_no_half_index(es, alias):
    first, _ = run_build(es, alias, facilities(300))

    def failing():
        yield from facilities(250, prefix="New")
        raise OSError("disk went away mid-load")

    with pytest.raises(OSError, match="mid-load"):
        run_build(es, alias, failing())
    assert live_indices(es, alias) == [first.index]
    assert set(es.indices.get(index=f"{alias}-*")) == {first.index}
    assert es.count(index=alias)["count"] == 300


def test_killed_build_leftovers_are_removed_by_the_next_build(es, alias):
    first, _ = run_build(es, alias, facilities(50))
    leftover = f"{alias}-00000000000000000001"  # a build killed before it completed
    es.indices.create(index=leftover, **index_body(1, 0))
    second, _ = run_build(es, alias, facilities(50))
    assert set(es.indices.get(index=f"{alias}-*")) == {first.index, second.index}


def test_corrupt_input_never_touches_the_live_index(es, alias, tmp_path):
    first, _ = run_build(es, alias, facilities(100))
    path = tmp_path / "corrupt.jsonl"
    lines = [r.model_dump_json() for r in facilities(100)]
    path.write_text("\n".join(lines[:50] + ["\x00garbage"] * 50))
    tally = Tally()
    with pytest.raises(BuildError, match="50 of 100 input lines are invalid"):
        build(es, read_records([path], tally), tally, BuildOptions(alias=alias))
    assert live_indices(es, alias) == [first.index]
    assert set(es.indices.get(index=f"{alias}-*")) == {first.index}


def test_same_facility_in_two_files_merges_with_both_sources(es, alias, tmp_path):
    directory = make_facility(name="Blue Ridge Outpt Trt Ctr", website=None)
    crawled = make_facility(
        name="Blue Ridge Outpt Trt Ctr", website="https://blueridge.example.org",
        sources=[source("findtreatment", RETRIEVED + timedelta(days=3), record_id="frid-1")],
        updated_at=RETRIEVED + timedelta(days=3))
    files = []
    for n, records in enumerate([[directory, *facilities(5)], [crawled]]):
        files.append(tmp_path / f"{n}.jsonl")
        files[-1].write_text("\n".join(r.model_dump_json() for r in records))
    tally = Tally()
    result = build(es, read_records(files, tally), tally, BuildOptions(alias=alias))
    assert result.documents == 6
    stored = es.get(index=alias, id=directory.id)["_source"]
    assert stored["website"] == "https://blueridge.example.org"
    assert [s["name"] for s in stored["sources"]] == ["findtreatment", "test"]
    assert stored["names_expanded"] == "blue ridge outpatient treatment center"
    assert tally.notes["records merged by id"] == 1


class Proxy:
    """A real HTTP server in front of Elasticsearch: it passes every request through and notes it,
    except that it answers bulk requests as a node whose write queue is full does (429), as told:
    the next `whole` bulk requests entirely, then the first `items` documents of the next one."""

    def __init__(self, upstream: str, whole: int = 0, items: int = 0):
        self.upstream = urlsplit(upstream)
        self.whole, self.items = whole, items
        self.requests: list[tuple[str, str]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def relay(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.requests.append((self.command, self.path.split("?")[0]))
                status, headers, answer = proxy.answer(self.command, self.path, dict(self.headers), body)
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def forward(self, method, path, headers, body):
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
        headers = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "connection")}
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        connection.close()
        return response.status, response.getheaders(), answer

    def answer(self, method, path, headers, body):
        if not path.split("?")[0].endswith("/_bulk") or not (self.whole or self.items):
            return self.forward(method, path, headers, body)
        json_headers = [("Content-Type", "application/json"), ("X-Elastic-Product", "Elasticsearch")]
        reason = "rejected execution of coordinating operation [write queue full]"
        if self.whole:
            self.whole -= 1
            error = {"type": "es_rejected_execution_exception", "reason": reason}
            return 429, json_headers, json.dumps({"error": {**error, "root_cause": [error]}, "status": 429}).encode()
        lines = body.decode().splitlines()
        rejected, passed = lines[:2 * self.items], lines[2 * self.items:]
        self.items = 0
        action = next(iter(json.loads(lines[0])))
        items = [{action: {"status": 429, "error": {"reason": reason}}}] * (len(rejected) // 2)
        if passed:
            _, _, answer = self.forward(method, path, headers, ("\n".join(passed) + "\n").encode())
            items += json.loads(answer)["items"]
        return 200, json_headers, json.dumps({"errors": True, "items": items}).encode()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(es_url):
    made = []

    def start(**rejections) -> Proxy:
        made.append(Proxy(es_url, **rejections))
        return made[-1]

    yield start
    for server in made:
        server.close()


RETRIED = "bulk requests retried after 429 (too many requests)"


def test_bulk_requests_turned_away_with_429_are_sent_again(es, alias, proxy, monkeypatch):
    monkeypatch.setattr(defaults, "BULK_BACKOFF_S", 0.05)
    busy = proxy(whole=2, items=30)
    result, tally = run_build(Elasticsearch(busy.url, request_timeout=60), alias, facilities(250))
    assert es.count(index=alias)["count"] == 250 == result.documents
    assert tally.notes[RETRIED] == 3  # twice the whole first batch, once 30 of its documents
    assert sum(path == f"/{result.index}/_bulk" for _, path in busy.requests) == 3 + 3  # 3 batches of 100


def test_a_write_queue_that_stays_full_fails_the_build_cleanly(es, alias, proxy, monkeypatch):
    first, _ = run_build(es, alias, facilities(50))
    monkeypatch.setattr(defaults, "BULK_BACKOFF_S", 0.01)
    monkeypatch.setattr(defaults, "BULK_RETRIES", 3)
    with pytest.raises(BuildError, match=r"still answered 429 \(too many requests\) for 50 documents after 3 retries"):
        run_build(Elasticsearch(proxy(whole=1000).url, request_timeout=60), alias, facilities(50))
    assert live_indices(es, alias) == [first.index]
    assert set(es.indices.get(index=f"{alias}-*")) == {first.index}


def test_records_of_one_facility_in_several_files_merge_a_batch_at_a_time(es, alias, proxy, tmp_path):
    listed = [make_facility(name=f"Program {n}", website=f"https://p{n}.example.org") for n in range(5)]
    later = [make_facility(name=r.name, payment=["private"], website=None,
                           sources=[source("findtreatment", RETRIEVED + timedelta(days=days), record_id=f"f{days}")],
                           updated_at=RETRIEVED + timedelta(days=days))
             for days in (3, 5) for r in listed]
    files = [tmp_path / "listed.jsonl", tmp_path / "later.jsonl"]
    files[0].write_text("".join(r.model_dump_json() + "\n" for r in listed))
    files[1].write_text("".join(r.model_dump_json() + "\n" for r in later))
    watched = proxy()
    tally = Tally()
    result = build(Elasticsearch(watched.url, request_timeout=60), read_records(files, tally), tally,
                   BuildOptions(alias=alias, bulk_docs=4))
    assert result.documents == 5 and tally.notes["records merged by id"] == 10
    for record in listed:
        stored = es.get(index=alias, id=record.id)["_source"]
        assert [s["record_id"] for s in stored["sources"]] == ["f5", "f3", "1"]
        assert stored["payment"] == ["private"] and stored["fields_by_source"] == {"test": ["website"]}
    # 10 records to merge, 4 a batch: 3 reads and 3 writes, none for one record alone
    assert sum(path.endswith("/_mget") for _, path in watched.requests) == 3
    assert not any("/_doc/" in path for _, path in watched.requests)


def test_replicas_a_single_node_cannot_hold_fail_at_once(es, alias):
    first, _ = run_build(es, alias, facilities(50))
    records = iter(facilities(50))
    started = time.monotonic()
    with pytest.raises(BuildError, match=r"1 replica\(s\) need 2 data nodes and the cluster has 1: the new index "
                                         r"could never turn green \(nothing was built\)"):
        build(es, records, Tally(), BuildOptions(alias=alias, replicas=1))
    assert time.monotonic() - started < 10  # not the whole wait for green
    assert len(list(records)) == 50  # not a record read
    assert live_indices(es, alias) == [first.index]
    assert set(es.indices.get(index=f"{alias}-*")) == {first.index}


def test_without_replicas_the_new_index_is_green_when_the_alias_moves(es, alias):
    result, _ = run_build(es, alias, facilities(50), replicas=0)
    assert live_indices(es, alias) == [result.index]
    assert es.cluster.health(index=result.index)["status"] == "green"


def test_an_index_that_does_not_turn_green_in_time_is_not_swapped_in(es, alias):
    stuck = f"{alias}-00000000000000000002"
    es.indices.create(index=stuck, settings={"number_of_replicas": 0,
                                             "index.routing.allocation.require._name": "no-such-node"},
                      wait_for_active_shards="0")
    with pytest.raises(BuildError, match=f"index {stuck} did not turn green within 1 s .1 shard copies unassigned."):
        _wait_for_green(es, stuck, BuildOptions(alias=alias, green_timeout_s=1))
