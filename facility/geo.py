"""Offline geography: ZIP code points and geodesic distances."""

from dataclasses import dataclass
from functools import cache

import zipcodes
from pyproj import Geod


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


# Karney's geodesic algorithm in PROJ's C code: the same answers as geopy's geographiclib
# (tests compare the two), about 60 times faster; a search measures every result it shows.
_WGS84 = Geod(ellps="WGS84")
METRES_PER_MILE = 1609.344


def distance_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """WGS84 geodesic distance between (lat, lon) points, in statute miles."""
    return _WGS84.inv(a[1], a[0], b[1], b[0])[2] / METRES_PER_MILE
