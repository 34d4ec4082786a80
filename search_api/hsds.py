"""The HSDS API's requests as Elasticsearch bodies, and its pages: pure, tested as data.

The index holds facilities; HSDS lists services, one per facility and level of care. Services are
listed level by level (in the taxonomy's order) and, within a level, facility by facility (by id,
or by distance from a `postcode`): so a page is one or two slices of one level's facilities, found
from each level's count of matching facilities, and totals are exact.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from facility import defaults
from facility.hsds import LISTED_FIELDS, level_order, term_level
from indexer.documents import SEARCH_ONLY_FIELDS
from search_api.query import text_clause


@dataclass(frozen=True)
class HsdsQuery:
    """A validated HSDS request: which facilities, which of their levels of care, which page."""
    search: str | None = None
    code: str | None = None  # the SAMHSA code of `taxonomy_term_id`
    organization_id: str | None = None
    modified_after: datetime | None = None
    postcode: str | None = None
    near: tuple[float, float] | None = None  # with `proximity_m`: the postcode's centre (lat, lon)
    proximity_m: float | None = None
    page: int = 1
    per_page: int = defaults.HSDS_PER_PAGE

    @property
    def levels(self) -> tuple[str, ...]:
        """A level-of-care term (OIT) lists only that level's services; any other term, every level's."""
        level = term_level(self.code) if self.code else None
        return (level,) if level else level_order()

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def facility_query(ask: HsdsQuery) -> dict:
    """Which facilities: the text searched, the taxonomy term, the organization, the date, the place."""
    filters = [{"term": {"service_codes": ask.code}} if ask.code else None,
               {"term": {"hsds_ids": ask.organization_id}} if ask.organization_id else None,
               {"range": {"updated_at": {"gte": ask.modified_after.isoformat()}}} if ask.modified_after else None]
    if ask.near:
        lat, lon = ask.near
        filters.append({"geo_distance": {"distance": f"{ask.proximity_m:g}m", "location": {"lat": lat, "lon": lon}}})
    elif ask.postcode:
        filters.append({"term": {"address.zip": ask.postcode}})
    query = {"bool": {"filter": [f for f in filters if f]}}
    if (text := text_clause(ask.search)) is not None:
        query["bool"]["must"] = [text]
    return query


def order(ask: HsdsQuery) -> list:
    """Nearest first around a postcode, else by id; id breaks ties, so pages never overlap."""
    if ask.near:
        lat, lon = ask.near
        return [{"_geo_distance": {"location": {"lat": lat, "lon": lon}, "order": "asc"}}, {"id": "asc"}]
    return [{"id": "asc"}]


def level_counts_body(ask: HsdsQuery) -> dict:
    """How many matching facilities offer each level: the number of services of each level."""
    return {"query": facility_query(ask), "size": 0, "track_total_hits": False,
            "aggs": {"levels": {"terms": {"field": "levels_of_care", "include": list(ask.levels),
                                          "size": len(ask.levels)}}}}


def level_counts(ask: HsdsQuery, response: dict) -> list[tuple[str, int]]:
    counted = {b["key"]: b["doc_count"] for b in response["aggregations"]["levels"]["buckets"]}
    return [(level, counted[level]) for level in ask.levels if counted.get(level)]


def page_slices(counts: list[tuple[str, int]], offset: int, size: int) -> list[tuple[str, int, int]]:
    """The page's services as (level, first facility, how many) of the levels' facilities in order."""
    slices = []
    for level, count in counts:
        if size <= 0:
            break
        if offset >= count:
            offset -= count
            continue
        taken = min(size, count - offset)
        slices.append((level, offset, taken))
        size, offset = size - taken, 0
    return slices


def source(full: bool) -> dict:
    """What to read of each record: all of it for whole objects, else what the list objects show."""
    return {"excludes": SEARCH_ONLY_FIELDS} if full else {"includes": list(LISTED_FIELDS)}


def slice_body(ask: HsdsQuery, level: str | None, start: int, size: int, full: bool) -> dict:
    """One slice of the facilities (those offering `level`, when given)."""
    query = facility_query(ask)
    if level:
        query["bool"]["filter"].append({"term": {"levels_of_care": level}})
    return {"query": query, "sort": order(ask), "from": start, "size": size, "track_total_hits": level is None,
            "_source": source(full)}


def every_facility_query(ask: HsdsQuery) -> dict:
    """Every facility with a service to list: for an NDJSON stream of all of them."""
    query = facility_query(ask)
    query["bool"]["filter"].append({"terms": {"levels_of_care": list(ask.levels)}})
    return query


def page(ask: HsdsQuery, total: int, contents: list) -> dict:
    """HSDS's page of results (openapi.json, components.schemas.Page)."""
    pages = math.ceil(total / ask.per_page)
    return {"total_items": total, "total_pages": pages, "page_number": ask.page, "size": len(contents),
            "first_page": ask.page == 1, "last_page": ask.page >= pages, "empty": total == 0,
            "contents": contents}
