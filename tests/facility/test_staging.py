import pytest

from facility.model import Enrichment, SiteFacts, Source
from facility.staging import StagedWriter, read_staged, write_staged
from facility.tally import Tally
from tests.facility.factories import RETRIEVED, make_facility

FACILITY = make_facility()
ENRICHMENT = Enrichment(facility_id=FACILITY.id, matched_by="domain",
                        site=SiteFacts(url="https://blueridge.example.org/", pages=2, retrieved_at=RETRIEVED),
                        source=Source(name="facility-website", retrieved_at=RETRIEVED, as_of=RETRIEVED.date()))


def test_facilities_and_enrichments_read_back_as_what_they_are(tmp_path):
    path, tally = tmp_path / "staged.jsonl", Tally()
    write_staged(path, [FACILITY, ENRICHMENT], tally)
    assert tally.written == 2
    assert list(read_staged([path], Tally())) == [FACILITY, ENRICHMENT]


def test_a_line_is_dropped_by_the_reason_of_its_own_kind(tmp_path):
    path = tmp_path / "staged.jsonl"
    enrichment = ENRICHMENT.model_dump_json().replace('"domain"', '"guess"')
    facility = FACILITY.model_dump_json().replace('"22902"', '"2290"')
    path.write_text("\n".join([enrichment, facility, "[]", FACILITY.model_dump_json()]) + "\n")
    tally = Tally()
    assert list(read_staged([path], tally)) == [FACILITY]
    assert tally.read == 4 and sorted(tally.dropped) == [
        "invalid address.zip: String should match pattern '^\\d{5}$'",
        "invalid matched_by: Input should be 'domain', 'phone' or 'address'",
        "invalid record: Input should be a valid dictionary or instance of Facility"]


def test_a_write_that_fails_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "staged.jsonl"
    write_staged(path, [FACILITY], Tally())
    with pytest.raises(RuntimeError), StagedWriter(path, Tally()) as staged:
        staged.write(ENRICHMENT)
        raise RuntimeError("the source broke off")
    assert list(read_staged([path], Tally())) == [FACILITY]
    assert [p.name for p in tmp_path.iterdir()] == ["staged.jsonl"]
