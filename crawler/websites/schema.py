"""schema.org data a facility's page embeds (JSON-LD, microdata; parsed by extruct), cleaned.

Pages get types wrong often (a number for a telephone, text for an address); each wrong value
is skipped and named in `problems`, the rest of the page still counts.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from facility.normalize import clean_text, normalize_phone, normalize_state, normalize_zip
from facility.states import STATE_NAMES

_STATE_CODES = {name.lower(): code for code, name in STATE_NAMES.items()}

_PLACE_WORDS = ("Medical", "Clinic", "Organization", "Business", "Hospital", "Physician", "Center", "Practice")
_DAY_URL = "schema.org/"
# A site repeats its phone number on every page, in its data and its links: each spelling is checked once.
site_phone = lru_cache(maxsize=1024)(normalize_phone)


@dataclass
class SchemaFacts:
    name: str | None = None
    phones: list[str] = field(default_factory=list)  # E.164
    address: dict | None = None  # street1, city, state, zip
    location: dict | None = None  # lat, lon
    opening_hours: list[str] = field(default_factory=list)
    types: set[str] = field(default_factory=set)  # every schema.org type the page declares
    problems: list[str] = field(default_factory=list)


def _types(entity: dict) -> list[str]:
    kind = entity.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _entities(value) -> list[dict]:
    """Every schema.org object in extruct's output, however nested (@graph, arrays, properties)."""
    found = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _texts(value, what: str, problems: list[str]) -> list[str]:
    values = value if isinstance(value, list) else [value]
    texts = []
    for item in values:
        if isinstance(item, str):
            texts.append(item)
        else:
            problems.append(f"schema.org {what} is {type(item).__name__}, not text")
    return texts


def _address(value, problems: list[str]) -> dict | None:
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, dict):
        problems.append(f"schema.org address is {type(value).__name__}, not a PostalAddress")
        return None
    parts = {key: value.get(key) for key in ("streetAddress", "addressLocality", "addressRegion", "postalCode")}
    if not all(isinstance(part, str) for part in parts.values()):
        problems.append("schema.org address lacks a street, city, region or postal code as text")
        return None
    if not clean_text(parts["addressLocality"]):
        problems.append("schema.org address has no city")
        return None
    try:
        return {"street1": clean_text(parts["streetAddress"]), "city": clean_text(parts["addressLocality"]),
                "state": _STATE_CODES.get(parts["addressRegion"].strip().lower())
                or normalize_state(parts["addressRegion"]),
                "zip": normalize_zip(parts["postalCode"])}
    except ValueError:
        problems.append("schema.org address has a region or postal code that is not a US one")
        return None


def _geo(value, problems: list[str]) -> dict | None:
    if not isinstance(value, dict):
        problems.append(f"schema.org geo is {type(value).__name__}, not GeoCoordinates")
        return None
    try:
        lat, lon = float(value.get("latitude")), float(value.get("longitude"))
    except (TypeError, ValueError):
        problems.append("schema.org geo has no numeric latitude and longitude")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems.append("schema.org geo is out of range")
        return None
    return {"lat": lat, "lon": lon}


def _hours_specification(value, problems: list[str]) -> list[str]:
    hours = []
    for spec in value if isinstance(value, list) else [value]:
        if not isinstance(spec, dict):
            problems.append("schema.org openingHoursSpecification is not an object")
            continue
        days = _texts(spec.get("dayOfWeek"), "dayOfWeek", problems)
        opens, closes = spec.get("opens"), spec.get("closes")
        if not (days and isinstance(opens, str) and isinstance(closes, str)):
            problems.append("schema.org openingHoursSpecification lacks days, opens or closes")
            continue
        names = ",".join(day.rsplit(_DAY_URL, 1)[-1][:2] for day in days)
        hours.append(f"{names} {opens[:5]}-{closes[:5]}")
    return hours


def schema_facts(data: dict) -> SchemaFacts:
    """From extruct's `{"json-ld": [...], "microdata": [...]}` (uniform=True)."""
    facts = SchemaFacts()
    problems = facts.problems
    for entity in _entities([data.get("json-ld") or [], data.get("microdata") or []]):
        facts.types.update(_types(entity))
        if not any(word in kind for kind in _types(entity) for word in _PLACE_WORDS):
            continue
        if facts.name is None and "name" in entity:
            names = _texts(entity["name"], "name", problems)
            facts.name = clean_text(names[0]) if names else None
        for raw in _texts(entity.get("telephone", []), "telephone", problems):
            try:
                phone = site_phone(raw)
            except ValueError:
                problems.append("schema.org telephone is not a US number")
                continue
            if phone and phone[0] not in facts.phones:
                facts.phones.append(phone[0])
        if facts.address is None and "address" in entity:
            facts.address = _address(entity["address"], problems)
        if facts.location is None and "geo" in entity:
            facts.location = _geo(entity["geo"], problems)
        facts.opening_hours += _texts(entity.get("openingHours", []), "openingHours", problems)
        if "openingHoursSpecification" in entity:
            facts.opening_hours += _hours_specification(entity["openingHoursSpecification"], problems)
    facts.opening_hours = list(dict.fromkeys(facts.opening_hours))
    return facts
