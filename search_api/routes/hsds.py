"""Open Referral's HSDS 3.1 API (the specification's openapi.json) under /hsds/: services,
services at locations, organizations and the taxonomy, built from the index by facility.hsds.

Lists are HSDS pages (`page`, `per_page`); `format=ndjson` streams every result instead, one a
line. Services of facilities the newest directory no longer lists are `inactive`, not left out, so
that a system syncing with `modified_after` learns of them. An unknown id is a 404; a bad value, a
422 naming the parameter, as in the rest of the API. docs/hsds.md describes the model.
"""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Literal

import orjson
from elasticsearch import AsyncElasticsearch
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from facility import defaults
from facility.geo import zip_point
from facility.hsds import (TAXONOMY_ID, level_order, organization_full, organization_list_item, service,
                           service_at_location_full, service_at_location_list_item, service_list_item, taxonomy,
                           taxonomy_terms, terms_by_id)
from indexer.documents import SEARCH_ONLY_FIELDS
from search_api.deps import Client, Settings
from search_api.errors import NotFound, invalid
from search_api.hsds import (HsdsQuery, every_facility_query, facility_query, level_counts, level_counts_body,
                             page, page_slices, slice_body, source)
from search_api.schemas import ERROR_RESPONSES, HSDS_NOT_FOUND, HsdsAbout, HsdsPage
from search_api.stored import every_facility

router = APIRouter(prefix="/hsds", tags=["HSDS 3.1"])
NDJSON = "application/x-ndjson"
SPEC_SCHEMAS = "https://raw.githubusercontent.com/openreferral/specification/3.1/schema"


def answer(content) -> Response:
    return Response(orjson.dumps(content), media_type="application/json")


def described(schema: str, description: str, listed: bool = False) -> dict:
    """The 200 answer's OpenAPI entry: one HSDS object, or a page of them (`response_model=HsdsPage`)
    and with format=ndjson every one a line; `schema`: the specification's, under its schema/."""
    item = {"type": "object", "description": f"HSDS 3.1: {SPEC_SCHEMAS}/{schema}"}
    return {200: {"description": description, "content": {NDJSON if listed else "application/json": {"schema": item}}}}


@dataclass(frozen=True)
class Listing:
    """How a list was asked for, besides which objects: the page, the format and the detail."""
    query: HsdsQuery
    ndjson: bool
    full: bool


def listing(search: Annotated[str | None, Query(max_length=defaults.QUERY_TEXT_MAX,
                                                 description="Full text search.")] = None,
            page_number: Annotated[int, Query(alias="page", ge=1, le=defaults.RESULT_WINDOW,
                                              description="Page number of paginated result.")] = 1,
            per_page: Annotated[int, Query(ge=1, le=defaults.HSDS_PER_PAGE_MAX, description=(
                "Number of results requested in a single page."))] = defaults.HSDS_PER_PAGE,
            format_: Annotated[Literal["json", "ndjson"], Query(alias="format", description=(
                "json (default), or ndjson: every result, one a line, without pagination."))] = "json",
            full: Annotated[bool, Query(description="Return each object fully nested.")] = False) -> Listing:
    if page_number * per_page > defaults.RESULT_WINDOW:
        raise invalid("page", f"pages reach only the first {defaults.RESULT_WINDOW:,} results; use "
                              "format=ndjson to read them all", page_number)
    return Listing(HsdsQuery(search=search, page=page_number, per_page=per_page), format_ == "ndjson", full)


def term_code(taxonomy_term_id: str | None, taxonomy_id: str | None) -> str | None:
    if taxonomy_id is not None and taxonomy_id != TAXONOMY_ID:
        raise invalid("taxonomy_id", f"no taxonomy has id {taxonomy_id}; ours is {TAXONOMY_ID}", taxonomy_id)
    if taxonomy_term_id is None:
        return None
    if taxonomy_term_id not in terms_by_id():
        raise invalid("taxonomy_term_id", f"no taxonomy term has id {taxonomy_term_id} (see /hsds/taxonomy_terms)",
                      taxonomy_term_id)
    return terms_by_id()[taxonomy_term_id]["code"]


def service_listing(
        shown: Annotated[Listing, Depends(listing)],
        taxonomy_term_id: Annotated[str | None, Query(description=(
            "Search for services with particular taxonomy_term."))] = None,
        taxonomy_id: Annotated[str | None, Query(description=(
            "Search for services which contain any term with this taxonomy."))] = None,
        organization_id: Annotated[str | None, Query(description=(
            "Search for services that this organization provides."))] = None,
        modified_after: Annotated[datetime | None, Query(description=(
            "Return all results modified on or after this datetime (ISO 8601; a date alone is its "
            "midnight, UTC)."))] = None,
        postcode: Annotated[str | None, Query(pattern=r"^\d{5}$", description=(
            "A ZIP code: services located there or, with `proximity`, within that many meters of "
            "its centre (nearest first)."))] = None,
        proximity: Annotated[float | None, Query(ge=1, le=defaults.HSDS_PROXIMITY_MAX_M, description=(
            "Return services within this many meters from the centroid of `postcode`."))] = None) -> Listing:
    if proximity is not None and postcode is None:
        raise invalid("proximity", "proximity needs a postcode to measure from", proximity)
    near = None
    if proximity is not None:
        if (centre := zip_point(postcode)) is None:
            raise invalid("postcode", f"no ZIP code {postcode} is known", postcode)
        near = (centre.lat, centre.lon)
    code = term_code(taxonomy_term_id, taxonomy_id)
    if modified_after is not None:
        modified_after = in_utc(modified_after)
    query = HsdsQuery(search=shown.query.search, code=code, organization_id=organization_id,
                      modified_after=modified_after, postcode=postcode, near=near, proximity_m=proximity,
                      page=shown.query.page, per_page=shown.query.per_page)
    return Listing(query, shown.ndjson, shown.full)


