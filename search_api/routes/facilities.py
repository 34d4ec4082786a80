"""Facility search, as JSON, and every match as CSV or NDJSON; one facility's record with its provenance."""

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import asdict, replace
from typing import Annotated

import orjson
from elasticsearch import AsyncElasticsearch
from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response, StreamingResponse

from facility import defaults
from facility.places import Resolution
from facility.provenance import by_source
from indexer.documents import SEARCH_ONLY_FIELDS
from search_api.band import searches
from search_api.cache import AnswerCache, wants_fresh
from search_api.deps import Client, Settings
from search_api.errors import NotFound
from search_api.params import Lang, SearchParams, encode_cursor, language_headers, search_params
from search_api.query import Search, search_body, search_key
from search_api.results import CSV_COLUMNS, csv_row, facets, page_url, results
from search_api.schemas import (CSV_RESPONSE, ERROR_RESPONSES, NDJSON_RESPONSE, NOT_FOUND, FacilityRecord,
                                SearchResponse)
from search_api.settings import ApiSettings
from search_api.stored import stored_facility

router = APIRouter()
Params = Annotated[SearchParams, Depends(search_params)]


class FastJSONResponse(JSONResponse):
    """For plain JSON data (what Elasticsearch returned, our dicts): no generic encoder pass,
    which was one of the API's largest CPU costs after I/O."""

    def render(self, content) -> bytes:
        return orjson.dumps(content)


async def run_search(client: AsyncElasticsearch, search: Search, facet_counts: bool,
                     **target) -> tuple[Search, dict]:
    """The search as run (its radius made exact) and its response; `target`: index= or pit=."""
    conversation = searches(search, facet_counts)
    body = next(conversation)
    while True:
        response = await client.search(**target, **body)
        try:
            body = conversation.send(response.body)
        except StopIteration as done:
            return done.value


def query_echo(search: Search, resolved: dict | None, resolution: Resolution | None, page: int | None) -> dict:
    """The search as understood: the point and place it was resolved to, and the rest as applied."""
    return {
        "point": {"lat": search.point.lat, "lon": search.point.lon, **resolved} if search.point else None,
        "place": asdict(resolution.place) if resolution else None,
        "alternatives": [asdict(place) for place in resolution.alternatives] if resolution else [],
        "corrected_from": resolution.corrected_from if resolution else None,
        "radius_mi": search.radius_mi if search.point else None,
        "q": search.text, "filters": {p: list(v) for p, v in search.filters.items()},
        "match_all": sorted(search.match_all), "sort": search.sort, "size": search.size, "page": page,
        "include_retired": search.include_retired, "modified_after": search.modified_after,
    }


@router.get("/v1/facilities", summary="Search facilities", response_model=SearchResponse,
            responses=ERROR_RESPONSES)
async def search_facilities(request: Request, client: Client, settings: Settings, params: Params, lang: Lang):
    search, resolved, resolution = params.search()
    answers: AnswerCache = request.app.state.answers
    found = await answers.answer(("search", search_key(search), params.facets, lang),
                                 lambda: found_json(client, settings, search, params.facets, lang),
                                 fresh=wants_fresh(request.headers))
    # The echo tells how this request asked the search, which requests sharing the answer differ in.
    echo = query_echo(search, resolved, resolution, None if search.after is not None else params.page)
    return Response(found + b',"query":' + orjson.dumps(echo) + b"}", media_type="application/json",
                    headers=language_headers(lang))


async def found_json(client: AsyncElasticsearch, settings: ApiSettings, search: Search, facet_counts: bool,
                     lang: str) -> bytes:
    """The search's answer as JSON but for its last member, the query echo: without the closing brace."""
    search, response = await run_search(client, search, facet_counts, index=settings.alias)
    hits = response["hits"]["hits"]
    total = response["hits"]["total"]["value"]
    shown = hits[: search.size]
    more = len(hits) > search.size if search.after is not None else search.offset + len(shown) < total
    return orjson.dumps({
        "total": total,
        "results": results(shown, search.point, settings.site_url, lang),
        "next_cursor": encode_cursor(search.sort, shown[-1]["sort"]) if more and shown else None,
        "facets": facets(response["aggregations"], search, lang) if facet_counts else None,
    })[:-1]


