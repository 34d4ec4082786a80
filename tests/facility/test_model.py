import pytest
from pydantic import ValidationError

from tests.facility.factories import make_facility


def test_round_trips_through_json():
    record = make_facility(phones=[{"kind": "main", "number": "+14349798871", "extension": "12"}])
    assert type(record).model_validate_json(record.model_dump_json()) == record


@pytest.mark.parametrize("changes, field", [
    ({"address": {"city": "X", "state": "XX", "zip": "22902"}}, "address.state"),
    ({"address": {"city": "X", "state": "VA", "zip": "2290"}}, "address.zip"),
    ({"phones": [{"kind": "main", "number": "434-979-8871"}]}, "phones.0.number"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"location": {"lat": 91, "lon": 0}}, "location.lat"),
    ({"id": "not-an-id"}, "id"),
    ({"sources": []}, "sources"),
    ({"surprise": 1}, "surprise"),
])
def test_invalid_fields_are_named(changes, field):
    with pytest.raises(ValidationError) as raised:
        make_facility(**changes)
    assert field in {".".join(map(str, e["loc"])) for e in raised.value.errors()}


def test_precision_must_agree_with_location():
    with pytest.raises(ValidationError, match="geo_precision must be 'none' exactly when"):
        make_facility(location=None, geo_precision="address")
    with pytest.raises(ValidationError, match="geo_precision"):
        make_facility(geo_precision="none")
    assert make_facility(location=None, geo_precision="none").location is None
