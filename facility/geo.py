"""Offline geography: ZIP code points and geodesic distances."""

from dataclasses import dataclass
from functools import cache

import zipcodes
from geopy.distance import geodesic


@dataclass(frozen=True)
class ZipPoint:
    zip: str
    lat: float
    lon: float
    city: str
    state: str


@cache
def _zip_points() -> dict[str, ZipPoint]:
    # The `zipcodes` package ships USPS ZIP codes with a point each (PO-box ZIPs included).
    points = {}
    for entry in zipcodes.list_all():
        try:
            lat, lon = float(entry["lat"]), float(entry["long"])
        except (TypeError, ValueError):
            continue
        points[entry["zip_code"]] = ZipPoint(entry["zip_code"], lat, lon, entry["city"], entry["state"])
    return points


def zip_point(zip_code: str) -> ZipPoint | None:
    return _zip_points().get(zip_code)


_WGS84 = geodesic()  # one instance: measuring with it skips geopy's per-call set-up
KM_PER_MILE = 1.609344


def distance_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """WGS84 geodesic distance (geopy, on geographiclib) in statute miles."""
    return _WGS84.measure(a, b) / KM_PER_MILE
