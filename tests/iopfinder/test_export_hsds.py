"""`iopfinder export hsds` as a user runs it: a real process, a real index, the export read back."""

import json

import pytest
from elasticsearch.helpers import scan

from facility.tally import Tally
from indexer.build import BuildOptions, build
from iopfinder.elasticsearch_node import free_port
from tests.facility.factories import make_facility
from tests.indexer.test_hsds_export import assert_round_trip, package_errors, read_back
from tests.iopfinder.test_cli import iopfinder

pytestmark = pytest.mark.integration

RETIRED = [{"edition": "2023", "as_of": "2022-03-31", "kind": "retired"}]


def indexed(es, alias) -> tuple[list[dict], list[dict]]:
    """Three listed facilities and a retired one behind the alias: (listed, retired) as stored."""
    facilities = [make_facility(name="Harbor Recovery", levels_of_care=["iop", "residential"],
                                service_codes=["OIT", "RES", "MD"], languages=["spanish"]),
                  make_facility(name="Cedar House", street1="3 Elm Street", levels_of_care=["iop", "outpatient"]),
                  make_facility(name="Birch Center", street1="5 Pine Street", payment=["medicare"]),
                  make_facility(name="Maple Valley", street1="9 Oak Street", levels_of_care=["php"], changes=RETIRED)]
    build(es, iter(facilities), Tally(), BuildOptions(alias=alias))
    stored = [hit["_source"] for hit in scan(es, index=alias)]
    return [f for f in stored if f["status"] == "listed"], [f for f in stored if f["status"] == "retired"]


def test_export_writes_the_package_and_the_json_form_with_a_summary(tmp_path, es, es_url, alias):
    listed, retired = indexed(es, alias)
    out = tmp_path / "hsds"
    out.mkdir()  # empty: written into
    done = iopfinder("export", "hsds", "--out", out, "--alias", alias, es_url=es_url, check=True)
    assert f"Exported '{alias}' as HSDS 3.1 into {out}" in done.stderr
    summary = {cells[1].strip(): cells[2].strip() for line in done.stderr.splitlines()
               if len(cells := line.split("│")) == 4}
    assert summary["read"] == "3" and summary["services"] == "5"
    assert summary["retired facilities left out (--include-retired adds them)"] == "1"
    assert summary["rows in services.csv"] == "5" and summary["rows in taxonomy_terms.csv"] == "225"
    assert summary["objects in json/taxonomy_terms.ndjson"] == "450" and summary["files written"] == "27"
    assert (out / "json" / "services.ndjson").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["hsds", "hsds.stats.json"]
    stats = json.loads((tmp_path / "hsds.stats.json").read_text())
    assert (stats["job"], stats["outcome"], stats["read"], stats["unit"]) == ("export hsds", "ok", 3, "facilities")
    assert package_errors(out)[1] == []
    assert_round_trip(out, listed)

    (out / "not-in-the-next-export.txt").write_text("")
    iopfinder("export", "hsds", "--out", out, "--alias", alias, "--include-retired", es_url=es_url, check=True)
    assert not (out / "not-in-the-next-export.txt").exists()  # the earlier export replaced whole
    assert_round_trip(out, listed + retired)
    statuses = {row["name"]: row["status"] for row in read_back(out, "service")["service"]}
    assert statuses["Partial hospitalization / day treatment: Maple Valley"] == "inactive"
    assert statuses["Intensive outpatient (IOP): Cedar House"] == "active"


def test_bad_input_is_one_clear_line_and_leaves_the_export_before_it(tmp_path, es, es_url, alias):
    indexed(es, alias)
    out = tmp_path / "hsds"
    iopfinder("export", "hsds", "--out", out, "--alias", alias, es_url=es_url, check=True)
    before = sorted(path.name for path in out.rglob("*"))

    def fails(*args, es_url=es_url) -> str:
        result = iopfinder("export", "hsds", *args, es_url=es_url)
        assert result.returncode == 1, result.stderr
        assert sorted(path.name for path in out.rglob("*")) == before  # the old export, whole
        assert not (tmp_path / "hsds.partial").exists()  # and nothing half-written beside it
        return result.stderr.strip()

    assert fails("--out", out, "--alias", "no-such-alias") == (
        "error: alias 'no-such-alias' does not exist: build the index first (`iopfinder index`)")
    down = f"http://127.0.0.1:{free_port()}"
    assert fails("--out", out, "--alias", alias, es_url=down) == (
        f"error: Elasticsearch at {down} is unreachable (ConnectionError)")
    assert json.loads((tmp_path / "hsds.stats.json").read_text())["outcome"] == "failed"
    (tmp_path / "a-file").write_text("")
    assert fails("--out", tmp_path / "a-file" / "hsds", "--alias", alias) == (
        f"error: cannot write to --out {tmp_path}/a-file/hsds: Not a directory")
    assert fails("--out", tmp_path / "a-file", "--alias", alias) == (
        f"error: --out {tmp_path}/a-file is a file, not a directory")
    assert fails("--out", tmp_path, "--alias", alias) == (
        f"error: --out {tmp_path} holds files but no earlier export (no datapackage.json): "
        "name a new or empty directory")
    assert fails("--out", out, "--alias", alias, "--spec", tmp_path).startswith(
        f"error: cannot read the HSDS specification in {tmp_path} (FileNotFoundError: ")
