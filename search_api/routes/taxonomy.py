"""The filter groups, with their values' labels and descriptions (what the site's filters show)."""

from functools import cache

from fastapi import APIRouter, Response

from facility.filter_groups import FILTER_GROUPS
from facility.labels import vocabulary
from search_api.params import Lang, language_headers
from search_api.schemas import UNAVAILABLE, UNPROCESSABLE, TaxonomyResponse

router = APIRouter()


@cache
def groups(lang: str) -> list[dict]:
    """The same for every request in a language: built once."""
    words = vocabulary(lang)
    return [{"param": param, "label": words.groups[param],
             "values": [{"value": value, "label": label, "description": words.descriptions[param].get(value, label)}
                        for value, label in words.values[param].items()]}
            for param in FILTER_GROUPS]


@router.get("/v1/taxonomy", summary="Filter groups, their values, labels and descriptions",
            response_model=TaxonomyResponse, responses={**UNPROCESSABLE, **UNAVAILABLE})
async def taxonomy(response: Response, lang: Lang):
    response.headers.update(language_headers(lang))
    return {"groups": groups(lang)}
