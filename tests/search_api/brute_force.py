"""The reference answers: filters and distances computed directly over the imported records.
Distances by geopy: an implementation independent of the one the API uses."""

from geopy.distance import geodesic

from search_api.filters import FILTER_GROUPS, SERVICES, has_service


def matches(record: dict, param: str, values) -> bool:
    if param == "service":
        return any(has_service(record, SERVICES[v]) for v in values)
    if param == "state":
        return record["address"]["state"] in values
    return bool(set(record[FILTER_GROUPS[param].field]) & set(values))


def within(records: list[dict], lat: float, lon: float, radius_mi: float) -> dict[str, float]:
    """id → geodesic miles, for every record within the radius (a bounding box first, for speed)."""
    box = radius_mi / 60.0  # a degree of latitude is over 68 miles; longitude shrinks toward the poles
    found = {}
    for record in records:
        location = record["location"]
        if not location or abs(location["lat"] - lat) > box:
            continue
        miles = geodesic((lat, lon), (location["lat"], location["lon"])).miles
        if miles <= radius_mi:
            found[record["id"]] = miles
    return found


def select(records: list[dict], filters: dict[str, list[str]], skip: str | None = None) -> list[dict]:
    return [r for r in records
            if all(matches(r, p, v) for p, v in filters.items() if p != skip and v)]
