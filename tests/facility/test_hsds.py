"""Facilities as HSDS 3.1 objects (facility/hsds.py): stable ids, the shape of one facility, and
every service, service at a location and organization of the real 2022 directory valid against
the specification's compiled schemas (read in place from ../shared/hsds)."""

from facility.hsds import (hsds_id, object_ids, organization_full, organization_list_item, service,
                           service_at_location_full, service_at_location_list_item, service_list_item, services,
                           taxonomy_terms, terms_by_id)
from facility.taxonomy import default_taxonomy
from tests.facility.factories import RETRIEVED, make_facility
from tests.hsds_spec import problems, validator


def facility(**fields) -> dict:
    return make_facility(levels_of_care=["residential", "iop"], service_codes=["OIT", "RES", "MD", "SP", "SAMF"],
                         payment=["medicaid", "samhsa_block_grant"], payment_assistance=["sliding_fee"],
                         phones=[{"kind": "intake", "number": "+14345550100", "extension": "12"}],
                         **fields).model_dump(mode="json")


def with_schedule(record: dict) -> dict:
    return {**record, "site": {"url": "https://blueridge.example.org/iop", "pages": 3, "retrieved_at": RETRIEVED,
                               "schedules": [{"days": ["mon", "wed", "thu"], "starts": "18:00", "ends": "21:00",
                                              "evening": True, "weekend": False}]}}


def test_ids_are_uuids_that_stay_the_same():
    record = facility()
    first, again = services(record), services(facility())
    assert [s["id"] for s in first] == [s["id"] for s in again] == [
        hsds_id("service", record["id"], "residential"), hsds_id("service", record["id"], "iop")]
    assert len({s["id"] for s in first}) == 2 and first[0]["organization_id"] == first[1]["organization_id"]


def test_a_facility_is_one_organization_at_one_location_with_a_service_per_level_of_care():
    record = facility()
    iop = next(s for s in services(record) if s["name"].startswith("Intensive outpatient"))
    place = iop["service_at_locations"][0]["location"]
    assert place["addresses"][0]["postal_code"] == "22902" and place["latitude"] == 38.03
    assert place["description"] == "Placed at its street address."
    # a service carries the facility's codes, but of the levels of care only its own
    assert {a["taxonomy_term"]["code"] for a in iop["attributes"]} == {"OIT", "MD", "SP", "SAMF"}
    assert [c["option"] for c in iop["cost_options"]] == ["Medicaid", "Sliding fee scale"]
    assert [f["source"] for f in iop["funding"]] == ["SAMHSA funding / block grants"]
    assert iop["phones"][0] | {"id": None} == {"id": None, "service_id": iop["id"], "number": "+14345550100",
                                               "type": "voice", "description": "intake", "extension": 12}
    assert iop["status"] == "active" and iop["metadata"][0]["updated_by"] == "test"
    retired = services({**record, "status": "retired"})
    assert {s["status"] for s in retired} == {"inactive"}


def test_the_websites_published_schedule_is_the_iop_services_schedule():
    record = with_schedule(facility())
    iop, residential = service(record, "iop"), service(record, "residential")
    assert residential["schedules"] == []
    [schedule] = iop["schedules"]
    assert schedule | {"id": None, "metadata": None} == {
        "id": None, "metadata": None, "service_id": iop["id"], "freq": "WEEKLY", "wkst": "MO", "byday": "MO,WE,TH",
        "opens_at": "18:00", "closes_at": "21:00", "schedule_link": "https://blueridge.example.org/iop",
        "description": "As the facility's website (https://blueridge.example.org/iop) said on 2026-01-15."}
    assert schedule["metadata"][0]["last_action_date"] == "2026-01-15"
    assert service(facility(), "iop")["schedules"] == []  # no website read: no schedule


def test_every_code_is_a_term_in_english_and_in_spanish():
    codes = list(default_taxonomy().by_code)
    assert len(taxonomy_terms()) == 2 * len(codes) == len(terms_by_id())
    iop_en, iop_es = (next(t for t in taxonomy_terms() if t["code"] == "OIT" and t["language"] == lang)
                      for lang in ("en", "es"))
    assert iop_en["name"] == "Intensive outpatient (IOP)" and iop_en["id"] == hsds_id("taxonomy_term", "OIT")
    assert iop_es["name"] == "Tratamiento ambulatorio intensivo (IOP)" and iop_es["id"] != iop_en["id"]
    assert iop_es["description"] != iop_en["description"]


def test_object_ids_name_every_object_the_api_finds_a_facility_by():
    record = facility()
    ids = set(object_ids(record))
    assert {s["id"] for s in services(record)} <= ids
    assert {service_at_location_full(record, level)["id"] for level in record["levels_of_care"]} <= ids
    assert organization_list_item(record)["id"] in ids and len(ids) == 6


def test_every_object_of_the_2022_directory_is_valid_hsds(records_2022):
    checks = {name: validator(name) for name in ("service", "service_list", "service_at_location",
                                                 "service_at_location_list", "organization", "organization_list")}
    counts, errors = dict.fromkeys(checks, 0), []

    def check(name: str, found: dict) -> None:
        counts[name] += 1
        errors.extend(problems(checks[name], found))

    for record in [with_schedule(records_2022[0]), *records_2022]:
        for level in record["levels_of_care"]:
            full = service(record, level)
            check("service", full)
            check("service_list", service_list_item(record, level))
            assert full.items() >= service_list_item(record, level).items()
            check("service_at_location", service_at_location_full(record, level))
            check("service_at_location_list", service_at_location_list_item(record, level))
        check("organization", organization_full(record, full_services=True))
        check("organization_list", organization_list_item(record))
    print("HSDS objects validated:", counts, "errors:", len(errors))
    assert counts["service"] > 25_000 and counts["organization"] > 12_000 and not errors[:5], (counts, errors[:5])
