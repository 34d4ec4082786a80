"""One facility across the directory's editions, and what each new edition changed.

SAMHSA's directory carries no facility id from one edition to the next, and names change,
suites move and phones change. Two listings are decided the same facility on evidence:
- at the same street and ZIP: a shared phone, or a name alike (program names not in conflict);
- elsewhere in the same ZIP: a shared phone and a related name, or a name alike and the same
  street number (program names not in conflict);
- in another ZIP within 25 miles (a move, or a corrected city): a shared phone, and the same
  street or a name alike.
A phone is shared when both list the number at the same extension or one gives none (a
switchboard's extensions reach different programs). Each listing of the newer edition is the
same facility as at most one of the older, the best evidence first, so a program that goes on
at its own address is not taken for its neighbour. A matched facility keeps its id (so its
page keeps its URL). Measured on 200 labelled pairs: benchmarks/edition_matching.py.

Adding an edition to the history records, as of that edition's survey date: facilities new in
it, those it no longer lists (retired), those it lists again (returned), and the facet values
(levels of care, payment, services) added or removed. A code only one edition's survey asked
about, or whose use across the directory more than halved or doubled (SNR, seniors, fell from
3,652 listings to 113 when the survey's age question changed), tells of the survey, not the
facility, and is no change.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from facility.geo import distance_miles, zip_point
from facility.identity import facility_id
from facility.model import Change, Facility, source_label
from facility.normalize import match_key
from facility.taxonomy import default_taxonomy

NAMES_ALIKE = 90  # rapidfuzz token-sort ratio of the names, 0-100
NAMES_RELATED = 60  # in the same ZIP with a shared phone: a rename, not another organisation
PROGRAMS_CONFLICT = 60  # two program names (name2) this unlike name two programs
MOVE_MILES = 25  # a facility that moves with its name and phone stays in its area
SURVEY_CHANGE_RATIO = 2.0
_PRECISION = {"address": 2, "zip": 1, "none": 0}
_LOCATION_FIELDS = ("location", "location_precision", "geo_source")
_NUMBER = re.compile(r"^\d+")


@dataclass(frozen=True)
class Listing:
    """A record as the matcher compares it."""
    name: str
    program: str
    street: str
    number: str
    city: str
    state: str
    zip: str
    phones: frozenset[tuple[str, str | None]]  # (E.164 number, extension)

    @classmethod
    def read(cls, name: object, program: object, street1: object, city: object, state: str, zip_code: str,
             phones: frozenset[tuple[str, str | None]]) -> "Listing":
        """A listing from its fields as written (names, street and city put in match form)."""
        street = match_key(street1)
        number = _NUMBER.match(street)
        return cls(match_key(name), match_key(program), street, number.group(0) if number else "",
                   match_key(city), state, zip_code, phones)

    @classmethod
    def of(cls, record: Facility) -> "Listing":
        return cls.read(record.name, record.name2, record.address.street1, record.address.city,
                        record.address.state, record.address.zip,
                        frozenset((phone.number, phone.extension) for phone in record.phones))


def shares_phone(a: Listing, b: Listing) -> bool:
    """A number both list, at the same extension where both give one (a switchboard's extensions
    reach different programs)."""
    return any(number == other and (extension == other_extension or not (extension and other_extension))
               for number, extension in a.phones for other, other_extension in b.phones)


def evidence(a: Listing, b: Listing) -> float | None:
    """How strongly two listings are one facility (higher is stronger), or None when they are not."""
    if a.state != b.state:
        return None
    # The names alike: the organisation's, or the whole name with the program's when one listing
    # moved words between the two (then programs that differ are the same one, renamed or swapped).
    whole = fuzz.token_sort_ratio(f"{a.name} {a.program}", f"{b.name} {b.program}")
    names = max(fuzz.token_sort_ratio(a.name, b.name), whole)
    phone = shares_phone(a, b)
    swapped = whole >= NAMES_ALIKE
    programs_conflict = bool(a.program and b.program and not swapped
                             and fuzz.token_sort_ratio(a.program, b.program) < PROGRAMS_CONFLICT)
    same_street = bool(a.street) and a.street == b.street
    if a.zip == b.zip and same_street:
        same = phone or names >= NAMES_ALIKE and not programs_conflict
    elif a.zip == b.zip:
        same = not programs_conflict and (phone and names >= NAMES_RELATED
                                          or names >= NAMES_ALIKE and bool(a.number) and a.number == b.number)
    else:
        same = phone and _nearby(a.zip, b.zip) and (same_street or names >= NAMES_ALIKE and not programs_conflict)
    if not same:
        return None
    return names + 30 * same_street + 20 * phone + 10 * (a.zip == b.zip)


def _nearby(zip_a: str, zip_b: str) -> bool:
    a, b = zip_point(zip_a), zip_point(zip_b)
    return bool(a and b) and distance_miles((a.lat, a.lon), (b.lat, b.lon)) <= MOVE_MILES


def match(older: list[Facility], newer: list[Facility]) -> dict[int, int]:
    """Index in `newer` → index in `older` of the same facility; each matched at most once."""
    by_zip: dict[str, list[int]] = defaultdict(list)
    by_phone: dict[str, list[int]] = defaultdict(list)
    old = [Listing.of(record) for record in older]
    new = [Listing.of(record) for record in newer]
    for index, listing in enumerate(old):
        by_zip[listing.zip].append(index)
        for number, _ in listing.phones:
            by_phone[number].append(index)
    scored = []
    for new_index, listing in enumerate(new):
        candidates = set(by_zip[listing.zip]).union(*(by_phone[number] for number, _ in listing.phones))
        for old_index in candidates:
            score = evidence(old[old_index], listing)
            if score is not None:
                scored.append((-score, new_index, old_index))
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for _, new_index, old_index in sorted(scored):
        if new_index not in matched and old_index not in taken:
            matched[new_index] = old_index
            taken.add(old_index)
    return matched


def comparable_codes(older: list[Facility], newer: list[Facility]) -> set[str]:
    """The codes both editions used about as often (see the module's docstring)."""
    old = Counter(code for record in older for code in record.service_codes)
    new = Counter(code for record in newer for code in record.service_codes)
    scale = len(newer) / max(len(older), 1)
    return {code for code in old.keys() & new.keys()
            if 1 / SURVEY_CHANGE_RATIO <= new[code] / (old[code] * scale) <= SURVEY_CHANGE_RATIO}


def facet_changes(older: Facility, newer: Facility, asked: set[str], edition: str, as_of: date) -> list[Change]:
    """The facet values an edition added to or removed from a facility, among the codes both
    editions asked about."""
    taxonomy = default_taxonomy()
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    old_codes, new_codes = set(older.service_codes) & asked, set(newer.service_codes) & asked
    for kind, codes in (("added", new_codes - old_codes), ("removed", old_codes - new_codes)):
        for code in sorted(codes):
            term = taxonomy.term(code)
            field, value = (term.group, term.value) if term else ("service_codes", code)
            if value not in found[kind, field]:
                found[kind, field].append(value)
    return [Change(edition=edition, as_of=as_of, kind=kind, field=field, values=values)
            for (kind, field), values in sorted(found.items())]


def _continued(older: Facility, newer: Facility, asked: set[str], edition: str, as_of: date) -> Facility:
    """The newer listing of a facility the history has: its id, its sources and changes kept."""
    changes = list(older.changes)
    if older.status == "retired":
        changes.append(Change(edition=edition, as_of=as_of, kind="returned"))
    changes += facet_changes(older, newer, asked, edition, as_of)
    record = newer.model_dump()
    record.update(id=older.id, sources=older.model_dump()["sources"] + record["sources"],
                  changes=[change.model_dump() for change in changes])
    if _PRECISION[older.location_precision] > _PRECISION[newer.location_precision]:
        record.update({field: getattr(older, field) for field in _LOCATION_FIELDS})
        record["location"] = older.location.model_dump()
        record["fields_by_source"] = {source_label(older.sources[-1]): list(_LOCATION_FIELDS)}
    return Facility.model_validate(record)


def add_edition(history: list[Facility], edition_records: list[Facility], edition: str,
                as_of: date) -> tuple[list[Facility], Counter]:
    """The history with a newer edition added, and counts of what it changed: new, retired,
    returned, changed, unchanged facilities."""
    counts: Counter[str] = Counter()
    matched = match(history, edition_records)
    asked = comparable_codes([r for r in history if r.status == "listed"], edition_records)
    ids = {record.id for record in history}
    result: list[Facility] = []
    for index, record in enumerate(edition_records):
        if index in matched:
            older = history[matched[index]]
            record = _continued(older, record, asked, edition, as_of)
            counts["returned" if older.status == "retired" else
                   "changed" if len(record.changes) > len(older.changes) else "unchanged"] += 1
        else:
            new_id = record.id
            if new_id in ids:  # described as an older listing that another of this edition's continues
                address = record.address
                new_id = facility_id(record.name, record.name2, address.street1, address.street2, address.city,
                                     address.state, address.zip, f"edition {edition}")
            record = record.model_copy(update={"id": new_id, "changes": [
                Change(edition=edition, as_of=as_of, kind="new")]})
            record = Facility.model_validate(record.model_dump())
            counts["new"] += 1
        ids.add(record.id)
        result.append(record)
    continued = set(matched.values())
    for index, record in enumerate(history):
        if index in continued:
            continue
        if record.status == "listed":
            record = Facility.model_validate({**record.model_dump(), "changes": [
                *record.model_dump()["changes"], Change(edition=edition, as_of=as_of, kind="retired").model_dump()]})
            counts["retired"] += 1
        result.append(record)
    return result, counts
