"""Facility records written by us for tests."""

from datetime import datetime, timezone

from facility.identity import facility_id
from facility.model import Facility

RETRIEVED = datetime(2026, 1, 15, tzinfo=timezone.utc)


def source(name: str, when: datetime, **fields) -> dict:
    """A source read at `when` whose content is true as of that day."""
    return {"name": name, "retrieved_at": when, "as_of": when.date()} | fields


def make_facility(name="Blue Ridge Recovery", name2=None, street1="100 Main Street",
                  city="Charlottesville", state="VA", zip_code="22902", **fields) -> Facility:
    data = {
        "id": facility_id(name, name2, street1, fields.get("street2"), city, state, zip_code),
        "name": name,
        "name2": name2,
        "address": {"street1": street1, "city": city, "state": state, "zip": zip_code},
        "location": {"lat": 38.03, "lon": -78.48},
        "location_precision": "address",
        "levels_of_care": ["iop"],
        "payment": ["medicaid"],
        "sources": [source("test", RETRIEVED, record_id="1")],
        "updated_at": RETRIEVED,
    }
    data.update(fields)
    return Facility.model_validate(data)
