"""Merging what several sources say about one facility (same id) into one record.

Field precedence, and where each field's source is kept (`fields_by_source`):
1. Listings (the SAMHSA directory import, the FindTreatment locator): the record whose newest
   source is fresher (by `as_of`, the date its content was true, not the day we read it) wins
   field by field; a field it leaves empty (None or an empty list) is
   filled from the other. The location with the better precision (address > zip > none) is
   kept whatever its age.
2. A facility's own website (`Enrichment`) never overrides a listing: it sets `site` (the
   fresher crawl wins), fills `website` when no listing has one, and turns `telehealth` on when
   the site states it (the evidence is in `site.evidence`).
Sources and changes between directory editions are united; `updated_at` follows the latest read, `verified_on` the newest `as_of`.
"""

from facility.model import DESCRIBED_FIELDS, Enrichment, Facility, compact_sources, newest_source, source_label

_PRECISION = {"address": 2, "zip": 1, "none": 0}
_LOCATION_FIELDS = ("location", "location_precision", "geo_source")


def _freshness(record: Facility):
    newest = newest_source(record.sources)
    return newest.as_of, newest.retrieved_at


def _stamped(merged: dict, field_labels: dict[str, str], sources: list) -> Facility:
    seen, united = set(), []
    for source in sources:
        key = (source.name, source.edition, source.record_id, source.url)
        if key not in seen:
            seen.add(key)
            united.append(source)
    merged["sources"] = [source.model_dump() for source in united]
    merged["updated_at"] = max([merged["updated_at"]] + [source.retrieved_at for source in sources])
    merged["verified_on"] = newest_source(sources).as_of
    merged["fields_by_source"] = compact_sources(
        {field: label for field, label in field_labels.items() if merged[field] not in (None, [])}, united)
    return Facility.model_validate(merged)


def merge(first: Facility, second: Facility) -> Facility:
    if first.id != second.id:
        raise ValueError(f"cannot merge different facilities {first.id} and {second.id}")
    newer, older = (second, first) if _freshness(second) >= _freshness(first) else (first, second)
    merged = newer.model_dump()
    fallback = older.model_dump()
    newer_labels, older_labels = newer.field_sources(), older.field_sources()
    field_labels = {}
    for field in DESCRIBED_FIELDS:
        taken_from = newer
        if field in _LOCATION_FIELDS:
            if _PRECISION[older.location_precision] > _PRECISION[newer.location_precision]:
                taken_from = older
        elif field == "site":
            if newer.site is None or (older.site and older.site.retrieved_at > newer.site.retrieved_at):
                taken_from = older
        elif merged[field] in (None, []):
            taken_from = older
        labels = newer_labels
        if taken_from is older:
            merged[field], labels = fallback[field], older_labels
        if field in labels:
            field_labels[field] = labels[field]
    merged["updated_at"] = max(first.updated_at, second.updated_at)
    changes = {change.model_dump_json(): change for change in older.changes + newer.changes}
    merged["changes"] = [change.model_dump() for change in sorted(changes.values(), key=lambda c: c.as_of)]
    return _stamped(merged, field_labels, newer.sources + older.sources)


def enrich(record: Facility, enrichment: Enrichment) -> Facility:
    """Add what the facility's website says (see the precedence above)."""
    if record.id != enrichment.facility_id:
        raise ValueError(f"enrichment for {enrichment.facility_id} cannot apply to {record.id}")
    merged = record.model_dump()
    field_labels = record.field_sources()
    label = source_label(enrichment.source)
    site = enrichment.site
    if record.site is None or site.retrieved_at >= record.site.retrieved_at:
        merged["site"], field_labels["site"] = site.model_dump(), label
    if record.website is None:
        merged["website"], field_labels["website"] = site.url, label
    if site.telehealth and not record.telehealth:
        merged["telehealth"], field_labels["telehealth"] = True, label
    return _stamped(merged, field_labels, record.sources + [enrichment.source])
