"""The search filters, each group declared once: its query parameter, the record field it tests,
its label and help text, and its values with their labels and descriptions. The API's query
parameters (with their OpenAPI enums), query clauses, facets and taxonomy, and the site's labels,
are all built from `FILTER_GROUPS`; adding a group is one line below (plus taxonomy rows).

Most groups are taxonomy groups: their values are the taxonomy's facet values of one field.
`service` is a curated group of things people ask for by name, each a (field, value) test on the
record, so the same definition builds the Elasticsearch clause and the per-result summary.
"""

from dataclasses import dataclass

from facility.states import STATE_NAMES
from facility.taxonomy import GROUPS, default_taxonomy


@dataclass(frozen=True)
class Service:
    label: str
    field: str  # dotted for a field of a nested object: "site.evening"
    value: object


@dataclass(frozen=True)
class FilterGroup:
    param: str
    label: str
    help: str  # the parameter's description in the API's schema
    values: dict[str, str]  # value → label
    descriptions: dict[str, str]  # value → description
    field: str | None = None  # the record field holding the values; None: each value is a Service
    services: dict[str, Service] | None = None
    lists_unfound: bool = True  # facets also list values no match has (states: only those found)


SERVICES: dict[str, Service] = {
    "co_occurring": Service("Co-occurring mental health care", "co_occurring", True),
    "telehealth": Service("Telehealth", "telehealth", True),
    "mat_buprenorphine": Service("Buprenorphine for opioid use disorder", "opioid_medications", "buprenorphine"),
    "mat_methadone": Service("Methadone for opioid use disorder", "opioid_medications", "methadone"),
    "mat_naltrexone": Service("Naltrexone for opioid use disorder", "opioid_medications", "naltrexone"),
    "detox": Service("Detoxification", "care_types", "detox"),
    "transitional_housing": Service("Transitional housing or sober home", "care_types", "transitional_housing"),
    # Stated on the facility's own website (crawl sites), with the sentence kept as evidence.
    "evening": Service("Evening hours (per the facility's website)", "site.evening", True),
    "weekend": Service("Weekend hours (per the facility's website)", "site.weekend", True),
}


def taxonomy_group(param: str, field: str, help: str) -> FilterGroup:
    taxonomy = default_taxonomy()
    descriptions: dict[str, str] = {}
    for term in taxonomy.by_code.values():
        if term.group == field:
            descriptions.setdefault(term.value, term.description)
    return FilterGroup(param, GROUPS[field], help, taxonomy.values(field), descriptions, field=field)


def service_group(param: str, label: str, help: str, services: dict[str, Service]) -> FilterGroup:
    labels = {name: service.label for name, service in services.items()}
    return FilterGroup(param, label, help, labels, labels, services=services)


FILTER_GROUPS: dict[str, FilterGroup] = {group.param: group for group in (
    taxonomy_group("level", "levels_of_care", "level of care (any of)"),
    taxonomy_group("payment", "payment", "payment accepted (any of)"),
    taxonomy_group("assistance", "payment_assistance", "payment assistance (any of)"),
    taxonomy_group("age", "ages", "ages accepted (any of)"),
    taxonomy_group("gender", "genders", "genders accepted (any of)"),
    taxonomy_group("population", "populations", "programs for (any of)"),
    taxonomy_group("language", "languages", "languages (any of)"),
    taxonomy_group("therapy", "therapies", "therapies and approaches (any of)"),
    service_group("service", "Services", "services (any of)", SERVICES),
    FilterGroup("state", "State or territory", "state or territory code (any of)", dict(STATE_NAMES),
                dict(STATE_NAMES), field="address.state", lists_unfound=False),
)}


def has_service(document: dict, service: Service) -> bool:
    present = document
    for part in service.field.split("."):
        present = present.get(part) if isinstance(present, dict) else None
    return present == service.value if isinstance(service.value, bool) else service.value in (present or [])
