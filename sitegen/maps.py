"""Maps of the states and their IOPs, drawn from the US Census Bureau's cartographic state boundaries
(2017, public domain) as the pinned npm package us-atlas ships them: `states-10m.json`, TopoJSON in
longitude/latitude (quantized, delta-encoded arcs). npm installs it beside the site directory.

State and city pages carry their map inline as SVG; the near-me page's script (static/map.js)
draws the same outlines from `static/maps/<st>.json`, written by the build.

The projection, the same here and in static/map.js: equirectangular around the map's middle
latitude φm, for the window [west, south, east, north] fitted into the viewBox at scale k:
    x = x0 + (λ − west) · cos φm · k,    y = y0 + (north − φ) · k
with λ taken within 180° of the window's middle longitude (Alaska's Aleutians cross 180°; the
atlas's Alaska is stored with its western islands below −180°).
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from facility.paths import facility_path
from facility.states import STATE_FIPS

SIZE = 1000  # the viewBox's longer side, in its units
MARGIN = 12
RADIUS = 7  # a program's dot
NEAR_ME_VIEW = (1000, 625)  # the near-me map's viewBox: its results are fitted inside
OUTLINE_TOLERANCE = 0.6  # how far (viewBox units) an inline map's simplified outline strays from the atlas's
SHAPE_DECIMALS = 3  # the near-me outlines' degrees (about 100 m; the atlas is already simplified for 1:10M)

Point = tuple[float, float]
Ring = list[Point]


def atlas_path(site_dir: Path) -> Path:
    """Where npm puts the atlas: node_modules beside the site's templates and assets (a checkout, the image)."""
    return site_dir.parent / "node_modules" / "us-atlas" / "states-10m.json"


def read_atlas(path: Path) -> dict[str, list[Ring]]:
    """Each state's rings (outer edges and holes alike) as (lon, lat), by postal code."""
    try:
        topology = json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} is missing: install the site's npm packages (npm ci --omit=dev)") from None
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for step_x, step_y in arc:
            x, y = x + step_x, y + step_y
            points.append((x * kx + dx, y * ky + dy))
        arcs.append(points)
    codes = {fips: code for code, fips in STATE_FIPS.items()}
    states = {}
    for geometry in topology["objects"]["states"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [_ring(arcs, indexes) for polygon in polygons for indexes in polygon]
        states[codes[int(geometry["id"])]] = _unwrapped(rings)
    return states


def _ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    """A ring from its arcs; a negative index (~i) is arc i reversed. Consecutive arcs share an end."""
    points: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _unwrapped(rings: list[Ring]) -> list[Ring]:
    """A state spanning more than half the globe crosses 180°: its eastern-hemisphere points move west."""
    longitudes = [lon for ring in rings for lon, _ in ring]
    if max(longitudes) - min(longitudes) <= 180:
        return rings
    return [[(lon - 360 if lon > 0 else lon, lat) for lon, lat in ring] for ring in rings]


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas–Peucker: the points that keep the line within `tolerance` of the original."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    spans = [(0, len(points) - 1)]
    while spans:
        first, last = spans.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, at = 0.0, first
        for i in range(first + 1, last):
            px, py = points[i]
            distance = abs(dy * (px - ax) - dx * (py - ay)) / length if length else math.hypot(px - ax, py - ay)
            if distance > farthest:
                farthest, at = distance, i
        if farthest > tolerance:
            keep[at] = True
            spans += [(first, at), (at, last)]
    return [point for point, kept in zip(points, keep) if kept]


@dataclass(frozen=True)
class Projection:
    """The projection in the module's docstring for a state's window, with x0 = y0 = MARGIN (the
    viewBox takes the window's shape; map.js centres its window in a fixed viewBox instead)."""
    west: float
    north: float
    middle_lon: float
    cos_lat: float
    k: float

    @classmethod
    def fit(cls, rings: list[Ring]) -> tuple["Projection", int, int]:
        """The projection fitting the rings into a viewBox whose longer side is SIZE, and its size."""
        lons = [lon for ring in rings for lon, _ in ring]
        lats = [lat for ring in rings for _, lat in ring]
        west, east, south, north = min(lons), max(lons), min(lats), max(lats)
        cos_lat = math.cos(math.radians((south + north) / 2))
        k = (SIZE - 2 * MARGIN) / max((east - west) * cos_lat, north - south)
        width, height = ((east - west) * cos_lat * k + 2 * MARGIN, (north - south) * k + 2 * MARGIN)
        return cls(west, north, (west + east) / 2, cos_lat, k), round(width), round(height)

    def __call__(self, lon: float, lat: float) -> Point:
        lon -= 360 * round((lon - self.middle_lon) / 360)
        return MARGIN + (lon - self.west) * self.cos_lat * self.k, MARGIN + (self.north - lat) * self.k


def contains(rings: list[list[tuple[int, int]]], x: float, y: float) -> bool:
    """Even-odd rule: inside when a ray from the point crosses the rings' edges an odd number of times."""
    inside = False
    for ring in rings:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
            if (ay > y) != (by > y) and x < ax + (bx - ax) * (y - ay) / (by - ay):
                inside = not inside
    return inside


def _nearest_on_edges(rings: list[list[tuple[int, int]]], x: float, y: float) -> Point:
    """The point of the rings' edges nearest (x, y)."""
    best, nearest = math.inf, (x, y)
    for ring in rings:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]):
            dx, dy = bx - ax, by - ay
            t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy or 1)))
            px, py = ax + t * dx, ay + t * dy
            if (px - x) ** 2 + (py - y) ** 2 < best:
                best, nearest = (px - x) ** 2 + (py - y) ** 2, (px, py)
    return nearest


