"""SAMHSA codes, the services people ask for by name, and match_all, against brute force over the
imported 2022 records: alone, and with a point, a state and other groups."""

import pytest

from facility.filter_groups import SERVICES
from facility.geo import zip_point
from tests.search_api.brute_force import SITE_SERVICES, select, within
from tests.search_api.test_correctness import fetch_all

pytestmark = pytest.mark.integration

CODED_SERVICES = [name for name in SERVICES if name not in SITE_SERVICES]


def expected_ids(records: list[dict], params: dict) -> set[str]:
    filters = {p: v for p, v in params.items() if p not in ("zip", "radius_mi", "match_all")}
    chosen = select(records, filters, match_all=tuple(params.get("match_all", ())))
    if "zip" in params:
        point = zip_point(params["zip"])
        return set(within(chosen, point.lat, point.lon, params["radius_mi"]))
    return {record["id"] for record in chosen}


@pytest.mark.parametrize("service", CODED_SERVICES)
def test_each_service_alone_and_near_a_zip(api, records_2022, service):
    for params in ({"service": [service]}, {"service": [service], "zip": "10001", "radius_mi": 50}):
        expected = expected_ids(records_2022, params)
        total, items, _ = fetch_all(api, params)
        assert total == len(expected) and {item["id"] for item in items} == expected, params
        assert all(service in item["services"] for item in items)


@pytest.mark.parametrize("params", [
    {"code": ["GCO"]},
    {"code": ["CCC", "TA"], "state": ["VA"]},
    {"code": ["OIT", "ODT"], "match_all": ["code"]},
    {"code": ["OIT", "ODT"], "match_all": ["code"], "zip": "22902", "radius_mi": 100},
    {"level": ["iop", "php"], "match_all": ["level"], "zip": "10001", "radius_mi": 25},
    {"payment": ["medicaid", "medicare"], "match_all": ["payment"], "state": ["MA"], "level": ["iop"]},
    {"payment": ["medicaid", "medicare"], "match_all": ["payment", "service"],
     "service": ["group_counseling", "family_counseling", "drug_testing"], "code": ["OIT"], "state": ["TX", "NM"]},
    {"service": ["alcohol_medications", "accepts_mat_prescribed_elsewhere"], "zip": "60614", "radius_mi": 30},
    {"code": ["NAUT"], "level": ["iop"]},
])
def test_codes_and_match_all_equal_brute_force(api, records_2022, params):
    expected = expected_ids(records_2022, params)
    total, items, _ = fetch_all(api, params)
    assert total == len(expected), params
    assert {item["id"] for item in items} == expected, params
    assert expected, f"{params} matches nothing: the comparison would prove little"


def test_match_all_narrows_what_any_of_finds(api):
    params = {"payment": ["medicaid", "medicare"], "state": ["MA"]}
    any_of = api.get("/v1/facilities", params=params).json()["total"]
    both = api.get("/v1/facilities", params={**params, "match_all": "payment"}).json()
    medicaid = api.get("/v1/facilities", params={"payment": "medicaid", "state": "MA"}).json()["total"]
    assert 0 < both["total"] < medicaid < any_of
    assert both["query"]["match_all"] == ["payment"]


def test_a_facility_that_does_not_treat_alcohol_use_disorder_says_so(api, records_2022):
    body = api.get("/v1/facilities", params={"code": "NAUT", "size": 5}).json()
    assert body["results"]
    for item in body["results"]:
        assert {"value": "no_alcohol_treatment", "label": "Does not treat alcohol use disorder"} in item["notices"]
    other = api.get("/v1/facilities", params={"code": "GCO", "size": 50}).json()["results"]
    without = {r["id"] for r in records_2022 if "NAUT" not in r["service_codes"]}
    assert all(item["notices"] == [] for item in other if item["id"] in without)


def test_codes_are_listed_with_their_names(api):
    groups = {group["param"]: group for group in api.get("/v1/taxonomy").json()["groups"]}
    codes = {value["value"]: value["label"] for value in groups["code"]["values"]}
    assert codes["OIT"] == "Intensive outpatient treatment" and codes["NAUT"] == "Does not treat alcohol use disorder"
    services = {value["value"] for value in groups["service"]["values"]}
    assert set(CODED_SERVICES) <= services
