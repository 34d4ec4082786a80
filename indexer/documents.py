"""What the index stores for a facility: its record, plus fields only search reads.

`names_expanded` holds the names with SAMHSA's abbreviations spelled out ("Outpt Trt Ctr" →
"outpatient treatment center"), so that the words people type find them; the distribution has no
synonym filter to do this at search time. `hsds_ids` holds the ids of the facility's HSDS objects
(facility.hsds), which the HSDS API finds a facility by. `facet_values` holds every faceted value
the record has as "group:value" (facility.filter_groups.facet_values), which facets are counted on.
All three are left out when records are read back.
"""

import orjson

from facility.abbreviations import expand, expansions_of
from facility.filter_groups import facet_values
from facility.hsds import object_ids
from facility.model import Facility

FACET_FIELD = "facet_values"
SEARCH_ONLY_FIELDS = ["names_expanded", "hsds_ids", FACET_FIELD]


def names_expanded(record: Facility) -> str | None:
    names = [expand(name) for name in (record.name, record.name2) if name and expansions_of(name)]
    return " / ".join(names) or None


def document_json(record: Facility) -> bytes:
    """The record as JSON (what model_dump_json gives, as bytes, ready for a bulk request)."""
    body = record.__pydantic_serializer__.to_json(record)
    added = {"hsds_ids": object_ids({"id": record.id, "levels_of_care": record.levels_of_care}),
             FACET_FIELD: facet_values(record)}
    if (expanded := names_expanded(record)) is not None:
        added["names_expanded"] = expanded
    return body[:-1] + b"," + orjson.dumps(added)[1:]


def stored_record(source: dict) -> Facility:
    return Facility.model_validate({k: v for k, v in source.items() if k not in SEARCH_ONLY_FIELDS})
