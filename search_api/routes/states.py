"""States and territories, with how many facilities and IOPs each has."""

import orjson
from elasticsearch import AsyncElasticsearch
from fastapi import APIRouter, Request, Response

from facility.labels import vocabulary
from facility.states import STATE_NAMES
from search_api.cache import AnswerCache, wants_fresh
from search_api.deps import Client, Settings
from search_api.params import Lang, language_headers
from search_api.query import LISTED_ONLY
from search_api.schemas import UNAVAILABLE, UNPROCESSABLE, StatesResponse
from search_api.settings import ApiSettings

router = APIRouter()


@router.get("/v1/states", summary="States and territories with facility counts",
            response_model=StatesResponse, responses={**UNPROCESSABLE, **UNAVAILABLE})
async def states(request: Request, client: Client, settings: Settings, lang: Lang):
    answers: AnswerCache = request.app.state.answers
    body = await answers.answer(("states", lang), lambda: states_json(client, settings, lang),
                                fresh=wants_fresh(request.headers))
    return Response(body, media_type="application/json", headers=language_headers(lang))


async def states_json(client: AsyncElasticsearch, settings: ApiSettings, lang: str) -> bytes:
    # Counts only (size 0): Elasticsearch's shard request cache keeps them until the index changes.
    found = await client.search(index=settings.alias, size=0, request_cache=True, query=LISTED_ONLY, aggs={
        "states": {"terms": {"field": "address.state", "size": len(STATE_NAMES) + 10},
                   "aggs": {"iop": {"filter": {"term": {"levels_of_care": "iop"}}}}}})
    counts = {b["key"]: b for b in found["aggregations"]["states"]["buckets"]}
    names = vocabulary(lang).states
    return orjson.dumps({"states": [{"code": code, "name": names[code],
                                     "iop_facilities": counts[code]["iop"]["doc_count"] if code in counts else 0,
                                     "facilities": counts[code]["doc_count"] if code in counts else 0}
                                    for code in STATE_NAMES]})
