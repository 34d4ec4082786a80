"""The HSDS 3.1 API (/hsds/) over the real 2022 index: every object it gives valid against the
specification's compiled schemas, in JSON pages and as NDJSON; filters, pages and ids; its paths
and parameters those of the specification's openapi.json; bad input a 404 or 422, never a 500."""

import json
from collections.abc import Iterator

import pytest

from facility.geo import distance_miles, zip_point
from facility.hsds import hsds_id, service, taxonomy_terms, term_id
from tests.hsds_spec import openapi, problems, validator

pytestmark = pytest.mark.integration

IOP = term_id("OIT")


def every_page(api, path: str, **params) -> Iterator[dict]:
    page = 1
    while True:
        response = api.get(path, params={**params, "page": page, "per_page": 1000})
        assert response.status_code == 200, response.text
        body = response.json()
        yield from body["contents"]
        assert body["page_number"] == page and body["size"] == len(body["contents"])
        if body["last_page"]:
            assert body["total_pages"] == page
            return
        page += 1


def ndjson(api, path: str, **params) -> Iterator[dict]:
    with api.stream("GET", path, params={**params, "format": "ndjson"}) as response:
        assert response.status_code == 200 and response.headers["content-type"] == "application/x-ndjson"
        for line in response.iter_lines():
            yield json.loads(line)


def test_every_object_the_api_gives_is_valid_hsds(api, records_2022):
    """Read a line or a page at a time: the whole directory's nested services take gigabytes."""
    given = {
        "service_list (JSON pages)": ("service_list", every_page(api, "/hsds/services")),
        "service (NDJSON)": ("service", ndjson(api, "/hsds/services", full=True)),
        "service_at_location (NDJSON)": ("service_at_location", ndjson(api, "/hsds/service_at_locations", full=True)),
        "organization_list (JSON pages)": ("organization_list", every_page(api, "/hsds/organizations")),
        "organization (NDJSON)": ("organization", ndjson(api, "/hsds/organizations", full_service=True)),
    }
    ids, errors = {}, []
    for label, (name, found) in given.items():
        check = validator(name)
        ids[label] = []
        for item in found:
            ids[label].append(item["id"])
            errors += problems(check, item)
    print("validated:", {label: len(found) for label, found in ids.items()}, "errors:", len(errors))
    assert not errors[:5], errors[:5]
    expected = {hsds_id("service", r["id"], level) for r in records_2022 for level in r["levels_of_care"]}
    assert len(ids["service_list (JSON pages)"]) == len(ids["service (NDJSON)"]) == len(expected)
    assert set(ids["service_list (JSON pages)"]) == set(ids["service (NDJSON)"]) == expected
    assert len(set(ids["organization_list (JSON pages)"])) == len(ids["organization (NDJSON)"]) == len(records_2022)


def test_iop_services_changed_after_a_date(api, records_2022):
    iops = [r for r in records_2022 if "iop" in r["levels_of_care"]]
    body = api.get("/hsds/services", params={"taxonomy_term_id": IOP, "modified_after": "2020-01-01",
                                             "per_page": 5}).json()
    assert body["total_items"] == len(iops) == 5_525 and body["size"] == 5 and body["total_pages"] == 1_105
    assert all(s["name"].startswith("Intensive outpatient (IOP): ") for s in body["contents"])
    # the Spanish term is the same code
    assert api.get("/hsds/services", params={"taxonomy_term_id": term_id("OIT", "es")}).json()["total_items"] == 5_525
    # an offset Elasticsearch would not take (over 18 hours) is the same moment in UTC
    far_east = api.get("/hsds/services", params={"taxonomy_term_id": IOP, "modified_after": "2000-01-01T00:00+18:01",
                                                 "format": "ndjson", "minimal": True})
    assert far_east.status_code == 200 and len(far_east.text.splitlines()) == 5_525
    later = api.get("/hsds/services", params={"taxonomy_term_id": IOP, "modified_after": "2100-01-01T00:00:00Z"})
    assert later.json()["total_items"] == 0 and later.json()["empty"] is True
    streamed = list(ndjson(api, "/hsds/services", taxonomy_term_id=IOP, minimal=True))
    assert len(streamed) == 5_525 and set(streamed[0]) == {"id", "last_modified"}


def test_a_term_of_another_kind_lists_every_level_of_its_facilities(api, records_2022):
    spanish = [r for r in records_2022 if "SP" in r["service_codes"]]
    body = api.get("/hsds/services", params={"taxonomy_term_id": term_id("SP"), "per_page": 1}).json()
    assert body["total_items"] == sum(len(r["levels_of_care"]) for r in spanish)


def test_pages_follow_each_other_across_levels_of_care(api):
    whole = api.get("/hsds/services", params={"search": "recovery", "per_page": 300}).json()
    assert whole["total_items"] > 300
    pieces = [api.get("/hsds/services", params={"search": "recovery", "per_page": 7, "page": n}).json()["contents"]
              for n in range(1, 44)]
    assert [s["id"] for piece in pieces for s in piece][:300] == [s["id"] for s in whole["contents"]]


