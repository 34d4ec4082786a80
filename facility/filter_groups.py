"""The search filters, each group declared once: its query parameter, the record field it tests,
its label and help text, and its values with their labels and descriptions. The API's query
parameters (with their OpenAPI enums), query clauses, facets and taxonomy, and the site's labels,
are all built from `FILTER_GROUPS`; adding a group is one line below (plus taxonomy rows).

Most groups are taxonomy groups: their values are the taxonomy's facet values of one field.
`service` is a curated group of things people ask for by name, each a (field, value) test on the
record, so the same definition builds the Elasticsearch clause and the per-result summary.
`code` takes any SAMHSA service code. `NOTICES` are tests whose matches every view points out.

Labels and help texts are English, marked with `N_` for the `facility` catalog; `facility.labels`
gives them in each language.
"""

import dataclasses
from dataclasses import dataclass

from facility.i18n import N_
from facility.states import STATE_NAMES
from facility.taxonomy import GROUPS, default_taxonomy


@dataclass(frozen=True)
class Service:
    label: str
    field: str  # dotted for a field of a nested object: "site.evening"
    value: object  # a tuple: any of these values
    # Worked out once: every search result is tested against every service.
    path: tuple[str, ...] = dataclasses.field(init=False, repr=False)
    any_of: frozenset = dataclasses.field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "path", tuple(self.field.split(".")))
        any_of = self.value if isinstance(self.value, tuple) else (self.value,)
        object.__setattr__(self, "any_of", frozenset(any_of))


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
    faceted: bool = True  # counted in every search's facets (not SAMHSA's hundreds of codes)


SERVICES: dict[str, Service] = {
    "co_occurring": Service(N_("Co-occurring mental health care"), "co_occurring", True),
    "telehealth": Service(N_("Telehealth"), "telehealth", True),
    "mat_buprenorphine": Service(N_("Buprenorphine for opioid use disorder"), "opioid_medications", "buprenorphine"),
    "mat_methadone": Service(N_("Methadone for opioid use disorder"), "opioid_medications", "methadone"),
    "mat_naltrexone": Service(N_("Naltrexone for opioid use disorder"), "opioid_medications", "naltrexone"),
    "detox": Service(N_("Detoxification"), "care_types", "detox"),
    "transitional_housing": Service(N_("Transitional housing or sober home"), "care_types", "transitional_housing"),
    # Stated on the facility's own website (crawl sites), with the sentence kept as evidence.
    "evening": Service(N_("Evening hours (per the facility's website)"), "site.evening", True),
    "weekend": Service(N_("Weekend hours (per the facility's website)"), "site.weekend", True),
    # SAMHSA's service codes, by the names people ask for.
    "group_counseling": Service(N_("Group counseling"), "service_codes", "GCO"),
    "individual_counseling": Service(N_("Individual counseling"), "service_codes", "ICO"),
    "family_counseling": Service(N_("Family counseling"), "service_codes", "FCO"),
    "aftercare": Service(N_("Aftercare and continuing care"), "service_codes", "ACC"),
    "drug_testing": Service(N_("Drug and alcohol testing"), "service_codes", ("DAUT", "DAOF", "BABA")),
    "case_management": Service(N_("Case management"), "service_codes", "CM"),
    "transportation": Service(N_("Transportation assistance"), "service_codes", "TA"),
    "child_care": Service(N_("Child care for clients' children"), "service_codes", "CCC"),
    "accepts_mat_prescribed_elsewhere": Service(N_("Accepts clients on medication prescribed elsewhere"),
                                                "service_codes", ("MOA", "ACMA")),
    # Prescribes medication for alcohol use disorder, or gives acamprosate or disulfiram.
    "alcohol_medications": Service(N_("Medications for alcohol use disorder"), "service_codes", ("PMAT", "ACM", "DSF")),
}

NOTICES: dict[str, Service] = {
    "no_alcohol_treatment": Service(N_("Does not treat alcohol use disorder"), "service_codes", "NAUT"),
}


def taxonomy_group(param: str, field: str, help: str) -> FilterGroup:
    taxonomy = default_taxonomy()
    descriptions: dict[str, str] = {}
    for term in taxonomy.by_code.values():
        if term.group == field:
            descriptions.setdefault(term.value, term.description)
    return FilterGroup(param, GROUPS[field], help, taxonomy.values(field), descriptions, field=field)


def code_group() -> FilterGroup:
    terms = default_taxonomy().by_code.values()
    return FilterGroup("code", N_("SAMHSA service code"), N_("SAMHSA service code (any of; names in /v1/taxonomy)"),
                       {t.code: t.samhsa_name.strip() for t in terms}, {t.code: t.description for t in terms},
                       field="service_codes", faceted=False)


def service_group(param: str, label: str, help: str, services: dict[str, Service]) -> FilterGroup:
    labels = {name: service.label for name, service in services.items()}
    return FilterGroup(param, label, help, labels, labels, services=services)


FILTER_GROUPS: dict[str, FilterGroup] = {group.param: group for group in (
    taxonomy_group("level", "levels_of_care", N_("level of care (any of)")),
    taxonomy_group("payment", "payment", N_("payment accepted (any of)")),
    taxonomy_group("assistance", "payment_assistance", N_("payment assistance (any of)")),
    taxonomy_group("age", "ages", N_("ages accepted (any of)")),
    taxonomy_group("gender", "genders", N_("genders accepted (any of)")),
    taxonomy_group("population", "populations", N_("programs for (any of)")),
    taxonomy_group("language", "languages", N_("languages (any of)")),
    taxonomy_group("therapy", "therapies", N_("therapies and approaches (any of)")),
    service_group("service", N_("Services"), N_("services (any of)"), SERVICES),
    code_group(),
    FilterGroup("state", N_("State or territory"), N_("state or territory code (any of)"), dict(STATE_NAMES),
                dict(STATE_NAMES), field="address.state", lists_unfound=False),
)}


def _at(document, path: tuple[str, ...]):
    """The value at `path` in a stored document (dicts) or a record (the model's objects); None if absent."""
    for part in path:
        document = document.get(part) if isinstance(document, dict) else getattr(document, part, None)
    return document


def _offers(present, service: Service) -> bool:
    """Whether a field's value (`present`) passes a service's test."""
    if isinstance(service.value, bool):
        return present == service.value
    return not service.any_of.isdisjoint(present or ())


def has_service(document, service: Service) -> bool:
    return _offers(_at(document, service.path), service)


def facet_value(param: str, value: str) -> str:
    """A group's value as the index counts it: "payment:medicaid"."""
    return f"{param}:{value}"


FACET_VALUES: dict[str, list[str]] = {param: [facet_value(param, value) for value in group.values]
                                      for param, group in FILTER_GROUPS.items() if group.faceted}
# Each faceted group: its parameter, the path of its field (None: its values are services), its services.
_FACETED = [(param, tuple(group.field.split(".")) if group.field else None, group.services)
            for param, group in FILTER_GROUPS.items() if group.faceted]


def facet_values(document) -> list[str]:
    """Every faceted group's values that a record (or a stored document) has, each as `facet_value` gives
    it: one field that counts every facet in one pass, where a field per group (and a test per service)
    would each take their own pass over the matches."""
    found, present = [], {}
    for param, path, services in _FACETED:
        if services:
            for name, service in services.items():
                if service.path not in present:  # services share fields: each read once
                    present[service.path] = _at(document, service.path)
                if _offers(present[service.path], service):
                    found.append(facet_value(param, name))
            continue
        value = _at(document, path)
        found += [facet_value(param, v) for v in (value if isinstance(value, list) else [value]) if v is not None]
    return found
