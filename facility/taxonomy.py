"""SAMHSA service codes mapped to the facet values IOP Finder exposes.

`taxonomy.csv` holds one row per code of SAMHSA's Service Code Reference (2022 edition):
its SAMHSA category, the Facility field (group) it fills, the stable facet value we expose,
a human label, SAMHSA's own service name, and a description: SAMHSA's (public domain, from its National Directory), its
service name where SAMHSA gives none, and our own plain words for the levels of care.
Facet values never change once published; several codes may share one value (RS, RL and RES
are all `residential`).

Editions add and drop codes. `Taxonomy.with_reference` adds codes that an edition's own
reference sheet defines and this table lacks, filed by their category; codes that neither
knows are "unknown": callers keep them raw and count them, never fail on them.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from facility.normalize import match_key

# The Facility list fields that facet values fill, in display order, with their labels.
GROUPS: dict[str, str] = {
    "levels_of_care": "Level of care",
    "care_types": "Type of care",
    "payment": "Payment accepted",
    "payment_assistance": "Payment assistance",
    "ages": "Ages accepted",
    "genders": "Genders accepted",
    "populations": "Special programs and populations",
    "languages": "Languages",
    "opioid_medications": "Opioid use disorder medications",
    "opioid_treatment": "Opioid treatment",
    "medications": "Medications",
    "therapies": "Therapies and approaches",
    "operated_by": "Operated by",
    "accreditations": "Licenses and accreditation",
    "other_services": "Other services",
}


@dataclass(frozen=True)
class Term:
    code: str
    category: str
    group: str
    value: str
    label: str
    samhsa_name: str
    description: str


class Taxonomy:
    def __init__(self, terms: list[Term]):
        self.by_code: dict[str, Term] = {term.code: term for term in terms}
        self.category_groups: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        for term in terms:
            self.category_groups.setdefault(term.category, term.group)
            for name in (term.samhsa_name, term.label):
                self.by_name.setdefault(match_key(name), term.code)

    def term(self, code: str) -> Term | None:
        return self.by_code.get(code)

    def code_for_name(self, name: str) -> str | None:
        """The code whose SAMHSA service name or label this is (case and punctuation ignored)."""
        return self.by_name.get(match_key(name))

    def values(self, group: str) -> dict[str, str]:
        """Facet value → label for one group, in the table's order."""
        result: dict[str, str] = {}
        for term in self.by_code.values():
            if term.group == group:
                result.setdefault(term.value, term.label)
        return result

    def with_reference(self, rows: list[tuple[str, str, str, str]]) -> tuple["Taxonomy", list[str]]:
        """This taxonomy plus the codes an edition's reference sheet defines that it lacks.

        `rows` are (category_code, service_code, service_name, service_description). Returns
        the extended taxonomy and the codes it added, for the import summary.
        """
        added: list[Term] = []
        for category, code, name, description in rows:
            if code in self.by_code:
                continue
            group = self.category_groups.get(category, "other_services")
            added.append(Term(code, category, group, _slug(name) or code.lower(), name, name, description))
        return Taxonomy(list(self.by_code.values()) + added), [term.code for term in added]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@cache
def default_taxonomy() -> Taxonomy:
    with resources.files("facility").joinpath("taxonomy.csv").open(encoding="utf-8") as handle:
        return Taxonomy([Term(**row) for row in csv.DictReader(handle)])


def facets_from_codes(codes: list[str], taxonomy: Taxonomy) -> tuple[dict[str, list[str]], list[str]]:
    """Facility fields filled from service codes, and the codes no term knows (kept raw)."""
    fields: dict[str, list[str]] = {group: [] for group in GROUPS}
    unknown: list[str] = []
    for code in codes:
        term = taxonomy.term(code)
        if term is None:
            unknown.append(code)
        elif term.value not in fields[term.group]:
            fields[term.group].append(term.value)
    return fields, unknown
