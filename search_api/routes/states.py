"""States and territories, with how many facilities and IOPs each has."""

from fastapi import APIRouter, Response

from facility.i18n import vocabulary
from facility.states import STATE_NAMES
from search_api.deps import Client, Settings
from search_api.params import Lang, language_headers
from search_api.schemas import UNAVAILABLE, UNPROCESSABLE, StatesResponse

router = APIRouter()


@router.get("/v1/states", summary="States and territories with facility counts",
            response_model=StatesResponse, responses={**UNPROCESSABLE, **UNAVAILABLE})
async def states(client: Client, settings: Settings, response: Response, lang: Lang):
    found = await client.search(index=settings.alias, size=0, aggs={"states": {
        "terms": {"field": "address.state", "size": len(STATE_NAMES) + 10},
        "aggs": {"iop": {"filter": {"term": {"levels_of_care": "iop"}}}}}})
    counts = {b["key"]: b for b in found["aggregations"]["states"]["buckets"]}
    response.headers.update(language_headers(lang))
    names = vocabulary(lang).states
    return {"states": [{"code": code, "name": names[code],
                        "iop_facilities": counts[code]["iop"]["doc_count"] if code in counts else 0,
                        "facilities": counts[code]["doc_count"] if code in counts else 0}
                       for code in STATE_NAMES]}
