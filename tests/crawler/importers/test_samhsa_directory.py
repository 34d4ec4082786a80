import json
from collections import Counter
from datetime import datetime, timezone

import pytest

from crawler.importers import SourceFileError
from crawler.importers.samhsa_directory import Directory, import_directory
from facility.tally import Tally
from tests.conftest import DIRECTORY_2022
from tests.crawler.importers.workbooks import row, write_workbook

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def run(path):
    tally = Tally()
    records = list(import_directory(Directory(path), NOW, tally))
    return records, tally


def read_staged(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle]


def test_2022_directory_counts(imported_2022):
    path, tally = imported_2022
    records = read_staged(path)
    assert tally.read == 12_176
    assert not tally.dropped
    assert tally.notes["rows merged: identical to an earlier row"] == 1
    assert len(records) == tally.written == 12_175
    assert len({r["id"] for r in records}) == len(records)
    assert sum("iop" in r["levels_of_care"] for r in records) == 5_525
    precision = Counter(r["geo_precision"] for r in records)
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


def test_ids_are_stable_across_imports(imported_2022, tmp_path):
    first = [r["id"] for r in read_staged(imported_2022[0])]
    again = [r.id for r in import_directory(Directory(DIRECTORY_2022), NOW, Tally())]
    assert again == first


def test_exact_duplicates_merge_distinct_programs_stay(tmp_path):
    path = write_workbook(tmp_path / "d.xlsx", [
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
    path = write_workbook(tmp_path / "d.xlsx", [
        row(state="ZZ"),
        row(zip="ABCDE"),
        row(name1=""),
        row(city=""),
        row(phone="555-12", intake1="434-555-0199 x7"),
        row(name1="Other", service_code_info="SA * OIT * QQQ"),
    ])
    records, tally = run(path)
    assert tally.read == 6
    assert tally.dropped == {"bad state": 1, "bad zip": 1, "missing facility name": 1, "missing city": 1}
    assert tally.notes["phone numbers dropped: phone not a 10-digit US number"] == 1
    assert [p.model_dump() for p in records[0].phones] == [
        {"kind": "intake", "number": "+14345550199", "extension": "7"}]
    assert records[1].unknown_codes == ["QQQ"] and "QQQ" in records[1].service_codes
    assert tally.notes["unknown codes kept raw: QQQ"] == 1


def test_codes_are_read_through_the_files_own_reference(tmp_path):
    records, tally = run(write_workbook(tmp_path / "d.xlsx", [row()]))
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
