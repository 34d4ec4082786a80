"""A facility as Open Referral's Human Services Data Specification (HSDS 3.1) describes services:
what 211 systems and referral platforms exchange. docs/hsds.md is the model written down.

A facility is one `organization` at one physical `location`; each level of care it offers (IOP,
partial hospitalization, outpatient, ...) is a `service` there, joined by a `service_at_location`.
SAMHSA's service codes are `taxonomy_term`s of one taxonomy, attached to a service as `attributes`;
payment is `cost_options`; languages and phones are the facility's. Each source's statement and
as-of date is a `metadata` entry, and `assured_date` the newest as-of date. Ids are UUIDs derived
from our facility ids (version 5), so they stay the same across rebuilds.

Works on records as stored (plain dicts with ISO dates); pure, so the API and the export share it.
"""

import uuid
from functools import cache

from facility.hours import english
from facility.provenance import statement
from facility.taxonomy import Term, default_taxonomy

NAMESPACE = uuid.UUID("5f0c2b1e-8d3a-5c47-9a61-2e4b7d9c0a13")  # IOP Finder's, fixed: ids must not change
TAXONOMY = "SAMHSA National Directory service codes"
ORGANIZATION_DESCRIPTION = ("A substance use treatment facility listed in SAMHSA's National Directory of "
                            "Substance Use Treatment Facilities.")
PRECISION = {"address": "its street address", "zip": "the centre of its ZIP code (approximate)"}


def hsds_id(*parts: str) -> str:
    """A stable UUID for an object of ours: ("service", facility id, "iop") → always the same id."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def taxonomy_term(term: Term) -> dict:
    return {"id": hsds_id("taxonomy_term", term.code), "code": term.code, "name": term.label,
            "description": term.description, "taxonomy": TAXONOMY, "language": "en"}


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


@cache
def _terms(group: str) -> dict[str, Term]:
    """The taxonomy's terms of one field, by facet value."""
    return {term.value: term for term in default_taxonomy().by_code.values() if term.group == group}


def services(facility: dict) -> list[dict]:
    """One HSDS service per level of care the facility offers, each at its location."""
    taxonomy = default_taxonomy()
    levels, payment, languages = _terms("levels_of_care"), _terms("payment"), _terms("languages")
    terms = [taxonomy_term(term) for code in facility.get("service_codes") or []
             if (term := taxonomy.term(code))]
    found = []
    for level in facility.get("levels_of_care") or []:
        service_id = hsds_id("service", facility["id"], level)
        found.append({
            "id": service_id, "organization_id": hsds_id("organization", facility["id"]),
            "name": f"{levels[level].label}: {facility['name']}", "description": levels[level].description,
            "status": "inactive" if facility.get("status") == "retired" else "active",
            "assured_date": str(facility.get("verified_on") or "")[:10] or None,
            "last_modified": facility["updated_at"],
            "organization": organization(facility),
            "service_at_locations": [{"id": hsds_id("service_at_location", service_id),
                                      "service_id": service_id, "location_id": hsds_id("location", facility["id"]),
                                      "location": location(facility)}],
            "phones": phones(facility, service_id),
            "languages": [{"id": hsds_id("language", service_id, value), "service_id": service_id,
                           "name": languages[value].label if value in languages else value}
                          for value in facility.get("languages") or []],
            "cost_options": [{"id": hsds_id("cost_option", service_id, value), "service_id": service_id,
                              "option": payment[value].label if value in payment else value}
                             for value in facility.get("payment") or []],
            "attributes": [{"id": hsds_id("attribute", service_id, term["code"]), "link_id": service_id,
                            "link_type": "service", "link_entity": "service", "taxonomy_term_id": term["id"],
                            "taxonomy_term": term} for term in terms],
            "metadata": metadata(facility, service_id),
        })
    return [{key: value for key, value in service.items() if value is not None} for service in found]
