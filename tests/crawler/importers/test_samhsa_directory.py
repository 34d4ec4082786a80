import json
from collections import Counter
from datetime import date, datetime, timezone

import pytest
from typer.testing import CliRunner

from crawler.importers import SourceFileError
from crawler.importers.samhsa_directory import (
    FACILITY_COLUMNS, SURVEYS, Directory, import_directory, parse_edition)
from facility.tally import Tally
from iopfinder.cli import app
from tests.conftest import DIRECTORY_2022
from tests.crawler.importers.workbooks import (
    HEADER_2023, REFERENCE_HEADER_2023, reference_2023, row, write_workbook)

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def run(path, edition=None):
    tally = Tally()
    records = list(import_directory(Directory(path, edition), NOW, tally))
    return records, tally


def write_2023(path, rows, header=HEADER_2023):
    return write_workbook(path, rows, header=header, reference=reference_2023(),
                          reference_header=REFERENCE_HEADER_2023)


def read_staged(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle]


def test_2022_directory_counts(imported_2022):
    path, tally = imported_2022
    records = read_staged(path)
    assert tally.read == 12_176
    assert not tally.dropped
    # Eleven numbers of the right shape that no one can dial (area codes 333, 558, 976, ...).
    assert sum(n for what, n in tally.notes.items() if what.startswith("phone numbers dropped")) == 11
    assert not any(what.startswith(("codes", "extra columns", "edition")) for what in tally.notes)
    assert tally.notes["rows merged: identical to an earlier row"] == 1
    assert len(records) == tally.written == 12_175
    assert len({r["id"] for r in records}) == len(records)
    assert sum("iop" in r["levels_of_care"] for r in records) == 5_525
    precision = Counter(r["location_precision"] for r in records)
    assert precision["address"] >= 9_400
    assert precision["none"] <= 0.005 * len(records)
    assert len({r["address"]["state"] for r in records}) == 56
    assert not any(r["unknown_codes"] for r in records)


def test_2022_record_is_complete(imported_2022):
    records = {r["name"]: r for r in read_staged(imported_2022[0])}
    shelby = records["Shelby County Treatment Center"]
    assert shelby["address"] == {"street1": "750 Highway 31 South", "street2": None,
                                 "city": "Alabaster", "state": "AL", "zip": "35007"}
    assert shelby["phones"] == [{"kind": "main", "number": "+12052160200", "extension": None}]
    assert {"iop", "outpatient", "outpatient_detox", "methadone_bup_naltrexone"} <= set(shelby["levels_of_care"])
    assert {"medicaid", "medicare", "private", "self_pay"} <= set(shelby["payment"])
    assert shelby["telehealth"] and shelby["co_occurring"]
    assert {"methadone", "buprenorphine", "naltrexone"} == set(shelby["opioid_medications"])
    assert "OIT" in shelby["service_codes"] and "*" not in shelby["service_codes"]
    assert shelby["sources"][0]["name"] == "samhsa-national-directory"
    assert shelby["sources"][0]["edition"] == "2022"
    assert shelby["sources"][0]["record_id"] == "Facilities List row 2"
    assert shelby["sources"][0]["as_of"] == str(SURVEYS[2022].reference_date)
    assert shelby["verified_on"] == str(SURVEYS[2022].reference_date)


def test_2022_records_are_dated_by_the_survey_not_the_import(records_2022):
    assert {s["as_of"] for r in records_2022 for s in r["sources"]} == {str(SURVEYS[2022].reference_date)}
    assert max(r["verified_on"] for r in records_2022) <= "2022-12-31"
    assert all(s["retrieved_at"][:10] > s["as_of"] for r in records_2022 for s in r["sources"])


def test_ids_are_stable_across_imports(imported_2022, tmp_path):
    first = [r["id"] for r in read_staged(imported_2022[0])]
    again = [r.id for r in import_directory(Directory(DIRECTORY_2022), NOW, Tally())]
    assert again == first


def test_exact_duplicates_merge_distinct_programs_stay(tmp_path):
    path = write_workbook(tmp_path / "d-2022.xlsx", [
        row(),
        row(),  # the same row twice: one facility with both rows as sources
        row(name2="Adolescent Program"),  # another program at the same address
        row(street2="Building B"),
        row(service_code_info="SA * ORT * MD"),  # same identity, other services
    ])
    records, tally = run(path)
    assert len(records) == 4 and len({r.id for r in records}) == 4
    assert tally.notes["rows merged: identical to an earlier row"] == 1
    assert tally.notes["rows told apart by a variant (same identity, different content)"] == 2
    merged = records[0]
    assert [s.record_id for s in merged.sources] == ["Facilities List row 2", "Facilities List row 3"]


