"""Index builds against the real Elasticsearch started by the test session."""

from datetime import timedelta

import pytest

from facility.tally import Tally
from indexer import BuildError
from indexer.build import BuildOptions, build, live_indices, rollback
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
