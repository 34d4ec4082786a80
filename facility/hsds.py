"""A facility as Open Referral's Human Services Data Specification (HSDS 3.1) describes services:
what 211 systems and referral platforms exchange. docs/hsds.md is the model written down.

A facility is one `organization` at one physical `location`; each level of care it offers (IOP,
partial hospitalization, outpatient, ...) is a `service` there, joined by a `service_at_location`.
SAMHSA's service codes are `taxonomy_term`s of one taxonomy (in English and Spanish), attached to a
service as `attributes`; payment is `cost_options`, public funding `funding`; the schedules the
facility's website publishes are the IOP service's `schedules`. Each source's statement and as-of
date is a `metadata` entry, and `assured_date` the newest as-of date. Ids are UUIDs derived from our
facility ids (version 5), so they stay the same across rebuilds.

Works on records as stored (plain dicts with ISO dates); pure, so the API and the export share it.
"""

import uuid
from functools import cache

from facility.hours import english
from facility.i18n import LANGUAGES, gettext_for
from facility.labels import term_description, term_label
from facility.provenance import statement
from facility.taxonomy import Term, default_taxonomy

NAMESPACE = uuid.UUID("5f0c2b1e-8d3a-5c47-9a61-2e4b7d9c0a13")  # IOP Finder's, fixed: ids must not change
TAXONOMY = "SAMHSA National Directory service codes"
TAXONOMY_ID = str(uuid.uuid5(NAMESPACE, "taxonomy:samhsa"))
ORGANIZATION_DESCRIPTION = ("A substance use treatment facility listed in SAMHSA's National Directory of "
                            "Substance Use Treatment Facilities.")
PRECISION = {"address": "its street address", "zip": "the centre of its ZIP code (approximate)"}
LEVELS = "levels_of_care"
# Payment codes that say where a facility's money comes from rather than how a person pays.
FUNDING = {"government_funding", "samhsa_block_grant", "ihs_tribal"}
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
# What the list objects (service_list_item, service_at_location_list_item, organization_list_item) read of a record.
LISTED_FIELDS = ("id", "name", "name2", "website", "status", "verified_on", "updated_at", "levels_of_care",
                 "address", "location", "location_precision")
# The one-to-one fields HSDS lists show of an organization (schema/compiled/organization_list.json).
ORGANIZATION_LIST_FIELDS = ("id", "name", "alternate_name", "description", "website")


def hsds_id(*parts: str) -> str:
    """A stable UUID for an object of ours: ("service", facility id, "iop") → always the same id."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def taxonomy() -> dict:
    return {"id": TAXONOMY_ID, "name": TAXONOMY, "version": "2022",
            "description": "The service codes of SAMHSA's National Directory of Substance Use Treatment "
                           "Facilities and its Service Code Reference: levels of care, payment, ages, "
                           "languages, special programs, medications and more."}


def term_id(code: str, lang: str = "en") -> str:
    return hsds_id("taxonomy_term", code) if lang == "en" else hsds_id("taxonomy_term", code, lang)


def taxonomy_term(term: Term, lang: str = "en") -> dict:
    translate = english if lang == "en" else gettext_for(lang)
    return {"id": term_id(term.code, lang), "code": term.code, "name": translate(term.label),
            "description": translate(term.description), "taxonomy": TAXONOMY, "taxonomy_id": TAXONOMY_ID,
            "language": lang}


@cache
def taxonomy_terms() -> tuple[dict, ...]:
    """Every term of the taxonomy, once in each language, in the taxonomy's order."""
    return tuple(taxonomy_term(term, lang) for term in default_taxonomy().by_code.values() for lang in LANGUAGES)


@cache
def english_terms() -> dict[str, dict]:
    """The English term of each code: what attributes name (made once, as ids are costly to make)."""
    return {term["code"]: term for term in taxonomy_terms() if term["language"] == "en"}


@cache
def terms_by_id() -> dict[str, dict]:
    return {term["id"]: term for term in taxonomy_terms()}


