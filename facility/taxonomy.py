"""SAMHSA service codes mapped to the facet values IOP Finder exposes.

`taxonomy.csv` holds one row per code of SAMHSA's Service Code Reference (2022 edition):
its SAMHSA category, the Facility field (group) it fills, the stable facet value we expose,
a human label, SAMHSA's own service name, a description, and who wrote that description.
Facet values never change once published; several codes may share one value (RS, RL and RES
are all `residential`).

Descriptions: a code's description comes from the newest directory edition that has one
(SAMHSA's text is public domain; where SAMHSA gives none, its service name stands in), with
one exception: rows `described_by` `us` carry our own words and win over every edition's.
Those are the levels of care (plain words for people comparing them) and codes whose 2022
reference text belongs to another service: SUMH (given transitional housing's text), RC
(given consumer-run mental health services' text) and SACA (given one short-term
psychotherapy's text).

Editions add and drop codes. `Taxonomy.with_reference` adds codes that an edition's own
reference sheet defines and this table lacks, filed by their category; codes that neither
knows are "unknown": callers keep them raw and count them, never fail on them.
"""

import csv
import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from facility.i18n import N_
from facility.normalize import match_key

# The directory edition the SAMHSA descriptions in taxonomy.csv come from.
DESCRIPTIONS_EDITION = 2022

# The Facility list fields that facet values fill, in display order, with their labels
# (translated where they are shown: facility.labels).
GROUPS: dict[str, str] = {
    "levels_of_care": N_("Level of care"),
    "care_types": N_("Type of care"),
    "payment": N_("Payment accepted"),
    "payment_assistance": N_("Payment assistance"),
    "ages": N_("Ages accepted"),
    "genders": N_("Genders accepted"),
    "populations": N_("Special programs and populations"),
    "languages": N_("Languages"),
    "opioid_medications": N_("Opioid use disorder medications"),
    "opioid_treatment": N_("Opioid treatment"),
    "medications": N_("Medications"),
    "therapies": N_("Therapies and approaches"),
    "operated_by": N_("Operated by"),
    "accreditations": N_("Licenses and accreditation"),
    "other_services": N_("Other services"),
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
    described_by: str  # "samhsa" (a newer edition's text replaces it) or "us" (never replaced)


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

    def with_reference(self, rows: list[tuple[str, str, str, str]],
                       edition: int) -> tuple["Taxonomy", list[str]]:
        """This taxonomy as an edition's reference sheet describes it, plus the codes it adds.

        `rows` are (category_code, service_code, service_name, service_description). A code this
        table lacks is added with the edition's own name and description; a code it has takes
        the edition's description when the edition is at least as new as ours (see the module
        docstring). Returns the taxonomy and the codes it added, for the import summary.
        """
        terms = dict(self.by_code)
        added: list[str] = []
        for category, code, name, description in rows:
            term = terms.get(code)
            if term is None:
                group = self.category_groups.get(category, "other_services")
                terms[code] = Term(code, category, group, _slug(name) or code.lower(), name, name,
                                   description or name, "samhsa")
                added.append(code)
            elif description and term.described_by == "samhsa" and edition >= DESCRIPTIONS_EDITION:
                terms[code] = replace(term, description=description)
        return Taxonomy(list(terms.values())), added


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
