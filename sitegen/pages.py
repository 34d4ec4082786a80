"""Template contexts, built in Python so that templates only present.

Every value a page shows comes from here: labels from the taxonomy, phones formatted with
`tel:` targets, websites linked only when they are plain http(s) addresses. The pages whose
scripts show records (near me, compare) get the labels they need from `script_labels`.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlencode

from facility import defaults
from facility.filter_groups import NOTICES, SERVICES, Service, has_service
from facility.hours import schedule_text, stated_hours
from facility.provenance import sources_of, statement
from facility.states import STATE_NAMES
from facility.taxonomy import GROUPS, default_taxonomy
from facility.paths import facility_slug, slugify
from facility.places import PlaceNotFound, resolve
from sitegen.places import Grid, city_centre

PHONE_KINDS = {"main": "Main", "intake": "Intake", "hotline": "Hotline"}
SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
DETAIL_GROUPS = ["payment", "payment_assistance", "ages", "genders", "populations", "languages",
                 "therapies", "opioid_medications", "opioid_treatment"]
CONTACT_FIELDS = ("name", "name2", "address", "phones", "website", "location")
LEVEL_FIELDS = ("levels_of_care", "telehealth", "co_occurring")
STATE_PAYMENTS = [("medicaid", "Medicaid"), ("medicare", "Medicare"), ("private", "Private insurance")]
# A result card's payment line ("Medicaid · Medicare · Private insurance · Sliding fee"): short labels
# for the payment and payment_assistance values, in the order the line lists them.
PAYMENT_SHORT = {
    "medicaid": "Medicaid", "medicare": "Medicare", "private": "Private insurance", "military": "TRICARE",
    "state_financed": "State-financed insurance", "ihs_tribal": "IHS/tribal/urban funds",
    "government_funding": "Government funding", "samhsa_block_grant": "SAMHSA funding", "self_pay": "Cash",
    "free": "Free", "sliding_fee": "Sliding fee", "payment_assistance": "Payment assistance",
}
# The services a result card names (the facility page lists them all).
CARD_FEATURES = ("telehealth", "co_occurring", "evening", "weekend")
OPIOID_MEDICATIONS = {"buprenorphine": "Buprenorphine", "methadone": "Methadone", "naltrexone": "Naltrexone"}
# The record fields whose values the near-me and compare scripts show by their taxonomy labels.
SCRIPT_LABEL_FIELDS = ("levels_of_care", "ages", "genders", "populations", "languages")
# A facility's details on a printed referral sheet; the others show on screen only.
PRINTED_DETAILS = {"payment", "payment_assistance", "ages", "genders", "populations", "languages",
                   "opioid_medications"}


@dataclass
class Site:
    """Everything the pages are built from, indexed once."""
    facilities: list[dict]
    by_slug: dict[str, dict] = field(default_factory=dict)
    slug_of: dict[str, str] = field(default_factory=dict)
    cities: dict[str, dict[str, list[dict]]] = field(default_factory=dict)  # state → city slug → facilities
    city_names: dict[tuple[str, str], str] = field(default_factory=dict)
    grid: Grid | None = None

    def __post_init__(self):
        cities: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        for facility in self.facilities:
            slug = facility_slug(facility)
            self.by_slug[slug] = facility
            self.slug_of[facility["id"]] = slug
            state, city = facility["address"]["state"], facility["address"]["city"]
            city_slug = slugify(city)
            cities[state][city_slug].append(facility)
            self.city_names.setdefault((state, city_slug), city.title() if city.isupper() else city)
        self.cities = {state: dict(found) for state, found in cities.items()}
        self.grid = Grid(self.facilities)


@cache
def _labels(group: str) -> dict[str, str]:
    return default_taxonomy().values(group)


def label(group: str, value: str) -> str:
    return _labels(group).get(value, value.replace("_", " "))


def phone(entry: dict) -> dict:
    digits = entry["number"][2:]
    text = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    href = "tel:" + entry["number"]
    if entry.get("extension"):
        text += f" ext. {entry['extension']}"
        href += f";ext={entry['extension']}"
    return {"kind": PHONE_KINDS.get(entry["kind"], entry["kind"]), "text": text, "href": href}


def website(url: str | None) -> dict | None:
    """A link only for plain http(s) addresses; anything else is shown as text, never linked."""
    if not url:
        return None
    return {"text": url, "href": url if SAFE_URL.match(url) else None}


def services(facility: dict) -> list[str]:
    return [service.label for service in SERVICES.values() if has_service(facility, service)]


def notices(facility: dict) -> list[str]:
    """What every view points out about the facility, e.g. "Does not treat alcohol use disorder"."""
    return [notice.label for notice in NOTICES.values() if has_service(facility, notice)]


def payment_line(facility: dict) -> list[str]:
    accepted = {*(facility.get("payment") or []), *(facility.get("payment_assistance") or [])}
    return [short for value, short in PAYMENT_SHORT.items() if value in accepted]


def card_phones(facility: dict) -> list[dict]:
    """The first main and the first intake number: what a caller or a referrer dials."""
    first = {}
    for entry in facility.get("phones") or []:
        first.setdefault(entry["kind"], entry)
    return [phone(first[kind]) for kind in ("main", "intake") if kind in first]


def _service_test(service: Service) -> dict:
    """A service as data: true when `field` is `value` (a boolean) or holds any of `value` (a list)."""
    value = service.value if isinstance(service.value, (bool, tuple)) else (service.value,)
    return {"label": service.label, "field": service.field, "value": value}


def script_labels() -> dict:
    """What the near-me and compare scripts need to show a record: labels by field, the short
    payment labels, and each service and notice as the test it is (label, field, value)."""
    return {
        "fields": {field: dict(_labels(field)) for field in SCRIPT_LABEL_FIELDS},
        "payment": PAYMENT_SHORT, "opioid_medications": OPIOID_MEDICATIONS, "card_features": CARD_FEATURES,
        "services": {name: _service_test(service) for name, service in SERVICES.items()},
        "notices": {name: _service_test(notice) for name, notice in NOTICES.items()},
    }


def summary(facility: dict, site: Site, miles: float | None = None) -> dict:
    """A facility as a list entry: what deciding whether to call needs."""
    address = facility["address"]
    return {
        "name": facility["name"], "name2": facility.get("name2"),
        "url": f"/facilities/{site.slug_of[facility['id']]}/",
        "iop": "iop" in (facility.get("levels_of_care") or []),
        "address": ", ".join(p for p in (address.get("street1"), address["city"], address["state"]) if p),
        "phones": card_phones(facility),
        "payment": payment_line(facility),
        "features": [SERVICES[name].label for name in CARD_FEATURES if has_service(facility, SERVICES[name])],
        "hours": stated_hours(facility),
        "opioid_medications": [OPIOID_MEDICATIONS.get(v, v) for v in facility.get("opioid_medications") or []],
        "alcohol_medications": has_service(facility, SERVICES["alcohol_medications"]),
        "languages": [label("languages", v) for v in facility.get("languages") or []],
        "notices": notices(facility),
        "as_of": facility.get("verified_on"),
        "miles": round(miles, 1) if miles is not None else None,
    }


def home_context(site: Site) -> dict:
    counts = Counter(f["address"]["state"] for f in site.facilities)
    return {"title": "Find an intensive outpatient program (IOP)",
            "states": [{"code": code, "name": name, "count": counts[code], "url": f"/states/{code.lower()}/"}
                       for code, name in STATE_NAMES.items() if counts[code]]}


def place_search_url(place: str) -> str | None:
    """The near-me search around a place, when the API will know the place."""
    try:
        resolve(place)
    except PlaceNotFound:
        return None
    return "/near-me/?" + urlencode({"place": place})


def near_me_context(site: Site) -> dict:
    return {**home_context(site), "title": "IOPs near you", "labels": script_labels()}


def compare_context() -> dict:
    return {"title": "Compare programs", "labels": script_labels()}


def state_context(site: Site, state: str) -> dict:
    facilities = [f for city in site.cities[state].values() for f in city]
    cities = sorted(site.cities[state].items(), key=lambda pair: site.city_names[(state, pair[0])])
    return {
        "title": f"Intensive outpatient programs in {STATE_NAMES[state]}",
        "state": {"code": state, "name": STATE_NAMES[state]},
        "total": len(facilities),
        "payments": [{"label": name, "count": sum(value in (f.get("payment") or []) for f in facilities)}
                     for value, name in STATE_PAYMENTS]
        + [{"label": "Sliding fee scale",
            "count": sum("sliding_fee" in (f.get("payment_assistance") or []) for f in facilities)}],
        "cities": [{"name": site.city_names[(state, slug)], "count": len(found),
                    "url": f"/states/{state.lower()}/{slug}/"} for slug, found in cities],
        "search_url": "/near-me/?" + urlencode({"state": state}),
    }


def city_context(site: Site, state: str, city_slug: str) -> dict:
    in_city = site.cities[state][city_slug]
    centre = city_centre(in_city)
    nearby = site.grid.within(*centre, defaults.CITY_RADIUS_MI) if centre else []
    listed = {f["id"] for _, f in nearby}
    entries = [summary(f, site, miles) for miles, f in nearby]
    entries += [summary(f, site) for f in in_city if f["id"] not in listed]  # in the city, not placed
    name = site.city_names[(state, city_slug)]
    return {
        "title": f"Intensive outpatient programs in {name}, {state}",
        "state": {"code": state, "name": STATE_NAMES[state], "url": f"/states/{state.lower()}/"},
        "city": name, "radius": defaults.CITY_RADIUS_MI, "in_city": len(in_city), "facilities": entries,
        "search_url": place_search_url(f"{name}, {state}"),
    }


def site_facts_context(facts: dict) -> dict:
    """What the facility's own website says, each point with the sentence it says it in."""
    cited = {}
    for evidence in facts.get("evidence") or []:
        cited.setdefault(evidence["field"], []).append({"sentence": evidence["sentence"], "url": evidence["url"]})
    said = {True: "offered", False: "not offered"}
    points = [
        ("IOP schedule", "; ".join(schedule_text(s) for s in facts.get("schedules") or []), "schedules"),
        ("Hours per week", f"{facts['hours_per_week']:g}" if facts.get("hours_per_week") else "", "hours_per_week"),
        ("Insurance accepted", ", ".join(facts.get("insurance_carriers") or []), "insurance_carriers"),
        ("Medicaid plans accepted", ", ".join(facts.get("medicaid_plans") or []), "medicaid_plans"),
        ("Telehealth", said.get(facts.get("telehealth"), ""), "telehealth"),
    ]
    return {"link": website(facts["url"]),
            "points": [{"label": label, "text": text, "evidence": cited.get(field, [])[:2]}
                       for label, text, field in points if text]}


