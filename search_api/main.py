"""The API application: its routes, error handlers and edge, and the Elasticsearch client's lifetime."""

import gc
from contextlib import asynccontextmanager
from pathlib import Path

from elasticsearch import AsyncElasticsearch
from elasticsearch.serializer import OrjsonSerializer
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles

from facility.geo import zip_point
from facility.i18n import DEFAULT, LANGUAGES
from facility.labels import vocabulary
from facility.places import warm as warm_places
from search_api.cache import AnswerCache, following
from search_api.errors import add_handlers
from search_api.metrics import Metrics
from search_api.protection import Edge
from search_api.routes import changes, docs, facilities, geocode, health, hsds, places, states, taxonomy
from search_api.settings import ApiSettings

RESOURCES = (facilities, changes, places, states, taxonomy, geocode, health, docs, hsds)

# Decoding Elasticsearch's answers was one of the API's largest CPU costs after I/O.
FAST_SERIALIZERS = {mimetype: OrjsonSerializer() for mimetype in
                    ("application/json", "application/vnd.elasticsearch+json")}


class SiteFiles(StaticFiles):
    """The built site, as nginx serves it in production: a page missing under a language's prefix
    ("/es/…") gets that language's 404 page."""

    async def get_response(self, path: str, scope) -> Response:
        response = await super().get_response(path, scope)
        lang = path.split("/", 1)[0]
        if response.status_code == 404 and lang in LANGUAGES and lang != DEFAULT:
            full_path, found = self.lookup_path(f"{lang}/404.html")
            if found:
                return FileResponse(full_path, stat_result=found, status_code=404)
        return response


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Nothing connects at import time; the client is made here and reaches routes through deps.
    settings: ApiSettings = app.state.settings
    # With several nodes, a request that cannot connect to one, or times out on it (a node killed mid-request
    # answers nothing until the timeout), is retried on the next (es_retries), and that node is set aside.
    # With one node, a timeout is a 503 at once: trying the same node again would only double the wait.
    several = len(settings.elasticsearch.urls) > 1
    app.state.es = AsyncElasticsearch(**settings.elasticsearch.client_options(), request_timeout=settings.es_timeout_s,
                                      max_retries=settings.es_retries, retry_on_timeout=several,
                                      serializers=FAST_SERIALIZERS)
    zip_point("00000")  # load the ZIP and place tables now, not on the first visitor's request
    warm_places()
    for lang in LANGUAGES:  # each language's labels, compiled from its catalog
        vocabulary(lang)
    # Everything made so far lives as long as the process (about 300,000 objects, most of them
    # the ZIP table). Frozen, the garbage collector no longer walks them: a full collection
    # over them stalled every request in flight for about 0.3 s.
    gc.freeze()
    async with following(app.state.answers, app.state.es, settings.alias):
        yield
    await app.state.es.close()


def create_app(settings: ApiSettings, site: Path | None = None) -> FastAPI:
    """The API; with `site`, also that built static site at / (one origin, as in the demo)."""
    app = FastAPI(title="IOP Finder API", version="1", lifespan=lifespan,
                  description="Search intensive outpatient programs (IOPs) for substance use and "
                              "co-occurring mental health conditions in the United States. Data: SAMHSA.",
                  docs_url=None, redoc_url=None)  # FastAPI's docs load third-party assets; ours: routes/docs.py
    app.state.settings = settings
    paths = [route.path for resource in RESOURCES for route in resource.router.routes]
    app.state.metrics = Metrics([*paths, app.openapi_url], settings.metrics_refresh_s)
    app.state.answers = AnswerCache(on_lookup=app.state.metrics.cache_lookup)
    add_handlers(app)
    app.add_middleware(Edge, settings=settings, serves_site=site is not None, metrics=app.state.metrics)
    if settings.cors_origins:  # outermost, so that 429 and 503 from the edge carry CORS headers too
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET"])
    for resource in RESOURCES:
        app.include_router(resource.router)
    if site is not None:
        app.mount("/", SiteFiles(directory=site, html=True), name="site")
    return app
