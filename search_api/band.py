"""The radius made exact: Elasticsearch measures on a sphere, the distances we promise are WGS84
geodesics, so facilities in a thin band around the radius are measured here before they count.

`searches` is the conversation with Elasticsearch as plain data, without I/O: it yields each
search body and is sent each response. The first search counts the whole band and returns its
members; a second runs only when some of them are outside the radius (with facets, always: the
first then returns the band alone). Text is searched as typed first, and the whole conversation
runs again forgiving typos when that finds too few.
"""

from collections.abc import Generator
from dataclasses import replace

from facility import defaults
from facility.geo import distance_miles
from search_api.query import Search, band_body, band_check_body, search_body


def band_inside(members: list[dict], search: Search) -> tuple[str, ...] | None:
    """The ids of the band's members within the radius by geodesic distance; None when all of
    them are, so that the search that counted the whole band stands as it is."""
    point = (search.point.lat, search.point.lon)
    inside = tuple(hit["fields"]["id"][0] for hit in members
                   if distance_miles(point, member_point(hit)) <= search.radius_mi)
    return None if len(inside) == len(members) else inside


def member_point(hit: dict) -> tuple[float, float]:
    """A band member's point as doc values give it ("38.03, -78.48"; query.BAND_MEMBER)."""
    lat, lon = hit["fields"]["location"][0].split(",")
    return float(lat), float(lon)


def searches(search: Search, facets: bool) -> Generator[dict, dict, tuple[Search, dict]]:
    """Yields search bodies, is sent their responses; returns the search as run and its response.

    Text is searched as typed, and again forgiving typos when that finds fewer than
    defaults.TYPOS_FORGIVEN_BELOW facilities."""
    if search.text and not search.forgive_typos:
        search, response = yield from _around(search, facets)
        if response["hits"]["total"]["value"] >= defaults.TYPOS_FORGIVEN_BELOW:
            return search, response
        search = replace(search, forgive_typos=True, inside_band=None)
    return (yield from _around(search, facets))


def _around(search: Search, facets: bool) -> Generator[dict, dict, tuple[Search, dict]]:
    """With facets, the band is checked first, by a search that returns nothing but the band, so that the
    counts, the costly part, are made once, over the radius as checked."""
    if search.point is None:
        return search, (yield search_body(search, facets))
    if facets:
        inside = yield from _checked(search, (yield band_check_body(search)))
        search = search if inside is None else replace(search, inside_band=inside)
        return search, (yield search_body(search, facets, band=False))
    response = yield search_body(search, facets)
    inside = yield from _checked(search, response)
    if inside is None:
        return search, response
    search = replace(search, inside_band=inside)
    return search, (yield search_body(search, facets))


def _checked(search: Search, response: dict) -> Generator[dict, dict, tuple[str, ...] | None]:
    """The band's members found inside (None: all of them), from a response that counted the band."""
    band = response["aggregations"].pop("band")["buckets"][0]
    members = band["members"]["hits"]["hits"]
    if band["doc_count"] > len(members):  # more than a search returns with itself: ask for all
        members = (yield band_body(search, defaults.PAGING_WINDOW))["hits"]["hits"]
    return band_inside(members, search)
