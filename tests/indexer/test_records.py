from pathlib import Path

import pytest

from facility.tally import Tally
from indexer import BuildError
from indexer.records import check_inputs, read_records
from tests.facility.factories import make_facility


def test_bad_lines_are_dropped_and_counted_by_reason(tmp_path):
    good = make_facility()
    path = tmp_path / "staged.jsonl"
    path.write_bytes(b"\n".join([
        good.model_dump_json().encode(),
        b"{not json",
        b"",
        good.model_dump_json().replace('"VA"', '"XX"').encode(),
        b"\xff\xfe binary",
    ]) + b"\n")
    tally = Tally()
    assert list(read_records([path], tally)) == [good]
    assert tally.read == 4
    assert tally.dropped["not valid JSON"] == 2
    assert sum(tally.dropped.values()) == 3
    assert any(reason.startswith("invalid address.state") for reason in tally.dropped)


def test_missing_input_fails_before_building(tmp_path):
    with pytest.raises(BuildError, match="nope.jsonl: file not found"):
        check_inputs([tmp_path / "nope.jsonl"])
    with pytest.raises(BuildError, match="no input files"):
        check_inputs([])
    check_inputs([Path(__file__)])
