import pytest
from pydantic import ValidationError

from facility.merge import merge
from facility.model import Facility
from tests.facility.factories import RETRIEVED, make_facility, source


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
    with pytest.raises(ValidationError, match="location_precision must be 'none' exactly when"):
        make_facility(location=None, location_precision="address")
    with pytest.raises(ValidationError, match="location_precision"):
        make_facility(location_precision="none")
    assert make_facility(location=None, location_precision="none").location is None


def test_fields_by_source_names_only_fields_of_a_facility():
    with pytest.raises(ValidationError, match="fields_by_source names fields a facility does not have: colour"):
        make_facility(fields_by_source={"other": ["payment", "colour"]})


def test_a_record_staged_with_a_source_per_field_reads_as_stored_by_source():
    listed = make_facility(payment=["medicaid"], website="https://a.example.org",
                           sources=[source("samhsa-national-directory", RETRIEVED, edition="2022")])
    crawled = make_facility(payment=["private"], website=None, sources=[
        source("samhsa-findtreatment", RETRIEVED.replace(day=20))])
    merged = merge(listed, crawled)
    staged = merged.model_dump(mode="json", exclude={"fields_by_source"})
    staged["field_sources"] = merged.field_sources()  # field -> label, every field
    assert staged["field_sources"]["payment"] == "samhsa-findtreatment"
    assert Facility.model_validate(staged) == merged
    assert merged.fields_by_source == {"samhsa-national-directory:2022": ["website"]}
