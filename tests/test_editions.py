"""The real 2022 and 2023 directories imported one after the other into one history, indexed,
searched and built into the site: the newest edition decides what is listed."""

import html
import json
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from facility.elasticsearch_access import Access
from facility.model import Facility
from facility.paths import facility_path
from facility.staging import read_staged
from facility.tally import Tally
from indexer.build import BuildOptions, build
from indexer.records import read_records
from iopfinder.cli import app
from search_api.main import create_app
from search_api.settings import ApiSettings
from sitegen.build import build_site
from sitegen.data import iop_facilities
from tests.conftest import DIRECTORY_2022, LOCATOR_2021, SHARED_DATA

DIRECTORY_2023 = SHARED_DATA / "samhsa" / "national-directory-su-facilities-2023.xlsx"
ALIAS = "test-editions"
AFTER_2022_SURVEY = "2022-01-01"  # before the 2023 edition's survey date (2022-03-31), after 2022's


def import_edition(*workbooks_and_out):
    *workbooks, out = map(str, workbooks_and_out)
    return CliRunner().invoke(app, ["import", "samhsa-directory", *workbooks, "--coords", str(LOCATOR_2021),
                                    "--out", out])


@pytest.fixture(scope="module")
def history(shared_data, tmp_path_factory):
    """(staged history, its records, the 2023 import's stats): one command, the newer workbook named first."""
    out = tmp_path_factory.mktemp("editions") / "samhsa-directory.jsonl"
    result = import_edition(DIRECTORY_2023, DIRECTORY_2022, out)
    assert result.exit_code == 0, result.output
    assert result.stderr.index("2022 (survey of 2021)") < result.stderr.index("2023 (survey of 2022)")
    records = [r for r in read_staged([out], Tally()) if isinstance(r, Facility)]
    return out, records, json.loads(out.with_name(out.name + ".stats.json").read_text())


@pytest.fixture(scope="module")
def edition_index(es, history):
    tally = Tally()
    build(es, read_records([history[0]], tally), tally, BuildOptions(alias=ALIAS, allow_shrink=True))
    yield ALIAS
    for index in es.indices.get(index=f"{ALIAS}-*"):
        es.indices.delete(index=index)


@pytest.fixture(scope="module")
def api(es_url, edition_index):
    with TestClient(create_app(ApiSettings(elasticsearch=Access((es_url,)), alias=edition_index))) as client:
        yield client


def iops(records, status):
    return [r for r in records if r.status == status and "iop" in r.levels_of_care]


def test_the_import_summary_counts_what_the_newer_edition_changed(history):
    _, records, stats = history
    counts = stats["counts"]
    last = Counter(r.changes[-1].kind if r.changes and r.changes[-1].kind in ("new", "retired") else
                   "continued" for r in records)
    assert counts["editions in the history"] == "2022, 2023"
    assert counts["facilities new"] == last["new"] and counts["facilities retired"] == last["retired"]
    assert counts["facilities changed"] + counts["facilities unchanged"] + counts["facilities returned"] == \
        last["continued"]
    assert counts["records with level iop"] == len(iops(records, "listed"))
    assert counts["retired with level iop"] == len(iops(records, "retired"))
    # SAMHSA's own figures, roughly: about a fifth of 2022's 5,525 IOPs gone, 1,400 new ones, 5,600+ in all.
    assert 800 < counts["retired with level iop"] < 1_400 and counts["records with level iop"] > 5_600
    assert 1_000 < len([r for r in iops(records, "listed") if r.changes and r.changes[0].kind == "new"]) < 1_800
    assert all(r.last_listed == "2023" for r in records if r.status == "listed")
    assert all(r.last_listed == "2022" for r in records if r.status == "retired")


def test_importing_the_same_edition_again_or_an_older_one_changes_nothing(history, tmp_path):
    out = tmp_path / "history.jsonl"
    out.write_bytes(history[0].read_bytes())
    for workbook, message in [(DIRECTORY_2023, "edition 2023 is already imported into it"),
                              (DIRECTORY_2022, "edition 2022 is older than edition 2023")]:
        result = import_edition(workbook, out)
        assert result.exit_code == 1 and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    truncated = tmp_path / "directory-2024.xlsx"
    truncated.write_bytes(DIRECTORY_2023.read_bytes()[:400_000])
    result = import_edition(truncated, out)
    assert result.exit_code == 1 and "not a readable XLSX workbook" in result.stderr
    assert out.read_bytes() == history[0].read_bytes()


