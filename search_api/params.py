"""Query parameters: declared once for OpenAPI and checked into a `Search` at the edge.

Every problem becomes a 422 whose message names the parameter (and, for enumerations, the
valid values, which the OpenAPI schema also lists). The filter parameters are not written out
here: each group in `facility.filter_groups` becomes one.

The language of labels and descriptions is `lang`, else the first of ours that Accept-Language
prefers, else English; answers that depend on it say so in Content-Language and Vary.
"""

import base64
import binascii
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Annotated

from fastapi import Depends, Header, Query
from pydantic import BaseModel, Field, create_model

from facility import defaults
from facility.filter_groups import FILTER_GROUPS, FilterGroup
from facility.geo import zip_point
from facility.i18n import DEFAULT, LANGUAGES
from facility.places import Resolution, resolve
from search_api.deps import Client, Settings
from search_api.errors import invalid
from search_api.query import Point, Search
from search_api.stored import stored_facility


GroupName = Enum("GroupName", {param: param for param in FILTER_GROUPS}, type=str)
Language = Enum("Language", {code: code for code in LANGUAGES}, type=str)

# One language range of Accept-Language ("es-MX", "es;q=0.9"): its primary subtag and weight.
LANGUAGE_RANGE = re.compile(r"\s*([a-z]{1,8})(?:-[a-z0-9]{1,8})*\s*"
                            r"(?:;\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?))?\s*", re.IGNORECASE)


class SortOrder(str, Enum):
    distance = "distance"
    relevance = "relevance"
    name = "name"


@dataclass(frozen=True)
class NearFacility:
    """A listed facility searched around (`near=`): a step-down search from a higher level of care."""
    id: str
    name: str
    lat: float
    lon: float


async def near_facility(client: Client, settings: Settings, near: Annotated[str | None, Query(
        pattern=r"^[0-9a-f]{16}$", description="a listed facility's id: search around it (a step-down from "
                                                "residential care or partial hospitalization to an IOP near "
                                                "home)")] = None) -> NearFacility | None:
    if near is None:
        return None
    found = await stored_facility(client, settings.alias, near, source_includes=["name", "location", "status"])
    if found is None:
        raise invalid("near", f"no facility has id {near}", near)
    if found.get("status") == "retired":
        raise invalid("near", f"facility {near} is not in SAMHSA's newest directory (retired)", near)
    if not found.get("location"):
        raise invalid("near", f"facility {near} has no known location", near)
    return NearFacility(near, found["name"], found["location"]["lat"], found["location"]["lon"])


@dataclass(frozen=True)
class SearchParams:
    """The search as asked (`SearchQuery` checked, `near` looked up); `.search()` resolves it."""
    lat: float | None
    lon: float | None
    zip: str | None
    place: str | None
    radius_mi: float
    q: str | None
    filters: dict[str, tuple[str, ...]]
    match_all: frozenset[str]
    sort: SortOrder | None
    size: int
    page: int
    cursor: str | None
    include_retired: bool = False
    modified_after: date | None = None
    near: NearFacility | None = None
    facets: bool = False

    def place_resolution(self) -> Resolution | None:
        if self.place is None:
            return None
        if self.zip is not None or self.lat is not None:
            raise invalid("place", "give one of place, zip, or lat and lon", self.place)
        try:
            return resolve(self.place)
        except ValueError as error:  # PlaceNotFound names the closest places
            raise invalid("place", str(error), self.place) from None

    def point(self, resolution: Resolution | None) -> tuple[Point | None, dict | None]:
        """The point searched around and how it was resolved."""
        if (self.lat is None) != (self.lon is None):
            missing = "lon" if self.lon is None else "lat"
            raise invalid(missing, f"{missing} is required together with {'lat' if missing == 'lon' else 'lon'}")
        if self.zip is not None and self.lat is not None:
            raise invalid("zip", "give either zip or lat and lon, not both", self.zip)
        if self.near is not None:
            if self.place is not None or self.zip is not None or self.lat is not None:
                raise invalid("near", "give one of near, place, zip, or lat and lon", self.near.id)
            return Point(self.near.lat, self.near.lon), {"source": "facility", "facility_id": self.near.id,
                                                         "name": self.near.name}
        if resolution is not None:
            place = resolution.place
            if place.kind == "state":
                return None, None  # a state is searched whole, not around its centre
            return Point(place.lat, place.lon), {"source": "place", "name": place.name, "kind": place.kind}
        if self.lat is not None:
            return Point(self.lat, self.lon), {"source": "coordinates"}
        if self.zip is not None:
            found = zip_point(self.zip)
            if found is None:
                raise invalid("zip", f"unknown ZIP code {self.zip}", self.zip)
            return Point(found.lat, found.lon), {"source": "zip", "zip": found.zip,
                                                 "city": found.city, "state": found.state}
        return None, None

    def search(self) -> tuple[Search, dict | None, Resolution | None]:
        resolution = self.place_resolution()
        point, resolved = self.point(resolution)
        text = " ".join((self.q or "").split()) or None
        sort = self.sort.value if self.sort else ("distance" if point else "relevance" if text else "name")
        if sort == "distance" and point is None:
            raise invalid("sort", "sort=distance needs a point: lat and lon, zip, place or near", sort)
        if sort == "relevance" and text is None:
            raise invalid("sort", "sort=relevance needs q", sort)
        after = None
        if self.cursor is not None:
            if self.page != 1:
                raise invalid("cursor", "give either page or cursor, not both", self.cursor)
            after = decode_cursor(self.cursor, sort)
        elif self.page * self.size > defaults.PAGING_WINDOW:
            raise invalid("page", f"page × size may not exceed {defaults.PAGING_WINDOW:,}: "
                                  "follow next_cursor to go deeper", self.page)
        in_state = resolution.place.state if resolution and resolution.place.kind == "state" else None
        search = Search(point=point, radius_mi=self.radius_mi, in_state=in_state, text=text,
                        filters={p: v for p, v in self.filters.items() if v}, match_all=self.match_all,
                        sort=sort, size=self.size, offset=(self.page - 1) * self.size, after=after,
                        include_retired=self.include_retired, modified_after=self.modified_after)
        return search, resolved, resolution