def test_malformed_rows_are_skipped_and_counted(tmp_path):
    path = write_workbook(tmp_path / "d-2022.xlsx", [
        row(state="ZZ"),
        row(zip="ABCDE"),
        row(name1=""),
        row(city=""),
        row(phone="555-12", intake1="434-555-0199 x7", intake2="333-440-8534", intake1a="555-555-0100"),
        row(name1="Other", service_code_info="SA * OIT * QQQ"),
    ])
    records, tally = run(path)
    assert tally.read == 6
    assert tally.dropped == {"bad state": 1, "bad zip": 1, "missing facility name": 1, "missing city": 1}
    assert tally.notes["phone numbers dropped: phone not a 10-digit US number"] == 1
    # The right shape, but no such area code: phonenumbers' numbering plan rejects them.
    assert tally.notes["phone numbers dropped: intake2 not an assigned number (no such area code or exchange)"] == 1
    assert tally.notes["phone numbers dropped: intake1a not an assigned number (no such area code or exchange)"] == 1
    assert [p.model_dump() for p in records[0].phones] == [
        {"kind": "intake", "number": "+14345550199", "extension": "7"}]
    assert records[1].unknown_codes == ["QQQ"] and "QQQ" in records[1].service_codes
    assert tally.notes["unknown codes kept raw: QQQ"] == 1


def test_codes_are_read_through_the_files_own_reference(tmp_path):
    records, tally = run(write_workbook(tmp_path / "d.xlsx", [row()]), edition=2022)
    assert records[0].payment == ["medicaid", "a_payment_program_a_later_edition_adds"]
    assert records[0].unknown_codes == []
    assert tally.notes["codes new in this edition's reference (filed by category): NEWP"] == 1