def in_utc(moment: datetime) -> datetime:
    """The moment in UTC (a date-time without an offset is in UTC): Elasticsearch takes offsets
    up to ±18 hours only, Python's go further."""
    try:
        return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    except OverflowError:
        raise invalid("modified_after", "a date-time past the end of the calendar", moment.isoformat()) from None


ServiceListing = Annotated[Listing, Depends(service_listing)]
Render = Callable[[dict, str], dict]  # (facility, level) → an HSDS object


async def service_page(client: AsyncElasticsearch, alias: str, ask: HsdsQuery, render: Render, full: bool) -> dict:
    counts = level_counts(ask, (await client.search(index=alias, **level_counts_body(ask))).body)
    slices = page_slices(counts, ask.offset, ask.per_page)
    contents = []
    for level, start, size in slices:  # one, or two where the page crosses from one level to the next
        hits = (await client.search(index=alias, **slice_body(ask, level, start, size, full))).body["hits"]["hits"]
        contents += [render(hit["_source"], level) for hit in hits]
    return page(ask, sum(count for _, count in counts), contents)


async def lines(facilities: AsyncIterator[dict], render: Callable[[dict], list[dict]]) -> AsyncIterator[bytes]:
    async for facility in facilities:
        yield b"".join(orjson.dumps(found) + b"\n" for found in render(facility))


async def every_service(client: AsyncElasticsearch, alias: str, ask: HsdsQuery, render: Render,
                        full: bool) -> StreamingResponse:
    def rendered(facility: dict) -> list[dict]:
        return [render(facility, level) for level in level_order()
                if level in ask.levels and level in (facility.get("levels_of_care") or ())]
    found = await every_facility(client, alias, every_facility_query(ask), source(full))
    return StreamingResponse(lines(found, rendered), media_type=NDJSON)


async def facility_by(client: AsyncElasticsearch, alias: str, object_id: str) -> dict | None:
    hits = (await client.search(index=alias, query={"term": {"hsds_ids": object_id}}, size=1,
                                _source={"excludes": SEARCH_ONLY_FIELDS})).body["hits"]["hits"]
    return hits[0]["_source"] if hits else None


def object_with_id(facility: dict | None, object_id: str, render: Render) -> dict | None:
    """Of the facility's objects (one per level of care), the one with this id."""
    return next((found for level in (facility or {}).get("levels_of_care") or []
                 if (found := render(facility, level))["id"] == object_id), None)


def minimal(facility: dict, level: str) -> dict:
    found = service_list_item(facility, level)
    return {"id": found["id"], "last_modified": found["last_modified"]}


@router.get("/", summary="This API and its relationship with HSDS", response_model=HsdsAbout)
async def about(request: Request):
    return answer({"version": "3.1", "openapi_url": str(request.url_for("openapi"))})


@router.get("/services", summary="Services: one per facility and level of care", response_model=HsdsPage,
            responses={**ERROR_RESPONSES, **described("compiled/service_list.json", "A page of services", listed=True)})
async def services(client: Client, settings: Settings, shown: ServiceListing,
                   minimal_: Annotated[bool, Query(alias="minimal", description=(
                       "Return just each service's id and last_modified."))] = False):
    render = minimal if minimal_ else service if shown.full else service_list_item
    full = shown.full and not minimal_
    if shown.ndjson:
        return await every_service(client, settings.alias, shown.query, render, full)
    return answer(await service_page(client, settings.alias, shown.query, render, full))


@router.get("/services/{id}", summary="One service, fully nested",
            responses={**ERROR_RESPONSES, **HSDS_NOT_FOUND, **described("compiled/service.json", "The service")})
async def one_service(client: Client, settings: Settings, id: str):
    found = object_with_id(await facility_by(client, settings.alias, id), id, service)
    if found is None:
        raise NotFound(f"no service with id {id}")
    return answer(found)


@router.get("/service_at_locations", summary="Each service at its facility's location", response_model=HsdsPage,
            responses={**ERROR_RESPONSES, **described("compiled/service_at_location_list.json",
                                                      "A page of services at locations", listed=True)})
