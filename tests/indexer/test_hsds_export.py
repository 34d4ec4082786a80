"""The HSDS export (indexer/hsds_export.py): every JSON object it writes valid against the specification's
schemas (read in place from ../shared/hsds), its tabular data package valid for a generic data-package
reader (frictionless) and read back to the same facilities, services and taxonomy terms; facilities
read from an index through one point in time; the export directory replaced whole."""

import json
import shutil
import time
from pathlib import Path

import pytest
from frictionless import Package
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from facility import defaults
from facility.hsds import hsds_id, services
from facility.tally import Tally
from facility.taxonomy import default_taxonomy
from indexer.build import BuildOptions, build
from indexer.hsds_export import (ExportError, facility_counts, move_into_place, staging_directory,
                                 stored_facilities, write_export)
from indexer.hsds_package import SPECIFICATION, load_tables
from tests.facility.factories import make_facility
from tests.hsds_spec import problems, validator

SCHEMAS = SPECIFICATION / "schema"
# Each JSON file and the compiled schema its objects must match (tests/hsds_spec.py).
COMPILED = {"services.ndjson": "service", "organizations.ndjson": "organization",
            "service_at_locations.ndjson": "service_at_location"}
# The taxonomy's files, checked against the specification's own schemas of a term and a taxonomy.
PLAIN = {"taxonomy_terms.ndjson": "taxonomy_term", "taxonomies.ndjson": "taxonomy"}


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def plain_validator(name: str) -> Draft202012Validator:
    """schema/<name>.json, its references ("taxonomy.json") resolved among the specification's schemas."""
    registry = Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
        for path in SCHEMAS.glob("*.json"))
    return Draft202012Validator(json.loads((SCHEMAS / f"{name}.json").read_text()), registry=registry,
                                format_checker=FormatChecker())


def json_errors(directory: Path) -> tuple[int, list[str]]:
    """(objects checked, their errors) over every JSON file of the export."""
    count, errors = 0, []
    for file, name in COMPILED.items():
        check = validator(name)
        with open(directory / "json" / file, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                count += 1
                errors += [f"{file}:{number}: {problem}" for problem in problems(check, json.loads(line))]
    for file, name in PLAIN.items():
        check = plain_validator(name)
        with open(directory / "json" / file, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                count += 1
                errors += [f"{file}:{number}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
                           for e in check.iter_errors(json.loads(line))]
    return count, errors


def package_errors(directory: Path) -> tuple[int, list[str]]:
    """(rows checked, errors): the package as frictionless validates it (types, constraints, keys)."""
    report = Package(directory / "datapackage.json").validate()
    errors = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors] + [
        error.message for error in report.errors]
    return sum(task.stats.get("rows", 0) for task in report.tasks), errors


def read_back(directory: Path, *tables: str) -> dict[str, list[dict]]:
    """Tables of the package as a generic data-package reader gives them (typed values)."""
    package = Package(directory / "datapackage.json")
    return {name: [row.to_dict() for row in package.get_resource(name).read_rows()] for name in tables}


def assert_round_trip(directory: Path, facilities: list[dict]) -> None:
    """The package holds exactly these facilities, their services, and every term of the taxonomy."""
    back = read_back(directory, "organization", "location", "service", "service_at_location", "taxonomy_term")
    assert {row["id"] for row in back["organization"]} == {hsds_id("organization", f["id"]) for f in facilities}
    assert {row["external_identifier"] for row in back["location"]} == {f["id"] for f in facilities}
    expected = {s["id"]: (s["name"], s["status"], s["organization_id"]) for f in facilities for s in services(f)}
    assert {row["id"]: (row["name"], row["status"], row["organization_id"]) for row in back["service"]} == expected
    assert {row["service_id"] for row in back["service_at_location"]} == set(expected)
    assert sorted(row["code"] for row in back["taxonomy_term"]) == sorted(default_taxonomy().by_code)


def records() -> list[dict]:
    """Facilities as stored: with several levels of care, codes, phones, languages and payment; a retired one."""
    return [make_facility(**fields).model_dump(mode="json") for fields in (
        dict(name="Harbor Recovery", levels_of_care=["iop", "residential"],
             service_codes=["OIT", "RES", "MD", "SP", "CBT"], payment=["medicaid", "private_insurance"],
             languages=["spanish"], website="https://harbor.example.org/",
             phones=[{"kind": "intake", "number": "+14345550100", "extension": "12"}]),
        dict(name="Cedar House", street1="3 Elm Street", levels_of_care=["iop", "outpatient"],
             service_codes=["OIT", "OP"], location=None, location_precision="none"),
        dict(name="Maple Valley Center", street1="9 Oak Street", levels_of_care=["php"], service_codes=["ODT"],
             changes=[{"edition": "2023", "as_of": "2022-03-31", "kind": "retired"}]),
    )]


def test_every_object_is_valid_hsds_and_the_package_reads_back_the_same(tmp_path, tables):
    facilities = records()
    summary = write_export(facilities, tables, tmp_path)
    assert (summary.facilities, summary.services) == (3, 5) and summary.files == 27
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [table.path for table in tables.values()] + ["datapackage.json", "json"])
    count, errors = json_errors(tmp_path)
    assert count == 5 + 3 + 5 + 1 + 2 * 225 and errors == []
    rows, errors = package_errors(tmp_path)
    assert errors == [] and rows == sum(summary.rows.values())
    assert_round_trip(tmp_path, facilities)


