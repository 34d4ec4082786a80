"""What every route answers, declared for the OpenAPI schema at /openapi.json (and the docs page).

The search routes render their own JSON for speed, so these models document their answers
without checking them; the other routes' answers are checked against them. A facility's record
is the `Facility` of the domain core, plus its provenance.
"""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from facility.model import Address, Facility, GeoPoint, Phone


PlaceKind = Literal["city", "state", "zip", "coordinates"]


class Place(BaseModel):
    name: str = Field(description='e.g. "Boston, MA", "Virginia", "22902 (Charlottesville, VA)"')
    kind: PlaceKind
    lat: float
    lon: float
    state: str | None = Field(description="two-letter code; null for coordinates")


class PlacesResponse(BaseModel):
    places: list[Place]


class Notice(BaseModel):
    value: str
    label: str


class Result(BaseModel):
    id: str
    name: str
    name2: str | None
    address: Address
    phones: list[Phone]
    website: str | None
    location: GeoPoint | None
    location_precision: Literal["address", "zip", "none"]
    levels_of_care: list[str]
    offers_iop: bool
    payment: list[str]
    payment_assistance: list[str]
    distance_mi: float | None = Field(default=None, description="miles from the point searched around; "
                                                                "absent without a point or a location")
    services: list[str]
    notices: list[Notice] = Field(description="what every view points out, e.g. no alcohol use disorder treatment")
    hours: list[str] = Field(description="when the program meets, as the facility's website says")
    evening: bool = Field(description="evening hours, per the facility's website")
    weekend: bool = Field(description="weekend hours, per the facility's website")
    telehealth: bool | None
    co_occurring: bool | None
    opioid_medications: list[str]
    alcohol_medications: bool
    ages: list[str]
    genders: list[str]
    languages: list[str]
    populations: list[str]
    verified_on: date | None = Field(description="when the newest source's content was true")
    page_url: str | None = Field(description="the facility's page on the site (IOPs have one)")
    status: Literal["listed", "retired"] = Field(description="retired: the newest SAMHSA directory no longer "
                                                             "lists it (only with include_retired=true)")
    last_listed: str | None = Field(description="the newest SAMHSA directory edition that lists it")


class FacetValue(BaseModel):
    value: str
    label: str
    count: int
    selected: bool


class Facet(BaseModel):
    label: str
    values: list[FacetValue]


class PointEcho(BaseModel):
    """The point searched around, and what it came from (the fields of its source only)."""
    lat: float
    lon: float
    source: Literal["coordinates", "zip", "place", "facility"]
    facility_id: str | None = None
    zip: str | None = None
    city: str | None = None
    state: str | None = None
    name: str | None = None
    kind: PlaceKind | None = None


class QueryEcho(BaseModel):
    """The search as understood and applied."""
    point: PointEcho | None
    place: Place | None
    alternatives: list[Place] = Field(description="other places the place text may have meant")
    corrected_from: str | None = Field(description="the place text as given, when it was corrected")
    radius_mi: float | None
    q: str | None
    filters: dict[str, list[str]] = Field(description="filter parameter → the values chosen")
    match_all: list[str] = Field(description="filter groups whose values must all apply")
    sort: str
    size: int
    page: int | None = Field(description="null when paging by cursor")
    include_retired: bool
    modified_after: date | None


class SearchResponse(BaseModel):
    total: int
    results: list[Result]
    next_cursor: str | None = Field(description="pass as cursor for the next page; null on the last")
    facets: dict[str, Facet] | None = Field(description="with facets=true: filter parameter → its values with "
                                                         "counts; else null")
    query: QueryEcho


class SourceStatement(BaseModel):
    name: str
    edition: str | None
    statement: str = Field(description="the source and when its content was true, in a sentence")
    as_of: date
    retrieved_at: datetime
    fields: list[str] = Field(description="the record's fields this source gave")