async def services_at_locations(client: Client, settings: Settings, shown: ServiceListing):
    render = service_at_location_full if shown.full else service_at_location_list_item
    if shown.ndjson:
        return await every_service(client, settings.alias, shown.query, render, shown.full)
    return answer(await service_page(client, settings.alias, shown.query, render, shown.full))


@router.get("/service_at_locations/{id}", summary="One service at a location, fully nested",
            responses={**ERROR_RESPONSES, **HSDS_NOT_FOUND, **described("compiled/service_at_location.json",
                                                                          "The service at a location")})
async def one_service_at_location(client: Client, settings: Settings, id: str):
    found = object_with_id(await facility_by(client, settings.alias, id), id, service_at_location_full)
    if found is None:
        raise NotFound(f"no service at location with id {id}")
    return answer(found)


FullService = Annotated[bool, Query(description="Nest each of the organization's services whole.")]


@router.get("/organizations", summary="Organizations: one per facility", response_model=HsdsPage,
            responses={**ERROR_RESPONSES, **described("compiled/organization_list.json", "A page of organizations",
                                                      listed=True)})
async def organizations(client: Client, settings: Settings, shown: Annotated[Listing, Depends(listing)],
                        full_service: FullService = False):
    def render(facility: dict) -> dict:
        if full:
            return organization_full(facility, full_service)
        return organization_list_item(facility)
    ask, full = shown.query, shown.full or full_service
    if shown.ndjson:
        found = await every_facility(client, settings.alias, facility_query(ask), source(full))
        return StreamingResponse(lines(found, lambda facility: [render(facility)]), media_type=NDJSON)
    response = (await client.search(index=settings.alias, **slice_body(ask, None, ask.offset, ask.per_page, full))
                ).body
    return answer(page(ask, response["hits"]["total"]["value"],
                       [render(hit["_source"]) for hit in response["hits"]["hits"]]))


@router.get("/organizations/{id}", summary="One organization, with its location and services",
            responses={**ERROR_RESPONSES, **HSDS_NOT_FOUND,
                       **described("compiled/organization.json", "The organization")})
async def one_organization(client: Client, settings: Settings, id: str, full_service: FullService = False):
    facility = await facility_by(client, settings.alias, id)
    if facility is None or organization_list_item(facility)["id"] != id:
        raise NotFound(f"no organization with id {id}")
    return answer(organization_full(facility, full_service))


def static_page(shown: Listing, found: list[dict]) -> Response:
    """A list we hold in memory (the taxonomy), paged or streamed like the others."""
    if shown.ndjson:
        return Response(b"".join(orjson.dumps(item) + b"\n" for item in found), media_type=NDJSON)
    ask = shown.query
    return answer(page(ask, len(found), found[ask.offset: ask.offset + ask.per_page]))


def matches(text: str | None, item: dict) -> bool:
    return not text or any(text.casefold() in str(item.get(key, "")).casefold()
                           for key in ("code", "name", "description"))


@router.get("/taxonomies", summary="The taxonomy: SAMHSA's service codes", response_model=HsdsPage,
            responses={**ERROR_RESPONSES, **described("taxonomy.json", "A page of taxonomies", listed=True)})
async def taxonomies(shown: Annotated[Listing, Depends(listing)]):
    return static_page(shown, [item for item in (taxonomy(),) if matches(shown.query.search, item)])


@router.get("/taxonomies/{id}", summary="One taxonomy",
            responses={**ERROR_RESPONSES, **HSDS_NOT_FOUND, **described("taxonomy.json", "The taxonomy")})
async def one_taxonomy(id: str):
    if id != TAXONOMY_ID:
        raise NotFound(f"no taxonomy with id {id}")
    return answer(taxonomy())


@router.get("/taxonomy_terms", summary="SAMHSA's service codes as taxonomy terms, in English and Spanish",
            response_model=HsdsPage,
            responses={**ERROR_RESPONSES, **described("taxonomy_term.json", "A page of taxonomy terms", listed=True)})
async def terms(shown: Annotated[Listing, Depends(listing)],
                taxonomy_id: Annotated[str | None, Query(description="Terms of this taxonomy.")] = None,
                top_only: Annotated[bool, Query(description="Only terms without a parent (all of ours).")] = False,
                parent_id: Annotated[str | None, Query(description=(
                    "Only the children of this term (ours have none)."))] = None):
    term_code(None, taxonomy_id)
    if parent_id is not None and parent_id not in terms_by_id():
        raise invalid("parent_id", f"no taxonomy term has id {parent_id}", parent_id)
    found = [] if parent_id else [term for term in taxonomy_terms() if matches(shown.query.search, term)]
    return static_page(shown, found)


@router.get("/taxonomy_terms/{id}", summary="One taxonomy term",
            responses={**ERROR_RESPONSES, **HSDS_NOT_FOUND, **described("taxonomy_term.json", "The taxonomy term")})
async def one_term(id: str):
    if id not in terms_by_id():
        raise NotFound(f"no taxonomy term with id {id}")
    return answer(terms_by_id()[id])
