"""The FastAPI application: routes, the Elasticsearch client's lifetime, errors, request log."""

import csv
import gc
import io
import logging
import time
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from elastic_transport import TransportError
import orjson
from elasticsearch import ApiError, AsyncElasticsearch, NotFoundError
from elasticsearch.serializer import OrjsonSerializer
from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.staticfiles import StaticFiles

from facility import defaults
from facility.geo import zip_point
from facility.provenance import by_source
from facility.states import STATE_NAMES
from search_api.filters import FILTER_GROUPS
from search_api.protection import API_HEADERS, LoadShedder, RateLimiter, site_headers
from search_api.params import SearchParams, encode_cursor, invalid, search_params
from search_api.band import searches
from search_api.query import Search
from search_api.results import CSV_COLUMNS, csv_row, facets, results
from search_api.settings import ApiSettings

log = logging.getLogger("iopfinder.api")
# Decoding Elasticsearch's answers and encoding ours were the API's largest CPU costs after I/O.
FAST_SERIALIZERS = {mimetype: OrjsonSerializer() for mimetype in
                    ("application/json", "application/vnd.elasticsearch+json")}


class FastJSONResponse(JSONResponse):
    """For plain JSON data (what Elasticsearch returned, our dicts): no generic encoder pass."""

    def render(self, content) -> bytes:
        return orjson.dumps(content)

PRIVATE_PARAMS = {"lat", "lon"}


class Unavailable(Exception):
    """Elasticsearch is down, slow, or has no index behind the alias."""