async def every_match(client: AsyncElasticsearch, settings: ApiSettings, params: SearchParams,
                      lang: str) -> tuple[int, AsyncIterator[list[dict]]]:
    """The number of matches, and all of them as result items, a batch at a time, in the search's
    order. One point in time holds the index as it was, so an alias swap during a long export
    neither repeats nor skips a facility; memory holds one batch, whatever the total."""
    search, _, _ = params.search()
    search = replace(search, size=defaults.EXPORT_BATCH, offset=0, after=None)
    pit = (await client.open_point_in_time(index=settings.alias, keep_alive=defaults.EXPORT_KEEP_ALIVE))["id"]
    try:
        search, response = await run_search(client, search, facet_counts=False,
                                            pit={"id": pit, "keep_alive": defaults.EXPORT_KEEP_ALIVE})
    except Exception:
        await client.close_point_in_time(id=pit)
        raise

    async def batches() -> AsyncIterator[list[dict]]:
        hits = response["hits"]["hits"]
        try:
            while hits:
                yield results(hits, search.point, settings.site_url, lang)
                body = search_body(replace(search, after=tuple(hits[-1]["sort"])), facets=False)
                body.update(size=search.size, track_total_hits=False,
                            pit={"id": pit, "keep_alive": defaults.EXPORT_KEEP_ALIVE})
                hits = (await client.search(**body))["hits"]["hits"]
        finally:
            await client.close_point_in_time(id=pit)

    return response["hits"]["total"]["value"], batches()


async def csv_lines(batches: AsyncIterator[list[dict]]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    async for items in batches:
        for item in items:
            writer.writerow(csv_row(item))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


async def ndjson_lines(batches: AsyncIterator[list[dict]]) -> AsyncIterator[bytes]:
    async for items in batches:
        yield b"".join(orjson.dumps(item) + b"\n" for item in items)


async def export(client: AsyncElasticsearch, settings: ApiSettings, params: SearchParams, lang: str, lines,
                 media_type: str, extension: str) -> StreamingResponse:
    total, batches = await every_match(client, settings, params, lang)
    return StreamingResponse(lines(batches), media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="iop-finder-facilities.{extension}"',
        "X-Total-Count": str(total), **language_headers(lang)})


@router.get("/v1/facilities.csv", summary="Every matching facility, as CSV",
            response_class=Response, responses={**ERROR_RESPONSES, **CSV_RESPONSE})
async def search_csv(client: Client, settings: Settings, params: Params, lang: Lang):
    return await export(client, settings, params, lang, csv_lines, "text/csv; charset=utf-8", "csv")


@router.get("/v1/facilities.ndjson", summary="Every matching facility, one JSON object a line",
            response_class=Response, responses={**ERROR_RESPONSES, **NDJSON_RESPONSE})
async def search_ndjson(client: Client, settings: Settings, params: Params, lang: Lang):
    return await export(client, settings, params, lang, ndjson_lines, "application/x-ndjson", "ndjson")


@router.get("/v1/facilities/{facility_id}", summary="One facility, with provenance",
            response_model=FacilityRecord, responses={**ERROR_RESPONSES, **NOT_FOUND})
async def facility(client: Client, settings: Settings,
                   facility_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]):
    record = await stored_facility(client, settings.alias, facility_id, source_excludes=SEARCH_ONLY_FIELDS)
    if record is None:
        raise NotFound(f"no facility with id {facility_id}")
    return FastJSONResponse({**record, "provenance": by_source(record), "page_url": page_url(record, settings.site_url)})
