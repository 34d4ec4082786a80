import json
from pathlib import Path

from pydantic import BaseModel

from facility import defaults
from facility.filter_groups import FILTER_GROUPS, NOTICES, SERVICES
from facility.model import Facility
from indexer.documents import SEARCH_ONLY_FIELDS
from indexer.mapping import MAPPING, index_body

SNAPSHOT = Path(__file__).with_name("mapping.snapshot.json")


def test_mapping_matches_snapshot():
    # A deliberate mapping change updates the snapshot in the same commit.
    assert json.loads(SNAPSHOT.read_text()) == MAPPING


def _model_fields(model: type[BaseModel]) -> dict:
    fields = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        inner = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)]
        nested = next((a for a in inner if issubclass(a, BaseModel)), None)
        if nested is None and getattr(annotation, "__origin__", None) is list:
            item = annotation.__args__[0]
            nested = item if isinstance(item, type) and issubclass(item, BaseModel) else None
        fields[name] = _model_fields(nested) if nested and nested.__name__ != "GeoPoint" else None
    return fields


def _mapping_fields(properties: dict, model_fields: dict) -> dict:
    # An object stored but not indexed (`enabled: false`) holds whatever the model puts there.
    return {name: (_mapping_fields(spec["properties"], model_fields.get(name) or {}) if "properties" in spec
                   else model_fields.get(name) if spec.get("enabled") is False else None)
            for name, spec in properties.items()}


def test_every_facility_field_is_mapped_and_nothing_else():
    model_fields = _model_fields(Facility)
    searched_only = {name: None for name in SEARCH_ONLY_FIELDS}
    assert _mapping_fields(MAPPING["properties"], model_fields) == {**model_fields, **searched_only}


def test_only_provenance_evidence_and_quotes_are_stored_unindexed():
    opaque = [name for name, spec in MAPPING["properties"].items() if spec.get("enabled") is False]
    opaque += [f"site.{name}" for name, spec in MAPPING["properties"]["site"]["properties"].items()
               if spec.get("enabled") is False]
    assert opaque == ["fields_by_source", "site.address", "site.location", "site.evidence", "site.quotes"]


def _spec(path: str) -> dict:
    spec = MAPPING
    for part in path.split("."):
        spec = spec["properties"][part]
    return spec


def test_searches_find_what_they_filter_on_and_count_what_they_facet():
    tested = [s.field for s in (*SERVICES.values(), *NOTICES.values())] + \
        [g.field for g in FILTER_GROUPS.values() if g.field]
    assert all(_spec(path).get("index", True) for path in tested)
    assert _spec("facet_values") == {"type": "keyword", "index": False, "eager_global_ordinals": True}
    assert all(_spec(path).get("doc_values", True) for path in ("levels_of_care", "address.state", "id"))
    assert _spec("payment") == {"type": "keyword", "doc_values": False}  # filtered on; counted in facet_values
    assert _spec("service_codes") == {"type": "keyword", "doc_values": False}  # any code can be asked for


def test_the_search_box_matches_its_fields_and_sorts_by_name():
    assert all(_spec(path).get("index", True) and _spec(path)["type"] == "text" for path in defaults.TEXT_BOOSTS)
    assert _spec("name")["fields"]["sort"] == {"type": "keyword", "normalizer": "lowercase"}


def test_what_only_a_page_shows_is_kept_but_not_indexed():
    for path in ("other_services", "medications", "accreditations", "geo_source", "phones.number", "website"):
        assert _spec(path) == {"type": "keyword", "index": False, "doc_values": False}, path
    assert _spec("address.street1") == {"type": "text", "index": False}


def test_strict_mapping_with_geo_point():
    assert MAPPING["dynamic"] == "strict"
    assert MAPPING["properties"]["location"] == {"type": "geo_point"}
    assert index_body(1, 0)["settings"]["refresh_interval"] == "-1"