def test_one_object_by_id_is_the_listed_one_whole(api, records_2022):
    record = next(r for r in records_2022 if len(r["levels_of_care"]) > 2)
    level = record["levels_of_care"][1]
    expected = service(record, level)
    found = api.get(f"/hsds/services/{expected['id']}").json()
    assert found["id"] == expected["id"] and found["name"] == expected["name"]
    assert found["attributes"] == expected["attributes"]
    place = api.get(f"/hsds/service_at_locations/{expected['service_at_locations'][0]['id']}").json()
    assert place["service"]["id"] == expected["id"] and place["location"]["external_identifier"] == record["id"]
    organization = api.get(f"/hsds/organizations/{expected['organization_id']}", params={"full_service": True}).json()
    assert {s["id"] for s in organization["services"]} == {hsds_id("service", record["id"], level)
                                                           for level in record["levels_of_care"]}
    by_organization = api.get("/hsds/services", params={"organization_id": expected["organization_id"]}).json()
    assert by_organization["total_items"] == len(record["levels_of_care"])


def test_services_within_meters_of_a_postcode_nearest_first(api):
    centre = zip_point("22902")
    body = api.get("/hsds/service_at_locations", params={"postcode": "22902", "proximity": 40_000,
                                                         "per_page": 100}).json()
    miles = [distance_miles((centre.lat, centre.lon), (s["location"]["latitude"], s["location"]["longitude"]))
             for s in body["contents"]]
    assert body["total_items"] > 5 and all(m <= 40_000 / 1609.344 * 1.01 for m in miles)
    assert api.get("/hsds/services", params={"postcode": "22902"}).json()["total_items"] >= 1


def test_taxonomy_and_terms_in_both_languages(api):
    [found] = api.get("/hsds/taxonomies").json()["contents"]
    assert api.get(f"/hsds/taxonomies/{found['id']}").json() == found
    terms = api.get("/hsds/taxonomy_terms", params={"per_page": 1000, "taxonomy_id": found["id"]}).json()
    assert terms["total_items"] == len(taxonomy_terms()) and {t["language"] for t in terms["contents"]} == {"en", "es"}
    assert api.get(f"/hsds/taxonomy_terms/{IOP}").json()["code"] == "OIT"
    spanish = api.get("/hsds/taxonomy_terms", params={"search": "ambulatorio intensivo"}).json()["contents"]
    assert [(t["code"], t["language"]) for t in spanish] == [("OIT", "es")]
    assert len(list(ndjson(api, "/hsds/taxonomy_terms"))) == len(taxonomy_terms())
    assert api.get("/hsds/").json()["version"] == "3.1"


@pytest.mark.parametrize("path, params, status, named", [
    ("/hsds/services/0c6e2a0e-0000-4000-8000-000000000000", {}, 404, None),
    ("/hsds/service_at_locations/nope", {}, 404, None),
    ("/hsds/organizations/nope", {}, 404, None),
    ("/hsds/taxonomy_terms/nope", {}, 404, None),
    ("/hsds/taxonomies/nope", {}, 404, None),
    ("/hsds/services", {"page": "0"}, 422, "page"),
    ("/hsds/services", {"page": "two"}, 422, "page"),
    ("/hsds/services", {"page": "2001", "per_page": "50"}, 422, "page"),
    ("/hsds/services", {"per_page": "5000"}, 422, "per_page"),
    ("/hsds/services", {"modified_after": "last week"}, 422, "modified_after"),
    ("/hsds/services", {"modified_after": "9999-12-31T23:00:00-05:00"}, 422, "modified_after"),
    ("/hsds/services", {"taxonomy_term_id": "not-a-term"}, 422, "taxonomy_term_id"),
    ("/hsds/services", {"taxonomy_id": "not-a-taxonomy"}, 422, "taxonomy_id"),
    ("/hsds/services", {"proximity": "1000"}, 422, "proximity"),
    ("/hsds/services", {"postcode": "00000", "proximity": "1000"}, 422, "postcode"),
    ("/hsds/services", {"postcode": "2290"}, 422, "postcode"),
    ("/hsds/services", {"format": "xml"}, 422, "format"),
    ("/hsds/taxonomy_terms", {"parent_id": "nope"}, 422, "parent_id"),
])
def test_bad_input_is_a_404_or_a_422_naming_the_parameter(api, path, params, status, named):
    response = api.get(path, params=params)
    assert response.status_code == status, response.text
    if named:
        assert response.json()["detail"][0]["loc"] == ["query", named]
    else:
        assert response.json()["detail"].startswith("no ")


def test_paths_and_parameters_are_the_specifications(api):
    ours = api.get("/openapi.json").json()["paths"]
    spec = openapi()
    shared = spec["components"]["parameters"]
    for path, operations in spec["paths"].items():
        mine = ours[f"/hsds{path}"]["get"]
        names = {p["name"] for p in mine.get("parameters", [])}
        for wanted in [*operations.get("parameters", []), *operations["get"].get("parameters", [])]:
            wanted = shared[wanted["$ref"].rsplit("/", 1)[1]] if "$ref" in wanted else wanted
            assert wanted["name"] in names, (path, wanted["name"])
            assert wanted["in"] == next(p["in"] for p in mine["parameters"] if p["name"] == wanted["name"])
