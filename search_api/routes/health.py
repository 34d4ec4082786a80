"""Liveness and readiness probes."""

from elastic_transport import TransportError
from elasticsearch import ApiError
from fastapi import APIRouter

from search_api.deps import Client, Settings
from search_api.errors import NotReady, log_failure
from search_api.schemas import NOT_READY, Alive, Ready

router = APIRouter()


@router.get("/healthz", summary="Liveness (never touches Elasticsearch)", response_model=Alive)
async def healthz():
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: Elasticsearch reachable and the alias present",
            response_model=Ready, responses=NOT_READY)
async def readyz(client: Client, settings: Settings):
    try:
        aliases = await client.indices.get_alias(name=settings.alias)
    except (TransportError, ApiError) as error:
        log_failure(error)
        raise NotReady(settings.retry_after_s) from None
    return {"status": "ready", "index": sorted(aliases.body)[-1]}
