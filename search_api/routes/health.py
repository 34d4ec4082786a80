"""Liveness and readiness probes, and the metrics operators scrape (never exposed publicly)."""

from datetime import datetime, timezone

from elastic_transport import TransportError
from elasticsearch import ApiError
from fastapi import APIRouter, Request, Response

from search_api.deps import Client, Settings
from search_api.errors import NotReady, log_failure
from search_api.metrics import Metrics, index_state
from search_api.schemas import NOT_READY, Alive, Ready

router = APIRouter()


@router.get("/healthz", summary="Liveness (never touches Elasticsearch)", response_model=Alive)
async def healthz():
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: Elasticsearch reachable and facilities behind the alias",
            response_model=Ready, responses=NOT_READY)
async def readyz(request: Request, client: Client, settings: Settings):
    try:
        state = await index_state(client, settings.alias)
    except (TransportError, ApiError) as error:
        log_failure(error, request.app.state.metrics)
        raise NotReady(settings.retry_after_s) from None
    if not state.documents:
        raise NotReady(settings.retry_after_s)
    as_of = state.data_as_of
    return {"status": "ready", "index": state.index, "documents": state.documents,
            "index_built_at": state.built_at, "data_as_of": as_of,
            "data_age_days": (datetime.now(timezone.utc).date() - as_of).days if as_of else None}


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, client: Client, settings: Settings) -> Response:
    """Prometheus' text format. Elasticsearch down leaves the index's figures as last read."""
    counted: Metrics = request.app.state.metrics
    if counted.due():
        try:
            counted.observe(await index_state(client, settings.alias))
        except (TransportError, ApiError) as error:
            log_failure(error, counted)
    body, media_type = counted.exposition()
    return Response(body, media_type=media_type)