class _Asked(BaseModel):
    """The search's query parameters but the filter groups' (`SearchQuery` adds one per group)."""
    lat: float | None = Field(None, ge=-90, le=90, description="latitude of the searcher; with lon")
    lon: float | None = Field(None, ge=-180, le=180, description="longitude; with lat")
    zip: str | None = Field(None, pattern=r"^\d{5}$", description="5-digit ZIP code: search around it")
    place: str | None = Field(None, min_length=1, max_length=defaults.QUERY_TEXT_MAX,
                              description="a US city (\"Boston, MA\"), a state, a ZIP code or coordinates "
                                          "(\"38.03, -78.48\"): search around it (a state: within it)")
    radius_mi: float = Field(defaults.SEARCH_RADIUS_MI, ge=1, le=defaults.SEARCH_RADIUS_MAX_MI,
                             description="miles around the point")
    q: str | None = Field(None, max_length=defaults.QUERY_TEXT_MAX,
                          description="words in the name, program name or city (SAMHSA's abbreviations spelled "
                                      "out; typos forgiven when the words as typed find fewer than "
                                      f"{defaults.TYPOS_FORGIVEN_BELOW} facilities)")
    sort: SortOrder | None = Field(None, description="default: distance with a point, relevance with q, else name")
    size: int = Field(defaults.PAGE_SIZE, ge=1, le=defaults.PAGE_SIZE_MAX)
    page: int = Field(1, ge=1, description=f"1-based page; use cursor beyond {defaults.PAGING_WINDOW:,} results")
    cursor: str | None = Field(None, max_length=2000, description="next_cursor of the previous page")
    include_retired: bool = Field(False, description="also facilities the newest SAMHSA directory no longer lists "
                                                     "(status retired)")
    modified_after: date | None = Field(None, description="only facilities whose listing changed (or began) after "
                                                          "this date (YYYY-MM-DD), as of the source's date")
    facets: bool = Field(False, description="also count, for each filter group, the matches each of its values "
                                            "would give (exact counts; a search page's filter panel)")
    match_all: list[GroupName] | None = Field(None, description="filter groups whose chosen values must all apply "
                                                                "(AND), not any of them")


def _filter_field(group: FilterGroup) -> tuple:
    """`group=a&group=b`, any of the group's values (an enumeration in the schema, e.g. LevelValue)."""
    values = Enum(f"{group.param.title()}Value", {v: v for v in group.values}, type=str)
    return list[values] | None, Field(None, description=group.help)


# Every query parameter of a search, as one model: FastAPI lists each in the OpenAPI schema and
# validates the query in one pass rather than one parameter at a time.
SearchQuery = create_model("SearchQuery", __base__=_Asked,
                           **{group.param: _filter_field(group) for group in FILTER_GROUPS.values()})


# A coroutine, so that FastAPI calls it on the event loop: a plain function or a class as a
# dependency runs in a worker thread, one thread hop per request.
async def search_params(query: Annotated[SearchQuery, Query()],
                        near: Annotated[NearFacility | None, Depends(near_facility)] = None) -> SearchParams:
    chosen = {param: tuple(dict.fromkeys(v.value for v in getattr(query, param) or [])) for param in FILTER_GROUPS}
    together = frozenset(group.value for group in query.match_all or [])
    return SearchParams(query.lat, query.lon, query.zip, query.place, query.radius_mi, query.q, chosen, together,
                        query.sort, query.size, query.page, query.cursor, query.include_retired,
                        query.modified_after, near, query.facets)


def preferred_language(accept_language: str | None) -> str:
    """The language of ours that an Accept-Language header prefers most ("es-MX,es;q=0.9" → "es");
    English when it names none of them (or is malformed)."""
    ranked = []
    for position, item in enumerate((accept_language or "").split(",")):
        found = LANGUAGE_RANGE.fullmatch(item)
        weight = float(found[2] or 1) if found else 0
        if weight and found[1].lower() in LANGUAGES:
            ranked.append((-weight, position, found[1].lower()))
    return min(ranked)[2] if ranked else DEFAULT


async def language(
    lang: Annotated[Language | None, Query(description="language of labels and descriptions; default: "
                                                       "the one Accept-Language prefers, else en")] = None,
    accept_language: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> str:
    return lang.value if lang else preferred_language(accept_language)


Lang = Annotated[str, Depends(language)]


def language_headers(lang: str) -> dict[str, str]:
    return {"Content-Language": lang, "Vary": "Accept-Language"}


def encode_cursor(sort: str, values: list) -> str:
    raw = json.dumps({"sort": sort, "after": values}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        after = data["after"]
        valid = (isinstance(after, list) and len(after) == 2 and isinstance(after[1], str)
                 and ((isinstance(after[0], (int, float)) and math.isfinite(after[0]))
                      or (sort == "name" and isinstance(after[0], str))))
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        valid = False
    if not valid:
        raise invalid("cursor", "malformed cursor: pass next_cursor from a previous response unchanged", cursor)
    if data.get("sort") != sort:
        raise invalid("cursor", f"this cursor belongs to sort={data.get('sort')}, not sort={sort}", cursor)
    return tuple(after)
