"""The search filters: each query parameter, the index field it filters, and its valid values.

Most groups are taxonomy groups (values are the taxonomy's facet values). `service` is a
curated group of things people ask for by name, each a (field, value) test on the record,
so the same definition builds the Elasticsearch clause and the per-result summary.
"""

from dataclasses import dataclass

from facility.states import STATE_NAMES
from facility.taxonomy import GROUPS, default_taxonomy


@dataclass(frozen=True)
class FilterGroup:
    param: str
    field: str
    label: str
    values: dict[str, str]  # value → label
    descriptions: dict[str, str]


@dataclass(frozen=True)
class Service:
    label: str
    field: str
    value: object


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

_TAXONOMY_PARAMS = {
    "level": "levels_of_care",
    "payment": "payment",
    "assistance": "payment_assistance",
    "age": "ages",
    "gender": "genders",
    "population": "populations",
    "language": "languages",
}


def _groups() -> dict[str, FilterGroup]:
    taxonomy = default_taxonomy()
    groups = {}
    for param, field in _TAXONOMY_PARAMS.items():
        descriptions = {}
        for term in taxonomy.by_code.values():
            if term.group == field:
                descriptions.setdefault(term.value, term.description)
        groups[param] = FilterGroup(param, field, GROUPS[field], taxonomy.values(field), descriptions)
    groups["service"] = FilterGroup("service", "", "Services", {k: s.label for k, s in SERVICES.items()},
                                    {k: s.label for k, s in SERVICES.items()})
    groups["state"] = FilterGroup("state", "address.state", "State or territory", dict(STATE_NAMES),
                                  dict(STATE_NAMES))
    return groups


FILTER_GROUPS: dict[str, FilterGroup] = _groups()


def has_service(document: dict, service: Service) -> bool:
    present = document
    for part in service.field.split("."):  # "site.evening" is a field of a nested object
        present = present.get(part) if isinstance(present, dict) else None
    return present == service.value if isinstance(service.value, bool) else service.value in (present or [])
