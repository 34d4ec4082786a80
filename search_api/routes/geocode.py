"""ZIP code → point, from the table the API carries (no geocoding service is asked)."""

from typing import Annotated

from fastapi import APIRouter, Query

from facility.geo import zip_point
from search_api.errors import invalid
from search_api.schemas import ERROR_RESPONSES, ZipLocation

router = APIRouter()


@router.get("/v1/geocode", summary="Offline ZIP code lookup", response_model=ZipLocation,
            responses=ERROR_RESPONSES)
async def geocode(zip: Annotated[str, Query(pattern=r"^\d{5}$")]):
    found = zip_point(zip)
    if found is None:
        raise invalid("zip", f"unknown ZIP code {zip}", zip)
    return {"zip": found.zip, "lat": found.lat, "lon": found.lon, "city": found.city, "state": found.state}