@dataclass
class StateMap:
    """One state's outline, projected and simplified once for all its pages."""
    projection: Projection
    view_box: str
    rings: list[list[tuple[int, int]]]  # as drawn
    outline: str  # the rings as SVG path data
    placed: dict[str, Point] = field(default_factory=dict)  # facility id → its dot

    @classmethod
    def of(cls, rings: list[Ring]) -> "StateMap":
        projection, width, height = Projection.fit(rings)
        drawn = []
        for ring in rings:
            points = [(round(x), round(y)) for x, y in simplify([projection(*p) for p in ring], OUTLINE_TOLERANCE)]
            points = [p for i, p in enumerate(points) if p != points[i - 1]]  # closed: no repeated end
            if len(points) >= 3:
                drawn.append(points)
        return cls(projection, f"0 0 {width} {height}", drawn, " ".join(map(_path, drawn)))

    def place(self, lon: float, lat: float) -> Point:
        """A program's dot: where it is, or, where the simplified outline leaves it just outside
        (a coast, a border town), moved onto the nearest edge and just inside."""
        x, y = (round(value, 1) for value in self.projection(lon, lat))
        if contains(self.rings, x, y):
            return x, y
        ex, ey = _nearest_on_edges(self.rings, x, y)
        for step in (0.5, 1, 2, 4):  # the first of the eight points around the edge's that is inside
            for angle in (math.radians(degrees) for degrees in range(0, 360, 45)):
                near = round(ex + step * math.cos(angle), 1), round(ey + step * math.sin(angle), 1)
                if contains(self.rings, *near):
                    return near
        return x, y


def _path(ring: list[tuple[int, int]]) -> str:
    """A closed ring as SVG path data: its first point, then each step from the one before."""
    steps = " ".join(f"{bx - ax} {by - ay}" for (ax, ay), (bx, by) in zip(ring, ring[1:]))
    return f"M{ring[0][0]} {ring[0][1]}l{steps}z".replace(" -", "-")


class StateMaps:
    """The maps of every state the atlas draws (territories without a shape there have none)."""

    def __init__(self, atlas: Path):
        self.shapes = read_atlas(atlas)
        self.states = {code: StateMap.of(rings) for code, rings in self.shapes.items()}

    def page_map(self, state: str, facilities: list[dict], prefix: str = "") -> dict | None:
        """A state or city page's map: the state's outline and the state's `facilities` (those with
        a location) as dots linking to their pages under `prefix`, a language's ("/es")."""
        drawn = self.states.get(state)
        if drawn is None:
            return None
        points = []
        for facility in facilities:
            if facility.get("location"):
                if facility["id"] not in drawn.placed:
                    location = facility["location"]
                    drawn.placed[facility["id"]] = drawn.place(location["lon"], location["lat"])
                x, y = drawn.placed[facility["id"]]
                points.append({"x": x, "y": y, "url": prefix + facility_path(facility), "name": facility["name"]})
        return {"view_box": drawn.view_box, "outline": drawn.outline, "points": points, "radius": RADIUS,
                "data": None}

    def near_me_map(self, prefix: str = "") -> dict:
        """The near-me page's map, drawn by static/map.js: where the outlines are and what each
        covers, the map's measures, and where the page's language keeps its pages (`prefix`)."""
        bounds = {}
        for code, rings in self.shapes.items():
            lons = [lon for ring in rings for lon, _ in ring]
            lats = [lat for ring in rings for _, lat in ring]
            bounds[code] = [round(value, SHAPE_DECIMALS) for value in (min(lons), min(lats), max(lons), max(lats))]
        return {"view_box": "0 0 %d %d" % NEAR_ME_VIEW, "outline": "", "points": [], "radius": RADIUS,
                "data": {"shapes": "/static/maps/", "bounds": bounds, "margin": MARGIN, "radius": RADIUS,
                         "prefix": prefix}}

    def write_shapes(self, directory: Path) -> None:
        """`<st>.json` for each state, for the near-me map: {"rings": [[lon, lat, lon, lat, …], …]}."""
        directory.mkdir(parents=True, exist_ok=True)
        for code, rings in self.shapes.items():
            flat = [[round(value, SHAPE_DECIMALS) for point in ring for value in point] for ring in rings]
            (directory / f"{code.lower()}.json").write_text(json.dumps({"rings": flat}, separators=(",", ":")))