class FacilityRecord(Facility):
    """A facility as stored, with every source's statement."""
    # Named `provenance` in JSON only: in Python that name is Facility's validator.
    statements: list[SourceStatement] = Field(alias="provenance")
    page_url: str | None = Field(description="the facility's page on the site (IOPs only)")


class StateCount(BaseModel):
    code: str
    name: str
    iop_facilities: int
    facilities: int


class StatesResponse(BaseModel):
    states: list[StateCount]


class TaxonomyValue(BaseModel):
    value: str
    label: str
    description: str


class TaxonomyGroup(BaseModel):
    param: str = Field(description="the search's query parameter")
    label: str
    values: list[TaxonomyValue]


class TaxonomyResponse(BaseModel):
    groups: list[TaxonomyGroup]


class ZipLocation(BaseModel):
    zip: str
    lat: float
    lon: float
    city: str
    state: str


class Alive(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]
    index: str = Field(description="the index behind the alias")
    documents: int = Field(description="facilities in that index")
    index_built_at: datetime | None = Field(description="when that index was built (UTC); null for an index "
                                                        "not named by the indexer")
    data_as_of: date | None = Field(description="the newest date a source's content was true (verified_on)")
    data_age_days: int | None = Field(description="days from data_as_of to today (UTC)")


class NotReady(BaseModel):
    status: Literal["unavailable"]


class ParameterError(BaseModel):
    type: str
    loc: list[str | int] = Field(description='where, e.g. ["query", "zip"]')
    msg: str
    input: Any
    ctx: dict[str, Any] | None = None


class Unprocessable(BaseModel):
    detail: list[ParameterError]
    message: str = Field(description="every problem in one line, naming the parameters")


class Message(BaseModel):
    detail: str


RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before trying again",
                               "schema": {"type": "integer"}}}
TOTAL_COUNT = {"X-Total-Count": {"description": "how many facilities match", "schema": {"type": "integer"}}}

UNPROCESSABLE = {422: {"model": Unprocessable, "description": "A parameter is invalid"}}
class HsdsAbout(BaseModel):
    version: str = Field(description="HSDS version of this API")
    openapi_url: str = Field(description="URL of the OpenAPI description of this API")


class HsdsPage(BaseModel):
    """A page of HSDS objects (the specification's openapi.json, Page)."""
    total_items: int
    total_pages: int
    page_number: int
    size: int = Field(description="objects on this page")
    first_page: bool
    last_page: bool
    empty: bool = Field(description="true when nothing matched")
    contents: list[dict[str, Any]] = Field(description="HSDS 3.1 objects, as the route says")


NOT_FOUND = {404: {"model": Message, "description": "No such facility"}}
HSDS_NOT_FOUND = {404: {"model": Message, "description": "No object of this kind has that id"}}
UNAVAILABLE = {503: {"model": Message, "headers": RETRY_AFTER,
                     "description": "Search is unavailable, or the service is busy"}}
RATE_LIMITED = {429: {"model": Message, "headers": RETRY_AFTER, "description": "Too many searches from this client"}}
ERROR_RESPONSES = {**UNPROCESSABLE, **UNAVAILABLE, **RATE_LIMITED}
NOT_READY = {503: {"model": NotReady, "headers": RETRY_AFTER, "description": "Search is unavailable"}}

CSV_RESPONSE = {200: {"description": "Every matching facility, one row each",
                      "headers": TOTAL_COUNT,
                      "content": {"text/csv": {"schema": {"type": "string"}}}}}
CHANGES_RESPONSE = {200: {"description": "One change a line: the facility (id, name, city, state, status, "
                                          "last_listed) with the change's edition, as_of, kind (new, retired, "
                                          "returned, added, removed), field and values",
                           "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/Change"}}}}}
# One Result a line; the $ref resolves because /v1/facilities documents Result.
NDJSON_RESPONSE = {200: {"description": "Every matching facility, one JSON object a line",
                         "headers": TOTAL_COUNT,
                         "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/Result"}}}}}
