"""Place-name suggestions for the search box, from the tables the API carries (no service is asked)."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from facility import defaults
from facility.places import suggest
from search_api.schemas import UNAVAILABLE, UNPROCESSABLE, PlacesResponse

router = APIRouter()


@router.get("/v1/places", summary="Cities and states whose names start with the given text",
            response_model=PlacesResponse, responses={**UNPROCESSABLE, **UNAVAILABLE})
async def places(prefix: Annotated[str, Query(min_length=1, max_length=defaults.QUERY_TEXT_MAX)],
                 limit: Annotated[int, Query(ge=1, le=defaults.PLACE_SUGGESTIONS_MAX)] = defaults.PLACE_SUGGESTIONS):
    return {"places": [asdict(place) for place in suggest(prefix, limit)]}