def facility_context(site: Site, facility: dict) -> dict:
    address = facility["address"]
    location = facility.get("location")
    nearby = []
    if location:
        nearby = [summary(f, site, miles) for miles, f in site.grid.nearest(
            location["lat"], location["lon"], defaults.NEARBY_ALTERNATIVES, defaults.NEARBY_RADIUS_MI,
            skip=facility["id"])]
    phones = [phone(p) for p in facility.get("phones") or []]
    link = website(facility.get("website"))
    city_slug = slugify(address["city"])
    structured = {
        "@context": "https://schema.org", "@type": "MedicalClinic", "name": facility["name"],
        "address": {"@type": "PostalAddress", "streetAddress": ", ".join(
            p for p in (address.get("street1"), address.get("street2")) if p),
            "addressLocality": address["city"], "addressRegion": address["state"],
            "postalCode": address["zip"], "addressCountry": "US"},
    }
    if location:
        structured["geo"] = {"@type": "GeoCoordinates", "latitude": location["lat"], "longitude": location["lon"]}
    if phones:
        structured["telephone"] = facility["phones"][0]["number"]
    if link and link["href"]:
        structured["url"] = link["href"]
    return {
        "title": facility["name"] + (f" – {facility['name2']}" if facility.get("name2") else ""),
        "facility": {
            "name": facility["name"], "name2": facility.get("name2"),
            "iop": "iop" in (facility.get("levels_of_care") or []),
            "street": [p for p in (address.get("street1"), address.get("street2")) if p],
            "locality": f"{address['city']}, {address['state']} {address['zip']}",
            "phones": phones, "website": link,
            "approximate": facility.get("geo_precision") == "zip",
            "contact_sources": sources_of(facility, CONTACT_FIELDS),
            "levels": [{"label": label("levels_of_care", v), "current": v == "iop"}
                       for v in facility.get("levels_of_care") or []],
            "levels_sources": sources_of(facility, LEVEL_FIELDS),
            "details": [{"label": GROUPS[g], "values": [label(g, v) for v in facility.get(g) or []],
                         "sources": sources_of(facility, (g,)), "printed": g in PRINTED_DETAILS}
                        for g in DETAIL_GROUPS if facility.get(g)],
            "services": services(facility), "notices": notices(facility),
            "telehealth": facility.get("telehealth"), "co_occurring": facility.get("co_occurring"),
            "sources": [{"statement": statement(s), "record": s.get("record_id"), "read": s["retrieved_at"][:10]}
                        for s in facility.get("sources") or []],
            "verified": facility.get("verified_on"),
            "from_website": site_facts_context(facility["site"]) if facility.get("site") else None,
            "website_sources": sources_of(facility, ("site",)),
        },
        "state": {"code": address["state"], "name": STATE_NAMES.get(address["state"], address["state"]),
                  "url": f"/states/{address['state'].lower()}/"},
        "city": {"name": site.city_names.get((address["state"], city_slug), address["city"]),
                 "url": f"/states/{address['state'].lower()}/{city_slug}/"},
        "nearby": nearby,
        "structured_data": structured,
    }
