from datetime import timedelta

import pytest

from facility.merge import merge
from tests.facility.factories import RETRIEVED, make_facility


def test_fresher_record_wins_and_sources_are_united():
    older = make_facility(website="https://old.example.org", payment=["medicaid", "medicare"])
    newer = make_facility(
        website=None, payment=["private"], location={"lat": 38.1, "lon": -78.4}, geo_precision="zip",
        sources=[{"name": "findtreatment", "record_id": "abc", "retrieved_at": RETRIEVED + timedelta(days=30)}],
        updated_at=RETRIEVED + timedelta(days=30))
    merged = merge(older, newer)
    assert merged.payment == ["private"]
    assert merged.website == "https://old.example.org"  # the newer record had none
    assert merged.geo_precision == "address" and merged.location.lat == 38.03  # better precision kept
    assert [s.name for s in merged.sources] == ["findtreatment", "test"]
    assert merged.updated_at == RETRIEVED + timedelta(days=30)
    assert merge(newer, older) == merged


def test_identical_records_merge_into_one_source_list():
    record = make_facility()
    assert merge(record, record).sources == record.sources


def test_different_facilities_do_not_merge():
    with pytest.raises(ValueError, match="cannot merge different facilities"):
        merge(make_facility(), make_facility(name="Other"))
