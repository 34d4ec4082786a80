"""Elasticsearch hits and aggregations → the API's JSON and CSV."""

from facility.filter_groups import FACET_VALUES, FILTER_GROUPS, NOTICES, SERVICES, Service, has_service
from facility.geo import distance_miles
from facility.hours import stated_hours
from facility.i18n import gettext_for
from facility.labels import vocabulary
from facility.paths import facility_path
from search_api.query import Point, Search


def _in_a_list(test: Service) -> bool:
    """A test for values in one of the record's own lists (not a yes/no, not a nested field)."""
    return not isinstance(test.value, bool) and len(test.path) == 1


def _by_value(tests: dict[str, Service]) -> dict[str, dict[object, list[str]]]:
    """Field → value → the tests that value passes."""
    index: dict[str, dict[object, list[str]]] = {}
    for name, test in tests.items():
        for value in test.any_of:
            index.setdefault(test.field, {}).setdefault(value, []).append(name)
    return index


# A result's services and notices are read off its lists in one pass: tested one service at a
# time, each test scanned all of the record's service codes (about 80), most of a search's CPU.
TESTS = {**SERVICES, **NOTICES}
BY_VALUE = _by_value({name: test for name, test in TESTS.items() if _in_a_list(test)})
ONE_BY_ONE = {name: test for name, test in TESTS.items() if not _in_a_list(test)}


def passed(source: dict) -> set[str]:
    """The names of the services and notices that hold for a record."""
    found = {name for name, test in ONE_BY_ONE.items() if has_service(source, test)}
    for field, tests in BY_VALUE.items():
        for value in tests.keys() & (source.get(field) or ()):
            found.update(tests[value])
    return found


def page_url(source: dict, site_url: str) -> str | None:
    """The site has a page for every IOP (sitegen builds them from the same index)."""
    return site_url + facility_path(source) if "iop" in (source.get("levels_of_care") or []) else None


def result(source: dict, point: Point | None, site_url: str = "", lang: str = "en") -> dict:
    """One search result: what a person or a coordinator needs to decide whether to call."""
    site = source.get("site") or {}
    levels = source.get("levels_of_care") or []
    item = {key: source.get(key) for key in ("id", "name", "name2", "address", "phones", "website",
                                               "location", "location_precision", "levels_of_care",
                                               "payment", "payment_assistance")}
    item["offers_iop"] = "iop" in levels
    if point is not None and source.get("location"):
        location = source["location"]
        item["distance_mi"] = round(distance_miles((point.lat, point.lon), (location["lat"], location["lon"])), 2)
    found = passed(source)
    item["services"] = [name for name in SERVICES if name in found]
    item["notices"] = [{"value": name, "label": vocabulary(lang).notices[name]} for name in NOTICES if name in found]
    item["hours"] = stated_hours(source, gettext_for(lang))
    item["evening"] = bool(site.get("evening"))
    item["weekend"] = bool(site.get("weekend"))
    item["telehealth"] = source.get("telehealth")
    item["co_occurring"] = source.get("co_occurring")
    item["opioid_medications"] = source.get("opioid_medications") or []
    item["alcohol_medications"] = "alcohol_medications" in found
    for key in ("ages", "genders", "languages", "populations"):
        item[key] = source.get(key) or []
    item["verified_on"] = source.get("verified_on")
    item["status"] = source.get("status", "listed")
    item["last_listed"] = source.get("last_listed")
    item["page_url"] = page_url(source, site_url)
    return item


def results(hits: list[dict], point: Point | None, site_url: str = "", lang: str = "en") -> list[dict]:
    items = [result(hit["_source"], point, site_url, lang) for hit in hits]
    if point is not None:
        # Elasticsearch orders by spherical distance; order the page by the geodesic we show.
        items.sort(key=lambda item: (item.get("distance_mi", float("inf")), item["id"]))
    return items


def facets(aggregations: dict, search: Search, lang: str) -> dict:
    """Each faceted group's label and values with their counts, labelled in `lang`."""
    words = vocabulary(lang)
    out = {}
    counted: dict[str, dict[str, int]] = {param: {} for param in FACET_VALUES}
    for aggregation in aggregations.values():  # query.facet_aggregations'
        for bucket in aggregation["values"]["buckets"]:
            param, value = bucket["key"].split(":", 1)
            counted[param][value] = bucket["doc_count"]
    for param, found in counted.items():
        selected = search.filters.get(param, ())
        out[param] = {
            "label": words.groups[param],
            "values": [{"value": value, "label": label, "count": found.get(value, 0),
                        "selected": value in selected}
                       for value, label in words.values[param].items()
                       if found.get(value) or value in selected or FILTER_GROUPS[param].lists_unfound],
        }
    return out


CSV_COLUMNS = ["id", "name", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake_phone",
               "website", "latitude", "longitude", "distance_mi", "offers_iop", "levels_of_care", "payment",
               "payment_assistance", "ages", "genders", "languages", "populations", "services", "notices",
               "hours", "telehealth", "co_occurring", "opioid_medications", "verified_on", "page_url", "status",
               "last_listed"]


def csv_row(item: dict) -> list:
    """Lists joined with "; "; booleans as yes/no, empty when unknown."""
    address = item["address"]
    location = item.get("location") or {}
    phones = {phone["kind"]: phone for phone in reversed(item["phones"] or [])}

    def phone(kind: str) -> str:
        entry = phones.get(kind)
        if not entry:
            return ""
        number = entry["number"]
        text = f"{number[2:5]}-{number[5:8]}-{number[8:]}"
        return f"{text} x{entry['extension']}" if entry.get("extension") else text

    def listed(key: str) -> str:
        return "; ".join(value["value"] if isinstance(value, dict) else value for value in item[key] or [])

    def yes_no(value: bool | None) -> str:
        return "" if value is None else "yes" if value else "no"

    row = [item["id"], item["name"], item["name2"], address.get("street1"), address.get("street2"),
           address["city"], address["state"], address["zip"], phone("main"), phone("intake"),
           item["website"], location.get("lat", ""), location.get("lon", ""), item.get("distance_mi", ""),
           yes_no(item["offers_iop"]), listed("levels_of_care"), listed("payment"), listed("payment_assistance"),
           listed("ages"), listed("genders"), listed("languages"), listed("populations"), listed("services"),
           listed("notices"), listed("hours"), yes_no(item["telehealth"]), yes_no(item["co_occurring"]),
           listed("opioid_medications"), item["verified_on"], item["page_url"], item["status"], item["last_listed"]]
    return [_spreadsheet_safe(value) for value in row]


def _spreadsheet_safe(value) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
