"""States and territories, with how many facilities and IOPs each has."""

from fastapi import APIRouter

from facility.states import STATE_NAMES
from search_api.deps import Client, Settings
from search_api.schemas import UNAVAILABLE, StatesResponse

router = APIRouter()


@router.get("/v1/states", summary="States and territories with facility counts",
            response_model=StatesResponse, responses=UNAVAILABLE)
async def states(client: Client, settings: Settings):
    response = await client.search(index=settings.alias, size=0, aggs={"states": {
        "terms": {"field": "address.state", "size": len(STATE_NAMES) + 10},
        "aggs": {"iop": {"filter": {"term": {"levels_of_care": "iop"}}}}}})
    counts = {b["key"]: b for b in response["aggregations"]["states"]["buckets"]}
    return {"states": [{"code": code, "name": name,
                        "iop_facilities": counts[code]["iop"]["doc_count"] if code in counts else 0,
                        "facilities": counts[code]["doc_count"] if code in counts else 0}
                       for code, name in STATE_NAMES.items()]}
