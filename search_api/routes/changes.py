"""What each SAMHSA directory edition changed in the listings, since a date, one change a line."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

import orjson
from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from search_api.deps import Client, Settings
from search_api.schemas import CHANGES_RESPONSE, ERROR_RESPONSES
from search_api.stored import every_facility

router = APIRouter()
SOURCE = ["id", "name", "name2", "address.city", "address.state", "status", "last_listed", "changes"]


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
    changed = await every_facility(client, settings.alias,
                                   {"range": {"changes.as_of": {"gte": since.isoformat()}}}, SOURCE)
    return StreamingResponse(change_lines(changed, since), media_type="application/x-ndjson")
