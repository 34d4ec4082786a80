"""The index's settings and mapping, as plain data (snapshot-tested).

`dynamic: strict` makes a Facility field without a mapping an error at load time, never a
silently guessed type. Filters test keyword fields and facets count one, `facet_values`; `location`
is a geo_point; the fields the search box matches (defaults.TEXT_BOOSTS) are text, the name with a
lower-cased keyword sub-field for sorting and exact matches.

A field gets only what searches use of it, since every term indexed costs each document its
share of a load: a keyword field terms and doc values when an aggregation counts it, terms alone
when a filter (facility.filter_groups) tests it, and nothing beyond `_source` when it is only shown
(most of a listing's hundred or so service values; `service_codes` keeps every code searchable).
"""

from facility import defaults
from facility.filter_groups import FILTER_GROUPS, NOTICES, SERVICES
from facility.taxonomy import GROUPS
from indexer.documents import FACET_FIELD

KEYWORD = {"type": "keyword"}
# Counted by a terms aggregation: the HSDS API's services per level, the states list. Facets count
# `facet_values` instead (indexer.documents).
COUNTED = {"levels_of_care", "address.state"}
FILTERED = {group.field for group in FILTER_GROUPS.values() if group.field} | {
    service.field for service in (*SERVICES.values(), *NOTICES.values())} | {
    "address.zip"}  # the HSDS API's postcode


def keyword(path: str) -> dict:
    """The keyword mapping of the field at `path` ("address.state"), by what searches do with it."""
    if path in COUNTED:
        return KEYWORD
    if path in FILTERED:
        return {"type": "keyword", "doc_values": False}
    return {"type": "keyword", "index": False, "doc_values": False}


def text(path: str) -> dict:
    """The text mapping of the field at `path`: matched when the search box looks there."""
    return {"type": "text"} if path in defaults.TEXT_BOOSTS else {"type": "text", "index": False}


# Kept in _source for the record page, never searched (its keys vary).
NOT_INDEXED = {"type": "object", "enabled": False}

MAPPING = {
    "dynamic": "strict",
    "properties": {
        "id": KEYWORD,
        "name": {**text("name"), "fields": {"sort": {"type": "keyword", "normalizer": "lowercase"}}},
        "name2": text("name2"),
        "names_expanded": text("names_expanded"),  # search only (indexer.documents)
        "hsds_ids": {"type": "keyword", "doc_values": False},  # search only (indexer.documents)
        # Counted, never filtered on (search only, indexer.documents); its ordinals are built at refresh,
        # not by the first search after it.
        FACET_FIELD: {"type": "keyword", "index": False, "eager_global_ordinals": True},
        "address": {
            "properties": {
                "street1": text("address.street1"),
                "street2": text("address.street2"),
                "city": text("address.city"),
                "state": keyword("address.state"),
                "zip": keyword("address.zip"),
            }
        },
        "phones": {"properties": {name: keyword(f"phones.{name}") for name in ("kind", "number", "extension")}},
        "website": keyword("website"),
        "location": {"type": "geo_point"},
        "location_precision": keyword("location_precision"),
        "geo_source": keyword("geo_source"),
        **{group: keyword(group) for group in GROUPS},
        "telehealth": {"type": "boolean"},
        "co_occurring": {"type": "boolean"},
        "service_codes": keyword("service_codes"),
        "unknown_codes": keyword("unknown_codes"),
        "site": {
            "properties": {
                "url": keyword("site.url"),
                "pages": {"type": "integer", "index": False},
                "name": keyword("site.name"),
                "phones": keyword("site.phones"),
                "address": NOT_INDEXED,
                "location": NOT_INDEXED,
                "offers_iop": {"type": "boolean"},
                "schedules": {"properties": {
                    **{name: keyword(f"site.schedules.{name}") for name in ("days", "starts", "ends")},
                    "evening": {"type": "boolean"}, "weekend": {"type": "boolean"}}},
                "evening": {"type": "boolean"},
                "weekend": {"type": "boolean"},
                "hours_per_week": {"type": "float"},
                "insurance_carriers": keyword("site.insurance_carriers"),
                "medicaid_plans": keyword("site.medicaid_plans"),
                "telehealth": {"type": "boolean"},
                "opening_hours": keyword("site.opening_hours"),
                "evidence": NOT_INDEXED,
                "quotes": NOT_INDEXED,  # shown on the facility page, never searched, filtered or counted
                "retrieved_at": {"type": "date"},
            }
        },
        "sources": {
            "properties": {
                "name": KEYWORD,
                "edition": KEYWORD,
                "record_id": KEYWORD,
                "url": keyword("sources.url"),
                "retrieved_at": {"type": "date"},
                "as_of": {"type": "date"},
            }
        },
        # Between directory editions: filtered on by date (/v1/changes), the rest only shown.
        "changes": {"properties": {"edition": keyword("changes.edition"), "as_of": {"type": "date"},
                                   "kind": keyword("changes.kind"), "field": keyword("changes.field"),
                                   "values": keyword("changes.values")}},
        "status": {"type": "keyword", "doc_values": False},  # searches leave retired facilities out
        "last_listed": keyword("last_listed"),
        "modified_on": {"type": "date"},
        "fields_by_source": NOT_INDEXED,
        "updated_at": {"type": "date"},
        "verified_on": {"type": "date"},
    },
}


def index_body(shards: int, replicas: int) -> dict:
    """Settings for loading: no refresh and no replicas until the load is done."""
    return {
        "settings": {"number_of_shards": shards, "number_of_replicas": 0, "refresh_interval": "-1",
                     "max_result_window": defaults.RESULT_WINDOW},
        "mappings": MAPPING,
    }
