import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from facility.elasticsearch_access import Access
from facility.geo import zip_point
from search_api.main import create_app
from search_api.settings import ApiSettings
from tests.search_api.brute_force import within

pytestmark = pytest.mark.integration


def test_charlottesville_iops_near_22902(api, records_2022):
    body = api.get("/v1/facilities", params={"zip": "22902", "level": "iop"}).json()
    assert body["query"]["point"]["source"] == "zip" and body["query"]["point"]["city"] == "Charlottesville"
    assert body["query"]["radius_mi"] == 25 and body["query"]["sort"] == "distance"
    assert body["total"] > 0
    first = body["results"][0]
    assert first["address"]["state"] == "VA" and "iop" in first["levels_of_care"]
    assert first["distance_mi"] < 25 and isinstance(first["services"], list)


def test_text_search_and_name_sort(api):
    body = api.get("/v1/facilities", params={"q": "Region Ten", "state": "VA"}).json()
    assert body["query"]["sort"] == "relevance"
    assert body["results"] and all("region ten" in r["name"].lower() for r in body["results"][:3])
    named = api.get("/v1/facilities", params={"state": "RI", "sort": "name", "size": 50}).json()
    names = [r["name"].lower() for r in named["results"]]
    assert names == sorted(names)


def test_pages_and_cursor_walk_the_same_results(api):
    params = {"state": "VT", "sort": "name", "size": 7}
    by_page, page = [], 1
    while True:
        body = api.get("/v1/facilities", params={**params, "page": page}).json()
        by_page += [r["id"] for r in body["results"]]
        if len(by_page) >= body["total"]:
            break
        page += 1
    by_cursor, cursor = [], None
    while True:
        body = api.get("/v1/facilities", params={**params, **({"cursor": cursor} if cursor else {})}).json()
        by_cursor += [r["id"] for r in body["results"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert by_page == by_cursor and len(set(by_page)) == body["total"] > 7


def test_facility_by_id_with_provenance(api, records_2022):
    record = records_2022[0]
    body = api.get(f"/v1/facilities/{record['id']}").json()
    assert body["name"] == record["name"]
    assert body["sources"][0]["name"] == "samhsa-national-directory"
    described = body["provenance"][0]
    assert described["statement"] == "Listed in SAMHSA's 2022 directory (survey of 2021)"
    assert described["as_of"] == body["verified_on"] <= "2022-12-31" and "name" in described["fields"]
    assert described["retrieved_at"][:10] != described["as_of"]  # the day of import is not the date of the facts
    missing = api.get("/v1/facilities/0000000000000000")
    assert missing.status_code == 404 and missing.json()["detail"] == "no facility with id 0000000000000000"
    assert api.get("/v1/facilities/not-an-id").status_code == 422


def test_states_count_iops_and_all(api, records_2022):
    states = {s["code"]: s for s in api.get("/v1/states").json()["states"]}
    va = [r for r in records_2022 if r["address"]["state"] == "VA"]
    assert states["VA"]["facilities"] == len(va)
    assert states["VA"]["iop_facilities"] == sum("iop" in r["levels_of_care"] for r in va)
    assert states["VA"]["name"] == "Virginia" and states["PR"]["facilities"] > 0
    assert sum(s["iop_facilities"] for s in states.values()) == 5_525


def test_taxonomy_lists_groups_values_labels(api):
    groups = {g["param"]: g for g in api.get("/v1/taxonomy").json()["groups"]}
    assert {"level", "payment", "assistance", "age", "gender", "population", "language", "service",
            "state"} <= set(groups)
    iop = next(v for v in groups["level"]["values"] if v["value"] == "iop")
    assert iop["label"] == "Intensive outpatient (IOP)" and "9 hours" in iop["description"]


def test_geocode(api):
    assert api.get("/v1/geocode", params={"zip": "22902"}).json()["city"] == "Charlottesville"
    unknown = api.get("/v1/geocode", params={"zip": "00000"})
    assert unknown.status_code == 422 and "unknown ZIP code 00000" in unknown.json()["message"]


def test_csv_export_has_every_match_and_every_filterable_field(api, records_2022):
    response = api.get("/v1/facilities.csv", params={"zip": "22902", "radius_mi": 50})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    point = zip_point("22902")
    assert len(rows) == int(response.headers["x-total-count"]) == len(within(records_2022, point.lat, point.lon, 50))
    assert {"languages", "populations", "ages", "genders", "services", "notices", "verified_on", "page_url",
            "opioid_medications", "latitude", "longitude"} <= set(rows[0])
    by_id = {r["id"]: r for r in records_2022}
    for row in rows:
        record = by_id[row["id"]]
        assert row["languages"] == "; ".join(record["languages"])
        assert row["verified_on"] == record["verified_on"]
        assert (row["page_url"] != "") == ("iop" in record["levels_of_care"])
    everything = api.get("/v1/facilities.csv")
    assert len(list(csv.reader(io.StringIO(everything.text)))) - 1 == int(everything.headers["x-total-count"]) == 12_175


def test_ndjson_streams_every_match_of_a_state(api, records_2022):
    with api.stream("GET", "/v1/facilities.ndjson", params={"state": "CA"}) as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        items = [json.loads(line) for line in response.iter_lines() if line]
    expected = {r["id"] for r in records_2022 if r["address"]["state"] == "CA"}
    assert len(items) == len(expected) == int(response.headers["x-total-count"]) > 1_000
    assert {item["id"] for item in items} == expected
    first_page = api.get("/v1/facilities", params={"state": "CA", "size": 100}).json()["results"]
    assert [item["id"] for item in items[:100]] == [item["id"] for item in first_page]  # the search's order
    near = [json.loads(line) for line in api.get("/v1/facilities.ndjson",
                                                 params={"zip": "22902", "radius_mi": 100}).text.splitlines()]
    point = zip_point("22902")
    assert {item["id"] for item in near} == set(within(records_2022, point.lat, point.lon, 100))
    distances = [item["distance_mi"] for item in near]
    assert all(b >= a * 0.99 - 0.01 for a, b in zip(distances, distances[1:]))  # nearest first


def test_health_and_readiness(api, es_url):
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz").json()
    assert ready["status"] == "ready" and ready["index"].startswith("test-api-2022-")


def test_readiness_without_the_alias(es_url):
    with TestClient(create_app(ApiSettings(elasticsearch=Access((es_url,)), alias="no-such-alias"))) as client:
        response = client.get("/readyz")
        assert response.status_code == 503 and response.headers["retry-after"] == "5"
        search = client.get("/v1/facilities")
        assert search.status_code == 503 and "temporarily unavailable" in search.json()["detail"]


def test_openapi_lists_the_filter_values(api):
    schema = api.get("/openapi.json").json()
    assert "/v1/facilities" in schema["paths"]
    level = next(p for p in schema["paths"]["/v1/facilities"]["get"]["parameters"] if p["name"] == "level")
    assert "LevelValue" in str(level["schema"])
    assert "iop" in schema["components"]["schemas"]["LevelValue"]["enum"]


def test_a_step_down_search_around_a_facility(api, records_2022):
    residential = next(r for r in records_2022 if "residential" in r["levels_of_care"] and r.get("location")
                       and "medicaid" in r["payment"])
    filters = {"level": "iop", "payment": "medicaid", "radius_mi": 50}
    body = api.get("/v1/facilities", params={"near": residential["id"], **filters}).json()
    point = body["query"]["point"]
    assert (point["source"], point["facility_id"], point["name"]) == ("facility", residential["id"],
                                                                      residential["name"])
    around = api.get("/v1/facilities", params={"lat": residential["location"]["lat"],
                                               "lon": residential["location"]["lon"], **filters}).json()
    assert body["total"] == around["total"] > 0
    assert [r["id"] for r in body["results"]] == [r["id"] for r in around["results"]]
    assert api.get("/v1/facilities.csv", params={"near": residential["id"], **filters}).headers["X-Total-Count"] \
        == str(body["total"])


@pytest.mark.parametrize(("params", "message"), [
    ({"near": "0123456789abcdef"}, "no facility has id 0123456789abcdef"),
    ({"near": "not-an-id"}, "String should match pattern"),
    ({"near": "0123456789abcdef", "zip": "22902"}, "no facility has id"),
])
def test_near_an_unknown_or_malformed_id_is_a_422_naming_near(api, params, message):
    response = api.get("/v1/facilities", params=params)
    assert response.status_code == 422 and message in response.text and "near" in response.text


def test_near_with_another_point_is_a_422(api, records_2022):
    listed = next(r for r in records_2022 if r.get("location"))
    response = api.get("/v1/facilities", params={"near": listed["id"], "zip": "22902"})
    assert response.status_code == 422 and "give one of near, place, zip, or lat and lon" in response.text