def test_search_lists_the_newest_editions_iops_and_retired_ones_only_when_asked(api, history):
    records = history[1]
    listed, retired = iops(records, "listed"), iops(records, "retired")
    assert api.get("/v1/facilities", params={"level": "iop", "size": 1}).json()["total"] == len(listed)
    every = api.get("/v1/facilities", params={"level": "iop", "size": 1, "include_retired": "true"}).json()
    assert every["total"] == len(listed) + len(retired) and every["query"]["include_retired"] is True
    gone = retired[0]
    where = {"state": gone.address.state, "q": gone.name, "size": 100}
    assert gone.id not in {r["id"] for r in api.get("/v1/facilities", params=where).json()["results"]}
    found = api.get("/v1/facilities", params={**where, "include_retired": "true"}).json()["results"]
    assert {"id": gone.id, "status": "retired", "last_listed": "2022"}.items() <= \
        next(r for r in found if r["id"] == gone.id).items()
    record = api.get(f"/v1/facilities/{gone.id}").json()
    assert (record["status"], record["last_listed"], record["changes"][-1]["kind"]) == ("retired", "2022", "retired")
    states = {s["code"]: s for s in api.get("/v1/states").json()["states"]}
    in_state = [r for r in listed if r.address.state == gone.address.state]
    assert states[gone.address.state]["iop_facilities"] == len(in_state)


def test_changes_since_a_date_stream_each_editions_changes(api, history):
    records = history[1]
    lines = [json.loads(line) for line in api.get("/v1/changes", params={"since": AFTER_2022_SURVEY}).iter_lines()
             if line]
    expected = Counter(change.kind for r in records for change in r.changes)
    assert Counter(line["kind"] for line in lines) == expected and len(lines) == sum(expected.values())
    assert {(line["edition"], line["as_of"]) for line in lines} == {("2023", "2022-03-31")}
    first = next(line for line in lines if line["kind"] == "added")
    assert {"facility_id", "name", "city", "state", "status", "field", "values"} <= first.keys()
    assert api.get("/v1/changes", params={"since": "2022-04-01"}).text == ""
    bad = api.get("/v1/changes", params={"since": "last week"})
    assert bad.status_code == 422 and "since" in bad.text


def test_exports_take_modified_after(api, history):
    records = history[1]
    changed = [r for r in records if r.status == "listed" and str(r.modified_on) > AFTER_2022_SURVEY]
    assert 0 < len(changed) < len([r for r in records if r.status == "listed"])
    ndjson = api.get("/v1/facilities.ndjson", params={"modified_after": AFTER_2022_SURVEY})
    ids = {json.loads(line)["id"] for line in ndjson.iter_lines() if line}
    assert ids == {r.id for r in changed} and ndjson.headers["X-Total-Count"] == str(len(changed))
    csv = api.get("/v1/facilities.csv", params={"modified_after": "2022-03-31"})
    assert csv.headers["X-Total-Count"] == "0" and len(csv.text.strip().splitlines()) == 1
    assert api.get("/v1/facilities.csv", params={"modified_after": "2022-13-01"}).status_code == 422


def test_the_site_lists_the_newest_edition_and_keeps_retired_pages_unlisted(es, edition_index, history,
                                                                             tmp_path):
    records = history[1]
    out = tmp_path / "www"
    summary = build_site(list(iop_facilities(es, edition_index)), out, api_url="", base_url="https://iop.example")
    assert summary.facilities == len(iops(records, "listed"))
    gone = next(r for r in iops(records, "retired") if r.location)
    page = html.unescape((out / facility_path(gone.model_dump()).strip("/") / "index.html").read_text())
    assert "Not in SAMHSA's 2023 directory: it may have closed or stopped reporting. Call before you go." in page
    assert "Other IOPs nearby" in page and "What changed since the 2022 directory" in page
    spanish = (out / "es" / facility_path(gone.model_dump()).strip("/") / "index.html").read_text()
    assert "No figura en el directorio de SAMHSA de 2023" in spanish
    assert facility_path(gone.model_dump()) not in (out / "sitemap.xml").read_text()
    state = (out / "states" / gone.address.state.lower() / "index.html").read_text()
    assert facility_path(gone.model_dump()) not in state
    new = next(r for r in iops(records, "listed") if r.changes and r.changes[0].kind == "new")
    assert "2023 directory: newly listed." in (out / facility_path(new.model_dump()).strip("/") / "index.html").read_text()
