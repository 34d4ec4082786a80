"""The reference answers, computed directly over the imported records and independent of the code
under test: what each filter means is written here from the taxonomy table (facility/taxonomy.csv,
read with the csv module) and each record's SAMHSA codes as the directory gives them (its
`service_codes`, not the fields the importer fills from them); distances by geopy, an
implementation independent of the one the API uses. For records as an import writes them: website
facts count only for the services that come from websites (evening, weekend)."""

import csv
from pathlib import Path

from geopy.distance import geodesic


def read_terms(path: Path) -> dict[str, tuple[str, str]]:
    """SAMHSA code → (taxonomy group, facet value)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["code"]: (row["group"], row["value"]) for row in csv.DictReader(handle)}


TERMS = read_terms(Path(__file__).resolve().parents[2] / "facility" / "taxonomy.csv")

# Query parameter → the taxonomy group whose values it takes.
GROUP_OF = {"level": "levels_of_care", "payment": "payment", "assistance": "payment_assistance", "age": "ages",
            "gender": "genders", "population": "populations", "language": "languages", "therapy": "therapies"}

# Each service a person asks for by name: the taxonomy terms (group, value) that say a facility offers it.
SERVICE_TERMS = {
    "co_occurring": {("care_types", "co_occurring"), ("populations", "co_occurring")},
    "telehealth": {("therapies", "telehealth")},
    "mat_buprenorphine": {("opioid_medications", "buprenorphine")},
    "mat_methadone": {("opioid_medications", "methadone")},
    "mat_naltrexone": {("opioid_medications", "naltrexone")},
    "detox": {("care_types", "detox")},
    "transitional_housing": {("care_types", "transitional_housing")},
    "group_counseling": {("other_services", "group_counseling")},
    "individual_counseling": {("other_services", "individual_counseling")},
    "family_counseling": {("other_services", "family_counseling")},
    "aftercare": {("other_services", "aftercare_continuing_care")},
    "drug_testing": {("other_services", "drug_or_alcohol_urine_screening"),
                     ("other_services", "drug_and_alcohol_oral_fluid_testing"),
                     ("other_services", "breathalyzer_or_blood_alcohol")},
    "case_management": {("other_services", "case_management_service")},
    "transportation": {("other_services", "transportation_assistance")},
    "child_care": {("other_services", "child_care_for_clients_children")},
    "accepts_mat_prescribed_elsewhere": {("opioid_treatment", "accepts_mat_prescribed_elsewhere"),
                                         ("other_services", "accepts_clients_using_medication")},
    "alcohol_medications": {("other_services", "this_facility_administers_prescribes"),
                            ("medications", "acamprosate_campral"), ("medications", "disulfiram")},
}
SITE_SERVICES = {"evening", "weekend"}  # stated on the facility's own website


def has_terms(record: dict, terms: set[tuple[str, str]]) -> bool:
    return any(TERMS.get(code) in terms for code in record["service_codes"])


def offers(record: dict, service: str) -> bool:
    if service in SITE_SERVICES:
        return (record.get("site") or {}).get(service) is True
    return has_terms(record, SERVICE_TERMS[service])


def matches(record: dict, param: str, values, every: bool = False) -> bool:
    """Any of the values; with `every` (the group is in match_all), all of them."""
    combine = all if every else any
    if param == "service":
        return combine(offers(record, v) for v in values)
    if param == "state":
        return combine(record["address"]["state"] == v for v in values)
    if param == "code":
        return combine(v in record["service_codes"] for v in values)
    return combine(has_terms(record, {(GROUP_OF[param], v)}) for v in values)


def within(records: list[dict], lat: float, lon: float, radius_mi: float) -> dict[str, float]:
    """id → geodesic miles, for every record within the radius (a bounding box first, for speed)."""
    box = radius_mi / 60.0  # a degree of latitude is over 68 miles; longitude shrinks toward the poles
    found = {}
    for record in records:
        location = record["location"]
        if not location or abs(location["lat"] - lat) > box:
            continue
        miles = geodesic((lat, lon), (location["lat"], location["lon"])).miles
        if miles <= radius_mi:
            found[record["id"]] = miles
    return found


def select(records: list[dict], filters: dict[str, list[str]], skip: str | None = None,
           match_all: tuple[str, ...] = ()) -> list[dict]:
    return [r for r in records
            if all(matches(r, p, v, p in match_all) for p, v in filters.items() if p != skip and v)]
