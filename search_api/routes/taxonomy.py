"""The filter groups, with their values' labels and descriptions (what the site's filters show)."""

from fastapi import APIRouter

from facility.filter_groups import FILTER_GROUPS
from search_api.schemas import UNAVAILABLE, TaxonomyResponse

router = APIRouter()


@router.get("/v1/taxonomy", summary="Filter groups, their values, labels and descriptions",
            response_model=TaxonomyResponse, responses=UNAVAILABLE)
async def taxonomy():
    return {"groups": [{"param": g.param, "label": g.label,
                        "values": [{"value": v, "label": label, "description": g.descriptions.get(v, label)}
                                   for v, label in g.values.items()]}
                       for g in FILTER_GROUPS.values()]}
