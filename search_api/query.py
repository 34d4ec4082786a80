"""Elasticsearch query clauses as small pure functions, composed into one search body.

Each returns a dict (or None when its parameter is absent); nothing here talks to
Elasticsearch, so the bodies are tested as data. User text only ever reaches `multi_match`.
"""

from dataclasses import dataclass, field
from datetime import date

from facility import defaults
from facility.filter_groups import FACET_VALUES, FILTER_GROUPS, Service
from indexer.documents import FACET_FIELD

SOURCE_FIELDS = ["id", "name", "name2", "address", "phones", "website", "location", "location_precision",
                 "levels_of_care", "payment", "payment_assistance", "ages", "languages",
                 "populations", "genders", "opioid_medications", "care_types", "telehealth", "co_occurring",
                 "service_codes", "site.evening", "site.weekend", "site.opening_hours", "site.schedules",
                 "verified_on", "status", "last_listed", "modified_on"]
# What a band member is read as: its id and point from doc values, with no stored field or source to load
# (at a million documents, fetching the band's hundreds of members cost ~10 ms a search; this ~1 ms).
BAND_MEMBER = {"_source": False, "stored_fields": "_none_", "docvalue_fields": ["id", "location"]}
# Facilities the newest directory edition no longer lists (facility.editions), left out unless asked for.
LISTED_ONLY = {"bool": {"must_not": [{"term": {"status": "retired"}}]}}


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Search:
    """A validated search, as the query builders need it."""
    point: Point | None = None
    radius_mi: float = defaults.SEARCH_RADIUS_MI
    # The radius's uncertain band: None = not checked yet (the band counts whole, and the search
    # returns its members to check); else the ids in it found inside by geodesic distance.
    inside_band: tuple[str, ...] | None = None
    in_state: str | None = None  # a place that is a whole state
    text: str | None = None
    forgive_typos: bool = False  # the words as typed found too few (band.searches)
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # param → values (OR)
    match_all: frozenset[str] = frozenset()  # groups whose values are ANDed instead
    sort: str = "name"
    size: int = defaults.PAGE_SIZE
    offset: int = 0
    after: tuple | None = None
    include_retired: bool = False
    modified_after: date | None = None


def text_clause(text: str | None, forgive_typos: bool = True) -> dict | None:
    """Every word in one field (names, program names, cities, and names with SAMHSA's abbreviations
    spelled out); with `forgive_typos`, each forgiving a typo or two, words as typed outranking
    corrected ones. The whole name as typed outranks everything."""
    if not text:
        return None
    fields = [f"{name}^{boost:g}" for name, boost in defaults.TEXT_BOOSTS.items()]
    words = {"query": text, "fields": fields, "type": "best_fields", "operator": "and"}
    exact_name = {"term": {"name.sort": {"value": text.lower(), "boost": defaults.EXACT_NAME_BOOST}}}
    if not forgive_typos:
        return {"bool": {"must": [{"multi_match": words}], "should": [exact_name]}}
    return {"bool": {
        "must": [{"multi_match": {**words, "fuzziness": "AUTO", "prefix_length": defaults.FUZZY_PREFIX}}],
        "should": [{"multi_match": words}, exact_name],
    }}


def distance_clause(point: Point, miles: float) -> dict:
    return {"geo_distance": {"distance": f"{miles}mi", "location": {"lat": point.lat, "lon": point.lon}}}


def radius_clause(point: Point | None, radius_mi: float, inside_band: tuple[str, ...] | None) -> dict | None:
    """Band not checked: out to its outer edge. Checked: certainly inside (the radius less the
    band), or one of the band's ids found inside."""
    if point is None:
        return None
    if inside_band is None:
        return distance_clause(point, radius_mi * (1 + defaults.GEO_BAND))
    inner = distance_clause(point, radius_mi * (1 - defaults.GEO_BAND))
    if not inside_band:
        return inner
    return {"bool": {"should": [inner, {"ids": {"values": list(inside_band)}}], "minimum_should_match": 1}}


def band_query(point: Point, radius_mi: float) -> dict:
    """The ring around the radius where sphere and ellipsoid distances may disagree."""
    return {"bool": {
        "filter": [distance_clause(point, radius_mi * (1 + defaults.GEO_BAND))],
        "must_not": [distance_clause(point, radius_mi * (1 - defaults.GEO_BAND))],
    }}


def band_aggregation(search: Search) -> dict | None:
    """The band's members among the matches, with their points, while the band is unchecked.

    A distance range measured on the matches alone (cheaper than a ring-shaped filter, which
    searches the whole index). It starts a hair inside the inner circle, so that rounding can
    never leave a facility out of both the inner circle and the band."""
    if search.point is None or search.inside_band is not None:
        return None
    inner = search.radius_mi * (1 - defaults.GEO_BAND)
    return {"geo_distance": {
        "field": "location", "origin": {"lat": search.point.lat, "lon": search.point.lon}, "unit": "mi",
        "distance_type": "arc", "ranges": [{"from": inner * (1 - 1e-6)}],
    }, "aggs": {"members": {"top_hits": {"size": defaults.BAND_MEMBERS_MAX, "sort": ["_doc"], **BAND_MEMBER}}}}


def service_clause(service: Service) -> dict:
    if isinstance(service.value, tuple):
        return {"terms": {service.field: list(service.value)}}
    return {"term": {service.field: service.value}}


