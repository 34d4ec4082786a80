"""Facilities as HSDS 3.1 services (facility/hsds.py): stable ids, the shape of one facility, and
every service of the real 2022 directory valid against the specification's compiled schema
(read in place from ../shared/hsds)."""

import json

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from facility.hsds import hsds_id, services
from tests.conftest import SHARED_DATA
from tests.facility.factories import make_facility

COMPILED = SHARED_DATA.parent / "hsds" / "schema" / "compiled"


def validator(name: str):
    schema = json.loads((COMPILED / f"{name}.json").read_text())
    return validator_for(schema)(schema, format_checker=FormatChecker())


def facility(**fields) -> dict:
    return make_facility(levels_of_care=["residential", "iop"], service_codes=["OIT", "RES", "MD", "SP"],
                         payment=["medicaid"], phones=[{"kind": "intake", "number": "+14345550100",
                                                        "extension": "12"}], **fields).model_dump(mode="json")


def test_ids_are_uuids_that_stay_the_same():
    record = facility()
    first, again = services(record), services(facility())
    assert [s["id"] for s in first] == [s["id"] for s in again] == [
        hsds_id("service", record["id"], "residential"), hsds_id("service", record["id"], "iop")]
    assert len({s["id"] for s in first}) == 2 and first[0]["organization_id"] == first[1]["organization_id"]


def test_a_facility_is_one_organization_at_one_location_with_a_service_per_level_of_care():
    record = facility()
    iop = next(s for s in services(record) if s["name"].startswith("Intensive outpatient"))
    place = iop["service_at_locations"][0]["location"]
    assert place["addresses"][0]["postal_code"] == "22902" and place["latitude"] == 38.03
    assert place["description"] == "Placed at its street address."
    assert {a["taxonomy_term"]["code"] for a in iop["attributes"]} == {"OIT", "RES", "MD", "SP"}
    assert [c["option"] for c in iop["cost_options"]] == ["Medicaid"]
    assert iop["phones"][0] | {"id": None} == {"id": None, "service_id": iop["id"], "number": "+14345550100",
                                               "type": "voice", "description": "intake", "extension": 12}
    assert iop["status"] == "active" and iop["metadata"][0]["updated_by"] == "test"
    retired = services({**record, "status": "retired"})
    assert {s["status"] for s in retired} == {"inactive"}


def test_every_service_of_the_2022_directory_is_valid_hsds(records_2022):
    check = validator("service")
    count, errors = 0, []
    for record in records_2022:
        for service in services(record):
            count += 1
            errors += [f"{record['id']}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
                       for e in check.iter_errors(service)]
    assert count > 25_000 and not errors[:5], (count, len(errors), errors[:5])