@cache
def level_order() -> tuple[str, ...]:
    """The levels of care, in the taxonomy's order: services are listed level by level."""
    return tuple(default_taxonomy().values(LEVELS))


def term_level(code: str) -> str | None:
    """The level of care a code names (OIT → iop), or None for a code of another kind."""
    term = default_taxonomy().term(code)
    return term.value if term and term.group == LEVELS else None


def organization(facility: dict) -> dict:
    found = {"id": hsds_id("organization", facility["id"]), "name": facility["name"],
             "description": ORGANIZATION_DESCRIPTION}
    if facility.get("name2"):
        found["alternate_name"] = facility["name2"]
    if (facility.get("website") or "").startswith(("http://", "https://")):
        found["website"] = facility["website"]
    return found


def location(facility: dict) -> dict:
    address = facility["address"]
    found = {"id": hsds_id("location", facility["id"]), "location_type": "physical", "name": facility["name"],
             "external_identifier": facility["id"], "external_identifier_type": "IOP Finder facility id",
             "addresses": [{
                 "id": hsds_id("address", facility["id"]), "location_id": hsds_id("location", facility["id"]),
                 "address_1": address.get("street1") or "", "address_2": address.get("street2") or "",
                 "city": address["city"], "state_province": address["state"], "postal_code": address["zip"],
                 "country": "US", "address_type": "physical"}]}
    if facility.get("location"):
        found |= {"latitude": facility["location"]["lat"], "longitude": facility["location"]["lon"],
                  "description": f"Placed at {PRECISION[facility['location_precision']]}."}
    return found


def phones(facility: dict, service_id: str) -> list[dict]:
    return [{"id": hsds_id("phone", facility["id"], service_id, str(n)), "service_id": service_id,
             "number": phone["number"], "type": "voice", "description": phone["kind"],
             **({"extension": int(phone["extension"])} if phone.get("extension") else {})}
            for n, phone in enumerate(facility.get("phones") or [])]


def metadata(facility: dict, resource_id: str) -> list[dict]:
    """Each source of the record: what it is, as of when."""
    return [{"id": hsds_id("metadata", resource_id, str(n)), "resource_id": resource_id,
             "resource_type": "service", "last_action_date": str(source["as_of"])[:10],
             "last_action_type": "listed", "field_name": "source", "previous_value": "",
             "replacement_value": statement(source, english), "updated_by": source["name"]}
            for n, source in enumerate(facility.get("sources") or [])]


def schedules(facility: dict, service_id: str) -> list[dict]:
    """The weekly schedules the facility's website publishes (only facts our evidence rules state),
    each with the page's address and the day it was read."""
    site = facility.get("site") or {}
    read_on = str(site.get("retrieved_at") or "")[:10]
    found = []
    for n, schedule in enumerate(site.get("schedules") or []):
        if not schedule.get("days"):
            continue
        schedule_id = hsds_id("schedule", service_id, str(n))
        found.append({
            "id": schedule_id, "service_id": service_id, "freq": "WEEKLY", "wkst": "MO",
            "byday": ",".join(BYDAY[day] for day in schedule["days"]),
            **({"opens_at": schedule["starts"]} if schedule.get("starts") else {}),
            **({"closes_at": schedule["ends"]} if schedule.get("ends") else {}),
            "description": f"As the facility's website ({site['url']}) said on {read_on}.",
            "schedule_link": site["url"],
            "metadata": [{"id": hsds_id("metadata", schedule_id), "resource_id": schedule_id,
                          "resource_type": "schedule", "last_action_date": read_on, "last_action_type": "read",
                          "field_name": "schedule", "previous_value": "", "replacement_value": site["url"],
                          "updated_by": "facility-website"}]})
    return found