def group_clause(param: str, values: tuple[str, ...], match_all: bool = False) -> dict | None:
    """OR within one filter group; with `match_all`, AND."""
    if not values:
        return None
    group = FILTER_GROUPS[param]
    if group.services:
        tests = [service_clause(group.services[v]) for v in values]
    elif match_all:
        tests = [{"term": {group.field: v}} for v in values]
    else:
        return {"terms": {group.field: list(values)}}
    if len(tests) == 1:
        return tests[0]
    return {"bool": {"filter": tests}} if match_all else {"bool": {"should": tests, "minimum_should_match": 1}}


def search_key(search: Search) -> tuple:
    """What a search's answer depends on, as a key for the answer cache: the same for two ways of
    asking one search (filter values in another order; match_all on a group given one value, where
    AND and OR agree; a radius without a point, which nothing measures)."""
    filters = tuple(sorted((param, tuple(sorted(values))) for param, values in search.filters.items() if values))
    match_all = frozenset(param for param in search.match_all if len(search.filters.get(param, ())) > 1)
    return (search.point, search.radius_mi if search.point else None, search.inside_band, search.in_state,
            search.text, search.forgive_typos, filters, match_all, search.sort, search.size, search.offset,
            search.after,
            search.include_retired, search.modified_after)


def selection_clause(search: Search, param: str) -> dict | None:
    return group_clause(param, search.filters.get(param, ()), param in search.match_all)


def _all(clauses: list[dict | None]) -> dict:
    present = [c for c in clauses if c is not None]
    return {"bool": {"filter": present}} if present else {"match_all": {}}


def listing_clauses(search: Search) -> list[dict]:
    """Which listings are searched at all: the listed ones (or every one), changed after a date."""
    return [c for c in (None if search.include_retired else LISTED_ONLY,
                        {"range": {"modified_on": {"gt": search.modified_after.isoformat()}}}
                        if search.modified_after else None) if c]


def main_query(search: Search) -> dict:
    """Where and what text: the part every facet count shares."""
    text = text_clause(search.text, search.forgive_typos)
    where = [c for c in (radius_clause(search.point, search.radius_mi, search.inside_band),
                          {"term": {"address.state": search.in_state}} if search.in_state else None) if c]
    where += listing_clauses(search)
    if text:
        return {"bool": {"must": [text], "filter": where}}
    return _all(where)


def selections(search: Search) -> dict | None:
    """AND across groups. With facets, a post filter: applied after counting, so that each group's
    counts ignore its own selection."""
    clauses = [selection_clause(search, p) for p in search.filters]
    clauses = [c for c in clauses if c is not None]
    return _all(clauses) if clauses else None


def facet_aggregations(search: Search) -> dict:
    """Each group counts over the other groups' selections, on the index's one field of every faceted
    value (facility.filter_groups.facet_values). Groups with the same such filter (every group without
    a selection shares "all selections") are counted by one terms aggregation, which returns every one
    of their values (its size is their number), so each count is exact."""
    by_filter: dict[tuple[str, ...], list[str]] = {}  # the other groups with a selection → the groups counted
    for param in FACET_VALUES:
        others = tuple(p for p, values in search.filters.items() if values and p != param)
        by_filter.setdefault(others, []).append(param)
    aggregations = {}
    for n, (others, params) in enumerate(by_filter.items()):
        counted = [value for param in params for value in FACET_VALUES[param]]
        aggregations[f"counted_{n}"] = {
            "filter": _all([selection_clause(search, p) for p in others]),
            "aggs": {"values": {"terms": {"field": FACET_FIELD, "size": len(counted), "include": counted}}}}
    return aggregations


def sort_clause(search: Search) -> list:
    if search.sort == "distance":
        point = {"lat": search.point.lat, "lon": search.point.lon}
        first = {"_geo_distance": {"location": point, "order": "asc", "unit": "mi", "distance_type": "arc"}}
    elif search.sort == "relevance":
        first = {"_score": "desc"}
    else:
        first = {"name.sort": "asc"}
    return [first, {"id": "asc"}]  # id: a unique tiebreaker, so cursors never skip or repeat


def search_body(search: Search, facets: bool = True, band: bool = True) -> dict:
    """The search's body; `band`: also count the radius's band while it is unchecked (band.searches)."""
    body = {
        "query": main_query(search),
        "sort": sort_clause(search),
        # With a cursor, one more than shown tells whether there is a next page.
        "size": search.size + 1 if search.after is not None else search.size,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
    }
    if search.after is not None:
        body["search_after"] = list(search.after)
    elif search.offset:
        body["from"] = search.offset
    if (chosen := selections(search)) is not None:
        if facets:
            body["post_filter"] = chosen
        else:  # nothing counted past the selections: they narrow the query itself, which is cheaper
            body["query"] = {"bool": {"must": [body["query"]], "filter": [chosen]}}
    aggregations = facet_aggregations(search) if facets else {}
    if band and (members := band_aggregation(search)) is not None:
        aggregations["band"] = members
    if aggregations:
        body["aggs"] = aggregations
    return body


def band_check_body(search: Search) -> dict:
    """The band's members among the matches, and nothing else."""
    return {"query": main_query(search), "size": 0, "track_total_hits": False,
            "aggs": {"band": band_aggregation(search)}}


def band_body(search: Search, limit: int) -> dict:
    return {"query": band_query(search.point, search.radius_mi), "size": limit, "sort": ["_doc"],
            "track_total_hits": False, **BAND_MEMBER}