def test_shared_rows_are_written_once_and_keys_point_at_them(tmp_path, tables):
    facilities = records()
    summary = write_export(facilities, tables, tmp_path)
    assert summary.rows["organizations.csv"] == summary.rows["locations.csv"] == 3
    assert summary.rows["taxonomy_terms.csv"] == 225 and summary.rows["taxonomies.csv"] == 1
    back = read_back(tmp_path, "location", "address", "attribute", "phone", "service")
    harbor = hsds_id("organization", facilities[0]["id"])
    assert {row["organization_id"] for row in back["location"]} >= {harbor}
    assert len(back["address"]) == 3 and len(back["phone"]) == 2  # Harbor's one phone, under each of its services
    iop = hsds_id("service", facilities[0]["id"], "iop")
    assert {row["taxonomy_term_id"] for row in back["attribute"] if row["link_id"] == iop} == {
        hsds_id("taxonomy_term", code) for code in ("OIT", "MD", "SP", "CBT")}
    assert {row["status"] for row in back["service"] if row["organization_id"] == harbor} == {"active"}
    retired = hsds_id("organization", facilities[2]["id"])  # the newest edition no longer lists it
    assert [row["status"] for row in back["service"] if row["organization_id"] == retired] == ["inactive"]
    assert {json.loads(line)["language"] for line in (tmp_path / "json" / "taxonomy_terms.ndjson").open()} == {
        "en", "es"}


def test_a_bad_row_fails_the_package_check(tmp_path, tables):
    write_export(records(), tables, tmp_path)
    services_csv = tmp_path / "services.csv"
    header, first, *rest = services_csv.read_text().splitlines(keepends=True)
    services_csv.write_text(header + first.replace(",active,", ",closed,") + "".join(rest))
    pointing = tmp_path / "service_at_location.csv"
    pointing.write_text(pointing.read_text().replace(first.split(",")[0], hsds_id("service", "nowhere")))
    _, errors = package_errors(tmp_path)
    assert any("constraint \"enum\"" in error for error in errors), errors
    assert any("foreign key" in error.lower() for error in errors), errors


def test_the_export_replaces_the_directory_only_once_complete(tmp_path):
    out = tmp_path / "hsds"
    out.mkdir()
    (out / "datapackage.json").write_text("old")  # an earlier export
    staging = staging_directory(out)
    (staging / "datapackage.json").write_text("new")
    assert (out / "datapackage.json").read_text() == "old"  # untouched while the export is written
    move_into_place(staging, out)
    assert [path.read_text() for path in out.iterdir()] == ["new"]
    assert [path.name for path in tmp_path.iterdir()] == ["hsds"]
    # what a killed export left beside it is cleared by the next one
    (tmp_path / "hsds.partial").mkdir()
    (tmp_path / "hsds.partial" / "half.csv").write_text("half")
    assert list(staging_directory(out).iterdir()) == []


def test_an_unwritable_out_is_an_error_before_anything_is_read(tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(ExportError, match=f"cannot write to --out {tmp_path}/a-file/hsds: Not a directory"):
        staging_directory(tmp_path / "a-file" / "hsds")
    with pytest.raises(ExportError, match=f"--out {tmp_path}/a-file is a file, not a directory"):
        staging_directory(tmp_path / "a-file")
    # a directory of other files is not replaced (`--out .` in a checkout, or a home directory)
    with pytest.raises(ExportError, match=f"--out {tmp_path} holds files but no earlier export"):
        staging_directory(tmp_path)
    assert staging_directory(tmp_path / "new" / "hsds") == tmp_path / "new" / "hsds.partial"


@pytest.mark.integration
def test_facilities_are_read_through_one_point_in_time_in_id_order(es, alias, monkeypatch):
    facilities = [make_facility(name=f"Program {n}", street1=f"{n} Main Street") for n in range(7)]
    retired = make_facility(name="Closed Program", changes=[{"edition": "2023", "as_of": "2022-03-31",
                                                             "kind": "retired"}])
    build(es, iter([*facilities, retired]), Tally(), BuildOptions(alias=alias))
    monkeypatch.setattr(defaults, "EXPORT_BATCH", 3)  # pages of 3: 7 listed facilities take 3 of them
    read = list(stored_facilities(es, alias, include_retired=False))
    assert [f["id"] for f in read] == sorted(f.id for f in facilities)
    assert "names_expanded" not in read[0]  # the index's own search field
    assert {f["id"] for f in stored_facilities(es, alias, include_retired=True)} == {
        f.id for f in [*facilities, retired]}
    assert facility_counts(es, alias) == (7, 1)
    nodes = es.nodes.stats(metric="indices")["nodes"].values()
    assert sum(node["indices"]["search"]["open_contexts"] for node in nodes) == 0  # every point in time closed


@pytest.mark.integration
def test_an_alias_that_does_not_exist_is_an_export_error(es):
    with pytest.raises(ExportError, match="alias 'no-such-alias' does not exist: build the index first"):
        facility_counts(es, "no-such-alias")


def test_the_real_2022_directory_exports_as_valid_hsds(es, api_index, tmp_path, tables):
    """The export of the real 2022 index: every JSON object and every row of the package valid, and the
    package read back the same as the index."""
    started = time.monotonic()
    summary = write_export(stored_facilities(es, api_index, include_retired=True), tables, tmp_path)
    exported = time.monotonic() - started
    count, errors = json_errors(tmp_path)
    assert summary.facilities == 12_175 and summary.services > 25_000 and count == sum(summary.objects.values())
    assert errors[:5] == [], (count, len(errors))
    rows, errors = package_errors(tmp_path)
    assert errors[:5] == [] and rows == sum(summary.rows.values()), (rows, len(errors))
    assert_round_trip(tmp_path, list(stored_facilities(es, api_index, include_retired=True)))
    print(f"exported {summary.facilities:,} facilities in {exported:.0f} s; {count:,} JSON objects "
          f"and {rows:,} rows valid in {time.monotonic() - started:.0f} s")
    shutil.rmtree(tmp_path)  # 1.7 GB, not worth keeping among pytest's last runs once valid