def service_list_item(facility: dict, level: str) -> dict:
    """The facility's service at one level of care as HSDS lists show it: its one-to-one fields
    (schema/compiled/service_list.json)."""
    found = {
        "id": hsds_id("service", facility["id"], level), "organization_id": hsds_id("organization", facility["id"]),
        "name": f"{term_label(LEVELS, level, 'en')}: {facility['name']}",
        "description": term_description(LEVELS, level, "en") if level in level_order() else None,
        "status": "inactive" if facility.get("status") == "retired" else "active",
        "assured_date": str(facility.get("verified_on") or "")[:10] or None,
        "last_modified": facility["updated_at"],
        "organization": organization(facility),
    }
    return {key: value for key, value in found.items() if value is not None}


def service(facility: dict, level: str) -> dict:
    """The facility's service at one level of care, fully nested (schema/compiled/service.json)."""
    taxonomy_, terms_ = default_taxonomy(), english_terms()
    found = service_list_item(facility, level)
    service_id = found["id"]
    # A service carries the facility's codes, but of the levels of care only its own.
    terms = [terms_[code] for code in facility.get("service_codes") or []
             if (term := taxonomy_.term(code)) and (term.group != LEVELS or term.value == level)]
    paying = [("payment", value) for value in facility.get("payment") or [] if value not in FUNDING]
    paying += [("payment_assistance", value) for value in facility.get("payment_assistance") or []]
    return found | {
        "service_at_locations": [service_at_location(facility, service_id)],
        "phones": phones(facility, service_id),
        "schedules": schedules(facility, service_id) if level == "iop" else [],
        "languages": [{"id": hsds_id("language", service_id, value), "service_id": service_id,
                       "name": term_label("languages", value, "en")} for value in facility.get("languages") or []],
        "cost_options": [{"id": hsds_id("cost_option", service_id, value), "service_id": service_id,
                          "option": term_label(group, value, "en")} for group, value in paying],
        "funding": [{"id": hsds_id("funding", service_id, value), "service_id": service_id,
                     "source": term_label("payment", value, "en")}
                    for value in facility.get("payment") or [] if value in FUNDING],
        "attributes": [{"id": hsds_id("attribute", service_id, term["code"]), "link_id": service_id,
                        "link_type": "service", "link_entity": "service", "taxonomy_term_id": term["id"],
                        "taxonomy_term": term} for term in terms],
        "metadata": metadata(facility, service_id),
    }


def services(facility: dict) -> list[dict]:
    """One HSDS service per level of care the facility offers, each at its location."""
    return [service(facility, level) for level in facility.get(LEVELS) or []]


def service_at_location(facility: dict, service_id: str) -> dict:
    return {"id": hsds_id("service_at_location", service_id), "service_id": service_id,
            "location_id": hsds_id("location", facility["id"]), "location": location(facility)}


def service_at_location_full(facility: dict, level: str) -> dict:
    """The service at the facility's location, with the service nested (compiled/service_at_location.json)."""
    nested = service(facility, level)
    joined = nested.pop("service_at_locations")[0]
    return {**joined, "phones": nested["phones"], "schedules": nested["schedules"], "service": nested}


def service_at_location_list_item(facility: dict, level: str) -> dict:
    listed = service_list_item(facility, level)
    return {**service_at_location(facility, listed["id"]), "service": listed}


def organization_full(facility: dict, full_services: bool = False) -> dict:
    """The organization with its location and services (compiled/organization.json): the services'
    one-to-one fields, or each service whole with `full_services`."""
    found = organization(facility)
    listed = services(facility) if full_services else [service_list_item(facility, level)
                                                       for level in facility.get(LEVELS) or []]
    return {**found, "locations": [location(facility)], "services": listed}


def organization_list_item(facility: dict) -> dict:
    found = organization(facility)
    return {key: found[key] for key in ORGANIZATION_LIST_FIELDS if key in found}


def object_ids(facility: dict) -> list[str]:
    """Every HSDS id that names this facility's objects: what the API finds a facility by."""
    ids = [hsds_id("organization", facility["id"]), hsds_id("location", facility["id"])]
    for level in facility.get(LEVELS) or []:
        service_id = hsds_id("service", facility["id"], level)
        ids += [service_id, hsds_id("service_at_location", service_id)]
    return ids
