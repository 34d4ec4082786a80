"""What each SAMHSA directory edition changed in the listings, since a date, one change a line."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

import orjson
from elasticsearch import AsyncElasticsearch
from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from facility import defaults
from search_api.deps import Client, Settings
from search_api.schemas import CHANGES_RESPONSE, ERROR_RESPONSES

router = APIRouter()
SOURCE = ["id", "name", "name2", "address.city", "address.state", "status", "last_listed", "changes"]


async def changed_facilities(client: AsyncElasticsearch, alias: str, since: date) -> AsyncIterator[dict]:
    """Every facility with a change as of `since` or later, in id order, read a batch at a time
    from one point in time (an alias swap meanwhile neither repeats nor skips one)."""
    pit = (await client.open_point_in_time(index=alias, keep_alive=defaults.EXPORT_KEEP_ALIVE))["id"]
    body = {"query": {"range": {"changes.as_of": {"gte": since.isoformat()}}}, "sort": [{"id": "asc"}],
            "size": defaults.EXPORT_BATCH, "_source": SOURCE, "track_total_hits": False}
    try:
        while hits := (await client.search(**body, pit={"id": pit, "keep_alive": defaults.EXPORT_KEEP_ALIVE})
                       )["hits"]["hits"]:
            for hit in hits:
                yield hit["_source"]
            body["search_after"] = hits[-1]["sort"]
    finally:
        await client.close_point_in_time(id=pit)


async def change_lines(facilities: AsyncIterator[dict], since: date) -> AsyncIterator[bytes]:
    async for facility in facilities:
        about = {"facility_id": facility["id"], "name": facility["name"], "name2": facility.get("name2"),
                 "city": facility["address"]["city"], "state": facility["address"]["state"],
                 "status": facility["status"], "last_listed": facility.get("last_listed")}
        yield b"".join(orjson.dumps({**about, **change}) + b"\n" for change in facility["changes"]
                       if change["as_of"] >= since.isoformat())


@router.get("/v1/changes", summary="Listing changes between SAMHSA directory editions, as NDJSON",
            response_class=StreamingResponse, responses={**ERROR_RESPONSES, **CHANGES_RESPONSE})
async def changes(client: Client, settings: Settings, since: Annotated[date, Query(
        description="changes as of this date (YYYY-MM-DD) or later: an edition's changes are as of its "
                    "survey's reference date")]):
    return StreamingResponse(change_lines(changed_facilities(client, settings.alias, since), since),
                             media_type="application/x-ndjson")
