"""The index's settings and mapping, as plain data (snapshot-tested).

`dynamic: strict` makes a Facility field without a mapping an error at load time, never a
silently guessed type. Facets are keyword fields; `location` is a geo_point; names and city
are text for matching, with keyword sub-fields for facets and a lower-cased one for sorting.
"""

from facility.taxonomy import GROUPS

KEYWORD = {"type": "keyword"}
SEARCHABLE = {
    "type": "text",
    "fields": {"keyword": {"type": "keyword"}, "sort": {"type": "keyword", "normalizer": "lowercase"}},
}

# Kept in _source for the record page, never searched (its keys vary).
NOT_INDEXED = {"type": "object", "enabled": False}

MAPPING = {
    "dynamic": "strict",
    "properties": {
        "id": KEYWORD,
        "name": SEARCHABLE,
        "name2": SEARCHABLE,
        "names_expanded": {"type": "text"},  # search only (indexer.documents)
        "address": {
            "properties": {
                "street1": {"type": "text"},
                "street2": {"type": "text"},
                "city": SEARCHABLE,
                "state": KEYWORD,
                "zip": KEYWORD,
            }
        },
        "phones": {"properties": {"kind": KEYWORD, "number": KEYWORD, "extension": KEYWORD}},
        "website": {"type": "keyword", "index": False},
        "location": {"type": "geo_point"},
        "geo_precision": KEYWORD,
        "geo_source": KEYWORD,
        **{group: KEYWORD for group in GROUPS},
        "telehealth": {"type": "boolean"},
        "co_occurring": {"type": "boolean"},
        "service_codes": KEYWORD,
        "unknown_codes": KEYWORD,
        "site": {
            "properties": {
                "url": {"type": "keyword", "index": False},
                "pages": {"type": "integer", "index": False},
                "name": {"type": "keyword", "index": False},
                "phones": KEYWORD,
                "address": NOT_INDEXED,
                "location": NOT_INDEXED,
                "offers_iop": {"type": "boolean"},
                "schedules": {"properties": {"days": KEYWORD, "starts": KEYWORD, "ends": KEYWORD,
                                             "evening": {"type": "boolean"}, "weekend": {"type": "boolean"}}},
                "evening": {"type": "boolean"},
                "weekend": {"type": "boolean"},
                "hours_per_week": {"type": "float"},
                "insurance_carriers": KEYWORD,
                "medicaid_plans": KEYWORD,
                "telehealth": {"type": "boolean"},
                "opening_hours": {"type": "keyword", "index": False},
                "evidence": NOT_INDEXED,
                "retrieved_at": {"type": "date"},
            }
        },
        "sources": {
            "properties": {
                "name": KEYWORD,
                "edition": KEYWORD,
                "record_id": KEYWORD,
                "url": {"type": "keyword", "index": False},
                "retrieved_at": {"type": "date"},
                "as_of": {"type": "date"},
            }
        },
        "field_sources": NOT_INDEXED,
        "updated_at": {"type": "date"},
        "verified_on": {"type": "date"},
    },
}


def index_body(shards: int, replicas: int) -> dict:
    """Settings for loading: no refresh and no replicas until the load is done."""
    return {
        "settings": {"number_of_shards": shards, "number_of_replicas": 0, "refresh_interval": "-1"},
        "mappings": MAPPING,
    }
