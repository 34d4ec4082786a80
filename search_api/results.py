"""Elasticsearch hits and aggregations → the API's JSON and CSV."""

from facility.geo import distance_miles
from facility.filter_groups import FILTER_GROUPS, SERVICES, has_service
from search_api.query import Point, Search

CSV_COLUMNS = ["id", "name", "name2", "street1", "street2", "city", "state", "zip", "phone",
               "intake_phone", "website", "distance_mi", "levels_of_care", "payment",
               "payment_assistance", "services"]


def result(source: dict, point: Point | None) -> dict:
    item = {key: source.get(key) for key in ("id", "name", "name2", "address", "phones", "website",
                                               "location", "geo_precision", "levels_of_care",
                                               "payment", "payment_assistance")}
    if point is not None and source.get("location"):
        location = source["location"]
        item["distance_mi"] = round(distance_miles((point.lat, point.lon), (location["lat"], location["lon"])), 2)
    item["services"] = [name for name, service in SERVICES.items() if has_service(source, service)]
    item["languages"] = source.get("languages") or []
    item["populations"] = source.get("populations") or []
    item["verified_on"] = source.get("verified_on")
    return item


def results(hits: list[dict], point: Point | None) -> list[dict]:
    items = [result(hit["_source"], point) for hit in hits]
    if point is not None:
        # Elasticsearch orders by spherical distance; order the page by the geodesic we show.
        items.sort(key=lambda item: (item.get("distance_mi", float("inf")), item["id"]))
    return items


def facets(aggregations: dict, search: Search) -> dict:
    out = {}
    counted = {param: counts for aggregation in aggregations.values() for param, counts in aggregation.items()
               if param in FILTER_GROUPS}
    for param, group in FILTER_GROUPS.items():
        counts = counted[param]
        if "buckets" in counts and isinstance(counts["buckets"], dict):
            found = {value: bucket["doc_count"] for value, bucket in counts["buckets"].items()}
        else:
            found = {bucket["key"]: bucket["doc_count"] for bucket in counts["buckets"]}
        selected = search.filters.get(param, ())
        out[param] = {
            "label": group.label,
            "values": [{"value": value, "label": label, "count": found.get(value, 0),
                        "selected": value in selected}
                       for value, label in group.values.items()
                       if found.get(value) or value in selected or group.lists_unfound],
        }
    return out


def csv_row(item: dict) -> list:
    address = item["address"]
    phones = {phone["kind"]: phone for phone in reversed(item["phones"] or [])}

    def phone(kind: str) -> str:
        entry = phones.get(kind)
        if not entry:
            return ""
        number = entry["number"]
        text = f"{number[2:5]}-{number[5:8]}-{number[8:]}"
        return f"{text} x{entry['extension']}" if entry.get("extension") else text

    row = [item["id"], item["name"], item["name2"], address.get("street1"), address.get("street2"),
           address["city"], address["state"], address["zip"], phone("main"), phone("intake"),
           item["website"], item.get("distance_mi", ""), " ".join(item["levels_of_care"] or []),
           " ".join(item["payment"] or []), " ".join(item["payment_assistance"] or []),
           " ".join(item["services"])]
    return [_spreadsheet_safe(value) for value in row]


def _spreadsheet_safe(value) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
