"""Merging two records of the same facility (same id) into one.

Precedence: the record whose newest source is fresher wins field by field; a field it leaves
empty (None or an empty list) is filled from the other; the location with the better
precision (address > zip > none) is kept whatever its age; sources are united, so every
record keeps where each of its parts came from.
"""

from facility.model import Facility

_PRECISION = {"address": 2, "zip": 1, "none": 0}
_LOCATION_FIELDS = ("location", "geo_precision", "geo_source")


def _freshness(record: Facility):
    return max(source.retrieved_at for source in record.sources)


def merge(first: Facility, second: Facility) -> Facility:
    if first.id != second.id:
        raise ValueError(f"cannot merge different facilities {first.id} and {second.id}")
    newer, older = (second, first) if _freshness(second) >= _freshness(first) else (first, second)
    merged = newer.model_dump()
    fallback = older.model_dump()
    for field, value in merged.items():
        if value in (None, []) and field not in _LOCATION_FIELDS:
            merged[field] = fallback[field]
    if _PRECISION[older.geo_precision] > _PRECISION[newer.geo_precision]:
        for field in _LOCATION_FIELDS:
            merged[field] = fallback[field]
    seen = set()
    merged["sources"] = []
    for source in newer.sources + older.sources:
        key = (source.name, source.edition, source.record_id, source.url)
        if key not in seen:
            seen.add(key)
            merged["sources"].append(source.model_dump())
    merged["updated_at"] = max(first.updated_at, second.updated_at)
    return Facility.model_validate(merged)