def written(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: p, "file not found"),
    (lambda p: written(p, "name1,name2\nnot,a workbook\n"), "not a readable XLSX workbook"),
    (lambda p: written(p, ""), "not a readable XLSX workbook"),
    (lambda p: write_workbook(p, [], sheets=("Facilities List",)), "missing sheet(s) 'Service Code Reference'"),
    (lambda p: write_workbook(p, [], header=("name1", "name2", "street1")), "lacks column(s) street2, city"),
])
def test_bad_files_give_one_clear_error(tmp_path, make, message):
    path = make(tmp_path / "directory.xlsx")
    with pytest.raises(SourceFileError) as raised:
        Directory(path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_a_2023_shaped_edition_imports(tmp_path):
    path = write_2023(tmp_path / "national-directory-su-facilities-2023.xlsx", [
        row(service_code_info="SA * OIT * MD * DLC MWS"),
        row(name1="Harbor House", service_code_info="SA * ORT * MC * BUM"),
    ])
    records, tally = run(path)
    assert len(records) == tally.read == 2 and not tally.dropped
    first, second = records
    assert first.levels_of_care == ["iop"] and first.payment == ["medicaid"]
    assert first.opioid_treatment == ["withdrawal_with_lofexidine_or_clonidine", "maintenance_with_a_planned_end"]
    assert first.unknown_codes == [] and first.sources[0].edition == "2023"
    assert second.opioid_treatment == ["buprenorphine_maintenance"] and second.payment == ["medicare"]
    notes = {what for what in tally.notes if what.startswith("codes")}
    assert notes == {"codes new in this edition's reference (filed by category): DLC",
                     "codes new in this edition's reference (filed by category): MWS",
                     "codes in our taxonomy this edition's reference lacks: BMW",
                     "codes in our taxonomy this edition's reference lacks: MMW",
                     "codes in our taxonomy this edition's reference lacks: ULC"}
    assert not any(what.startswith("extra columns") for what in tally.notes)


@pytest.mark.parametrize("spelling, column", [
    ("SERVICE_CODE_INFO", "service_code_info"), ("service code info", "service_code_info"),
    ("Name_1", "name1"), ("zip_code", "zip"), ("Zip Code", "zip"), (" STATE ", "state"),
])
def test_headers_match_whatever_the_case_spaces_and_underscores(tmp_path, spelling, column):
    header = [spelling if name == column else name for name in FACILITY_COLUMNS]
    records, tally = run(write_workbook(tmp_path / "d-2023.xlsx", [row()], header=header))
    assert len(records) == 1 and records[0].address.zip == "22902" and "OIT" in records[0].service_codes


def test_extra_columns_are_reported_not_fatal(tmp_path):
    path = write_2023(tmp_path / "d-2023.xlsx", [row() + ["Albemarle"]], header=HEADER_2023 + ["County"])
    records, tally = run(path)
    assert len(records) == 1
    assert tally.notes["extra columns not read: Facilities List: County"] == 1


def test_a_missing_column_is_one_line_naming_it(tmp_path):
    path = write_2023(tmp_path / "d-2023.xlsx", [], header=[h for h in HEADER_2023 if h != "City"])
    with pytest.raises(SourceFileError) as raised:
        Directory(path)
    assert str(raised.value) == f"{path}: sheet 'Facilities List' lacks column(s) city"
    path = write_workbook(tmp_path / "r-2023.xlsx", [], reference_header=["Category_Code", "Service_Code"])
    with pytest.raises(SourceFileError, match="sheet 'Service Code Reference' lacks column"
                                              r"\(s\) service_name, service_description$"):
        Directory(path)


def test_the_edition_comes_from_the_file_name_or_is_given(tmp_path):
    assert Directory(write_2023(tmp_path / "national-directory-su-facilities-2023.xlsx", [])).edition == 2023
    assert Directory(write_2023(tmp_path / "National Directory SU 2024_Final.xlsx", [])).edition == 2024
    unnamed = write_2023(tmp_path / "directory.xlsx", [])
    assert Directory(unnamed, 2023).edition == 2023
    with pytest.raises(SourceFileError, match="no edition year in the file name; give one with --edition YEAR"):
        Directory(unnamed)
    named = write_2023(tmp_path / "directory-2023.xlsx", [])
    assert Directory(named, 2023).edition == 2023
    with pytest.raises(SourceFileError, match="the file name says edition 2023, but 2022 was given"):
        Directory(named, 2022)


@pytest.mark.parametrize("text", ["abc", "20233", "1850", "", "2023.0", str(date.today().year + 2)])
def test_an_edition_that_is_not_a_year_is_refused(text):
    with pytest.raises(ValueError, match="is not an edition year"):
        parse_edition(text)


@pytest.mark.parametrize("edition, last_day", [(2022, "2022-12-31"), (2023, "2023-12-31")])
def test_sources_are_dated_by_the_editions_survey(tmp_path, edition, last_day):
    records, tally = run(write_2023(tmp_path / f"directory-{edition}.xlsx", [row(), row(name1="Other")]))
    survey = SURVEYS[edition]
    assert survey.year == edition - 1
    assert {s.as_of for r in records for s in r.sources} == {survey.reference_date}
    assert {s.retrieved_at for r in records for s in r.sources} == {NOW}
    assert all(r.verified_on == survey.reference_date and str(r.verified_on) <= last_day for r in records)


def test_an_edition_not_in_the_table_is_dated_march_31_of_the_year_before(tmp_path):
    records, tally = run(write_2023(tmp_path / "directory-2019.xlsx", [row()]))
    assert records[0].sources[0].as_of == date(2018, 3, 31)
    assert tally.notes["edition 2019 not in the survey table: as of 2018-03-31 (March 31 of the year before)"] == 1


def cli(*args):
    return CliRunner().invoke(app, ["import", "samhsa-directory", *map(str, args)])


def test_the_command_takes_an_edition_and_refuses_a_bad_one(tmp_path):
    unnamed = write_2023(tmp_path / "directory.xlsx", [row()])
    out = tmp_path / "out.jsonl"
    result = cli(unnamed, "--out", out, "--edition", "2023")
    assert result.exit_code == 0, result.output
    assert "2023 (survey of 2022)" in result.stderr
    assert json.loads(out.read_text())["sources"][0]["as_of"] == str(SURVEYS[2023].reference_date)
    for args, message in [(["--edition", "abc"], "error: --edition: 'abc' is not an edition year"),
                          (["--edition", "1850"], "error: --edition: '1850' is not an edition year"),
                          ([], f"error: {unnamed}: no edition year in the file name")]:
        result = cli(unnamed, "--out", tmp_path / "bad.jsonl", *args)
        assert result.exit_code == 1
        assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "bad.jsonl").exists()
