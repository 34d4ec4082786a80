"""Facility search, as JSON and as CSV, and one facility's record with its provenance."""

import csv
import io
from dataclasses import replace
from typing import Annotated

import orjson
from elasticsearch import AsyncElasticsearch, NotFoundError
from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response

from facility import defaults
from facility.provenance import by_source
from search_api.band import searches
from search_api.deps import Client, Settings
from search_api.errors import NotFound
from search_api.params import SearchParams, encode_cursor, search_params
from search_api.query import Search
from search_api.results import CSV_COLUMNS, csv_row, facets, results
from search_api.settings import ApiSettings

router = APIRouter()
Params = Annotated[SearchParams, Depends(search_params)]


class FastJSONResponse(JSONResponse):
    """For plain JSON data (what Elasticsearch returned, our dicts): no generic encoder pass,
    which was one of the API's largest CPU costs after I/O."""

    def render(self, content) -> bytes:
        return orjson.dumps(content)


async def run_search(client: AsyncElasticsearch, settings: ApiSettings, params: SearchParams, facet_counts: bool,
                     size: int | None = None) -> tuple[Search, dict, dict]:
    search, resolved = params.search()
    if size is not None:
        search = replace(search, size=size, offset=0, after=None)
    conversation = searches(search, facet_counts)
    body = next(conversation)
    while True:
        response = await client.search(index=settings.alias, **body)
        try:
            body = conversation.send(response.body)
        except StopIteration as done:
            search, response = done.value
            return search, resolved, response


@router.get("/v1/facilities", summary="Search facilities")
async def search_facilities(client: Client, settings: Settings, params: Params):
    search, resolved, response = await run_search(client, settings, params, facet_counts=True)
    hits = response["hits"]["hits"]
    total = response["hits"]["total"]["value"]
    shown = hits[: search.size]
    more = len(hits) > search.size if search.after is not None else search.offset + len(shown) < total
    return FastJSONResponse({
        "total": total,
        "results": results(shown, search.point),
        "next_cursor": encode_cursor(search.sort, shown[-1]["sort"]) if more and shown else None,
        "facets": facets(response["aggregations"], search),
        "query": {
            "point": {"lat": search.point.lat, "lon": search.point.lon, **resolved} if search.point else None,
            "radius_mi": search.radius_mi if search.point else None,
            "q": search.text, "filters": {p: list(v) for p, v in search.filters.items()},
            "sort": search.sort, "size": search.size,
            "page": None if search.after is not None else params.page,
        },
    })


@router.get("/v1/facilities.csv", summary="Search facilities, as CSV",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def search_csv(client: Client, settings: Settings, params: Params):
    search, _, response = await run_search(client, settings, params, facet_counts=False,
                                           size=defaults.CSV_ROW_CAP)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for item in results(response["hits"]["hits"], search.point):
        writer.writerow(csv_row(item))
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="iop-finder-facilities.csv"',
        "X-Total-Count": str(response["hits"]["total"]["value"]),
        "X-Row-Cap": str(defaults.CSV_ROW_CAP),
    })


@router.get("/v1/facilities/{facility_id}", summary="One facility, with provenance")
async def facility(client: Client, settings: Settings,
                   facility_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]):
    try:
        response = await client.get(index=settings.alias, id=facility_id)
    except NotFoundError as error:
        if error.message == "index_not_found_exception":
            raise  # search is unavailable, not the facility unknown
        raise NotFound(f"no facility with id {facility_id}") from None
    record = response["_source"]
    return FastJSONResponse({**record, "provenance": by_source(record)})
