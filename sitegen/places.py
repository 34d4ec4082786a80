"""Geography for the site: city centres and a grid for "near" look-ups."""

import math
from collections import defaultdict

from facility.geo import distance_miles


class Grid:
    """Points bucketed by whole degrees, for finding what lies within some miles of a point."""

    def __init__(self, items: list[dict]):
        self.cells: dict[tuple[int, int], list[dict]] = defaultdict(list)
        for item in items:
            location = item.get("location")
            if location:
                self.cells[(math.floor(location["lat"]), math.floor(location["lon"]))].append(item)

    def _candidates(self, lat: float, lon: float, miles: float) -> list[tuple[float, dict]]:
        """(approximate miles, item) for items in the cells that can hold points within `miles`.

        The flat-earth approximation is within about 1% at these distances: good enough to
        choose candidates, never to decide; callers measure the survivors by geodesic.
        """
        lat_span = math.ceil(miles / 68.0)
        cos_lat = math.cos(math.radians(min(abs(lat), 89.0)))
        lon_span = math.ceil(miles / max(1.0, 69.2 * cos_lat))
        found = []
        for cell_lat in range(math.floor(lat) - lat_span, math.floor(lat) + lat_span + 1):
            for cell_lon in range(math.floor(lon) - lon_span, math.floor(lon) + lon_span + 1):
                for item in self.cells.get((cell_lat, cell_lon), ()):
                    location = item["location"]
                    dy = (location["lat"] - lat) * 69.05
                    dx = (location["lon"] - lon) * 69.17 * cos_lat
                    found.append((math.hypot(dx, dy), item))
        return found

    def within(self, lat: float, lon: float, miles: float) -> list[tuple[float, dict]]:
        """(geodesic miles, item) for every item within `miles`, nearest first."""
        found = []
        for approximate, item in self._candidates(lat, lon, miles):
            if approximate <= miles * 1.02 + 0.1:
                location = item["location"]
                exact = distance_miles((lat, lon), (location["lat"], location["lon"]))
                if exact <= miles:
                    found.append((exact, item))
        found.sort(key=lambda pair: (pair[0], pair[1]["id"]))
        return found

    def nearest(self, lat: float, lon: float, count: int, miles: float, skip: str) -> list[tuple[float, dict]]:
        """The `count` nearest items within `miles` (other than id `skip`), nearest first."""
        candidates = sorted((pair for pair in self._candidates(lat, lon, miles) if pair[1]["id"] != skip),
                            key=lambda pair: pair[0])
        if not candidates:
            return []
        # Only candidates that the approximation's ~1% error could bring into the nearest `count`.
        cutoff = candidates[min(count, len(candidates)) - 1][0] * 1.02 + 0.05
        measured = []
        for approximate, item in candidates:
            if approximate > cutoff:
                break
            location = item["location"]
            exact = distance_miles((lat, lon), (location["lat"], location["lon"]))
            if exact <= miles:
                measured.append((exact, item))
        measured.sort(key=lambda pair: (pair[0], pair[1]["id"]))
        return measured[:count]


def city_centre(facilities: list[dict]) -> tuple[float, float] | None:
    """The mean of the city's facility points (ZIP centroids and addresses alike)."""
    points = [(f["location"]["lat"], f["location"]["lon"]) for f in facilities if f.get("location")]
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