def create_app(settings: ApiSettings, site: Path | None = None) -> FastAPI:
    """The API; with `site`, also that built static site at / (one origin, as in the demo)."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Nothing connects at import time; the client is made here and passed to routes.
        app.state.es = AsyncElasticsearch(settings.elasticsearch_url, request_timeout=settings.es_timeout_s,
                                          max_retries=settings.es_retries, retry_on_timeout=False,
                                          serializers=FAST_SERIALIZERS)
        zip_point("00000")  # load the ZIP table now, not on the first visitor's request
        # Everything made so far lives as long as the process (about 300,000 objects, most of them
        # the ZIP table). Frozen, the garbage collector no longer walks them: a full collection
        # over them stalled every request in flight for about 0.3 s.
        gc.freeze()
        yield
        await app.state.es.close()

    app = FastAPI(title="IOP Finder API", version="1", lifespan=lifespan,
                  description="Search intensive outpatient programs (IOPs) for substance use and "
                              "co-occurring mental health conditions in the United States. Data: SAMHSA.",
                  docs_url=None, redoc_url=None)  # the interactive docs would load third-party assets

    async def es(request: Request) -> AsyncElasticsearch:  # a coroutine: no worker-thread hop
        return request.app.state.es

    Es = Annotated[AsyncElasticsearch, Depends(es)]

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, error: Unavailable):
        return JSONResponse({"detail": "search is temporarily unavailable; please try again shortly"},
                            status_code=503, headers={"Retry-After": str(settings.retry_after_s)})

    @app.exception_handler(RequestValidationError)
    async def unprocessable(request: Request, error: RequestValidationError):
        errors = jsonable_encoder(error.errors())
        message = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
                            for e in errors)
        return JSONResponse({"detail": errors, "message": message}, status_code=422)

    app.add_middleware(Edge, settings=settings, serves_site=site is not None)
    if settings.cors_origins:  # outermost, so that 429 and 503 from the edge carry CORS headers too
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET"])

    async def call(coroutine):
        try:
            return await coroutine
        except NotFoundError as error:
            if error.message == "index_not_found_exception":
                raise Unavailable() from None
            raise
        except (TransportError, ApiError) as error:
            log.warning("Elasticsearch failed: %s", error.__class__.__name__)
            raise Unavailable() from None

    async def run_search(client: AsyncElasticsearch, params: SearchParams, facet_counts: bool,
                         size: int | None = None) -> tuple[Search, dict, dict]:
        search, resolved = params.search()
        if size is not None:
            search = replace(search, size=size, offset=0, after=None)
        conversation = searches(search, facet_counts)
        body = next(conversation)
        while True:
            response = await call(client.search(index=settings.alias, **body))
            try:
                body = conversation.send(response.body)
            except StopIteration as done:
                search, response = done.value
                return search, resolved, response

    @app.get("/v1/facilities", summary="Search facilities")
    async def search_facilities(client: Es, params: Annotated[SearchParams, Depends(search_params)]):
        search, resolved, response = await run_search(client, params, facet_counts=True)
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

    @app.get("/v1/facilities.csv", summary="Search facilities, as CSV",
             response_class=Response, responses={200: {"content": {"text/csv": {}}}})
    async def search_csv(client: Es, params: Annotated[SearchParams, Depends(search_params)]):
        search, _, response = await run_search(client, params, facet_counts=False, size=defaults.CSV_ROW_CAP)
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

    @app.get("/v1/facilities/{facility_id}", summary="One facility, with provenance")
    async def facility(client: Es, facility_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]):
        try:
            response = await call(client.get(index=settings.alias, id=facility_id))
        except NotFoundError:
            return JSONResponse({"detail": f"no facility with id {facility_id}"}, status_code=404)
        record = response["_source"]
        return FastJSONResponse({**record, "provenance": by_source(record)})

    @app.get("/v1/states", summary="States and territories with facility counts")
    async def states(client: Es):
        response = await call(client.search(index=settings.alias, size=0, aggs={"states": {
            "terms": {"field": "address.state", "size": len(STATE_NAMES) + 10},
            "aggs": {"iop": {"filter": {"term": {"levels_of_care": "iop"}}}}}}))
        counts = {b["key"]: b for b in response["aggregations"]["states"]["buckets"]}
        return {"states": [{"code": code, "name": name,
                            "iop_facilities": counts[code]["iop"]["doc_count"] if code in counts else 0,
                            "facilities": counts[code]["doc_count"] if code in counts else 0}
                           for code, name in STATE_NAMES.items()]}

    @app.get("/v1/taxonomy", summary="Filter groups, their values, labels and descriptions")
    async def taxonomy():
        return {"groups": [{"param": g.param, "label": g.label,
                            "values": [{"value": v, "label": label, "description": g.descriptions.get(v, label)}
                                       for v, label in g.values.items()]}
                           for g in FILTER_GROUPS.values()]}

    @app.get("/v1/geocode", summary="Offline ZIP code lookup")
    async def geocode(zip: Annotated[str, Query(pattern=r"^\d{5}$")]):
        found = zip_point(zip)
        if found is None:
            raise invalid("zip", f"unknown ZIP code {zip}", zip)
        return {"zip": found.zip, "lat": found.lat, "lon": found.lon, "city": found.city, "state": found.state}

    @app.get("/healthz", summary="Liveness (never touches Elasticsearch)")
    async def healthz():
        return {"status": "ok"}

    @app.get("/readyz", summary="Readiness: Elasticsearch reachable and the alias present")
    async def readyz(client: Es):
        try:
            aliases = await call(client.indices.get_alias(name=settings.alias))
        except (Unavailable, NotFoundError):
            return JSONResponse({"status": "unavailable"}, status_code=503,
                                headers={"Retry-After": str(settings.retry_after_s)})
        return {"status": "ready", "index": sorted(aliases.body)[-1]}

    if site is not None:
        app.mount("/", StaticFiles(directory=site, html=True), name="site")
    return app


class Edge:
    """Load shedding and rate limiting for the API, security headers, and the request log.

    Plain ASGI rather than `@app.middleware("http")`, whose wrapper runs every request through an
    extra task and memory streams."""

    def __init__(self, app, settings: ApiSettings, serves_site: bool):
        self.app, self.settings, self.serves_site = app, settings, serves_site
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.shedder = LoadShedder(settings.max_in_flight)
        self.page_headers = site_headers(settings.site_api_origin)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        path = scope["path"]
        api = path.startswith("/v1/")
        is_page = self.serves_site and not (api or path in ("/healthz", "/readyz", "/openapi.json"))
        extra = self.page_headers if is_page else API_HEADERS
        status = 500

        async def send_with_headers(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).update(extra)
            await send(message)

        refusal = self.refusal(scope, path, api)
        if refusal is None and api and not self.shedder.enter():
            refusal = JSONResponse({"detail": "the service is busy; please try again in a moment"},
                                   status_code=503, headers={"Retry-After": "1"})
        elif refusal is None:
            try:
                await self.app(scope, receive, send_with_headers)
            finally:
                if api:
                    self.shedder.leave()
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
        log.info("%s %s%s %d %.1fms", scope["method"], path, _private_query(scope["query_string"].decode("latin-1")),
                 status, (time.perf_counter() - started) * 1000)

    def refusal(self, scope, path: str, api: bool) -> JSONResponse | None:
        """A 429 for a client over the search rate limit."""
        if not (api and (path.startswith("/v1/facilities") or path == "/v1/geocode")):
            return None
        request = Request(scope)
        address = (request.headers.get("x-real-ip") if self.settings.trust_proxy else None) or \
            (request.client.host if request.client else "")
        wait = self.limiter.retry_after(address)
        if wait is None:
            return None
        return JSONResponse({"detail": "too many searches from this client; please wait a moment"},
                            status_code=429, headers={"Retry-After": str(wait)})


def _private_query(query: str) -> str:
    """The query string for the log, with coordinates rounded to 2 decimals (about a kilometre)."""
    if not query:
        return ""
    pairs = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key in PRIVATE_PARAMS:
            try:
                value = f"{float(value):.2f}"
            except ValueError:
                value = "?"
        pairs.append((key, value))
    return "?" + urlencode(pairs)
