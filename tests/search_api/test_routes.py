"""Every route, Elasticsearch replaced through `dependency_overrides` by recorded answers
(tests/search_api/recorded, see recorded_elasticsearch.py): no node, no Java, no shared data."""

import csv
import io
import json

import pytest
from elastic_transport import ConnectionError as TransportConnectionError

from facility.filter_groups import FILTER_GROUPS
from facility.paths import facility_path
from facility.states import STATE_NAMES
from search_api.query import group_clause
from search_api.results import CSV_COLUMNS
from tests.search_api.recorded_elasticsearch import Calls, Replay, api, replayed


class Unreachable(Calls):
    async def call(self, method: str, arguments: dict):
        raise TransportConnectionError("connection refused")


def test_search_near_a_zip():
    response = replayed("search_near_zip")
    assert response.status_code == 200
    body = response.json()
    assert body["query"]["point"]["source"] == "zip" and body["query"]["point"]["city"] == "Charlottesville"
    assert body["query"]["sort"] == "distance" and body["query"]["filters"]["level"] == ["iop"]
    assert body["total"] == 2 and len(body["results"]) == 1 and body["next_cursor"]
    first = body["results"][0]
    assert "iop" in first["levels_of_care"] and first["distance_mi"] <= 10
    assert list(body["facets"]) == [param for param, group in FILTER_GROUPS.items() if group.faceted]
    iop = next(v for v in body["facets"]["level"]["values"] if v["value"] == "iop")
    assert iop["selected"] and iop["count"] == 2
    assert len(body["facets"]["payment"]["values"]) == len(FILTER_GROUPS["payment"].values)  # zeros listed
    assert all(v["count"] for v in body["facets"]["state"]["values"])  # states only where found


def test_text_search_in_a_state():
    body = replayed("search_text_in_state").json()
    assert body["query"]["sort"] == "relevance" and body["query"]["filters"]["state"] == ["VA"]
    assert "region ten" in body["results"][0]["name"].lower()
    states = body["facets"]["state"]["values"]  # each group's counts ignore its own selection
    assert {"value": "VA", "label": "Virginia", "count": body["total"], "selected": True} in states
    assert all(not state["selected"] for state in states if state["value"] != "VA")


def test_csv_export():
    response = replayed("csv_near_zip")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="iop-finder-facilities.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == CSV_COLUMNS and len(rows) - 1 == int(response.headers["x-total-count"]) > 0
    assert all(row[CSV_COLUMNS.index("state")] == "VA" and "iop" in row[CSV_COLUMNS.index("levels_of_care")]
               for row in rows[1:])


def test_search_by_a_misspelled_city():
    body = replayed("search_place").json()
    query = body["query"]
    assert query["place"]["name"] == "Charlottesville, VA" and query["place"]["kind"] == "city"
    assert query["corrected_from"] == "Charlottesvile, VA"
    assert query["point"]["source"] == "place" and query["radius_mi"] == 25
    first = body["results"][0]
    assert first["offers_iop"] and first["distance_mi"] <= 25
    assert body["facets"] is None  # counted only when asked (facets=true)
    assert first["page_url"] == facility_path(first)


def test_codes_all_at_one_place():
    body = replayed("search_codes_all").json()
    assert body["query"]["match_all"] == ["code"] and body["query"]["filters"]["code"] == ["OIT", "ODT"]
    assert body["total"] > 0 and "code" not in body["facets"]
    assert {"iop", "php"} <= set(body["results"][0]["levels_of_care"])


def test_ndjson_export_reads_through_a_point_in_time():
    response = replayed("ndjson_in_state")
    assert response.status_code == 200 and response.headers["content-type"] == "application/x-ndjson"
    items = [json.loads(line) for line in response.text.splitlines()]
    assert len(items) == int(response.headers["x-total-count"]) > 0
    assert all(item["address"]["state"] == "VT" and "telehealth" in item["services"] for item in items)


def test_one_facility_with_provenance():
    body = replayed("facility").json()
    assert body["id"] == "07f51516406bea36" and body["name"] == "Region Ten Community Services Board"
    assert body["provenance"][0]["statement"] == "Listed in SAMHSA's 2022 directory (survey of 2021)"
    assert "iop" not in body["levels_of_care"] and body["page_url"] is None  # the site has pages for IOPs only
    assert "names_expanded" not in body  # kept in the index for search only


def test_unknown_facility_is_404():
    response = replayed("facility_unknown")
    assert response.status_code == 404
    assert response.json() == {"detail": "no facility with id 0000000000000000"}


def test_states_with_counts():
    states = replayed("states").json()["states"]
    assert [s["code"] for s in states] == list(STATE_NAMES)
    va = next(s for s in states if s["code"] == "VA")
    assert va["name"] == "Virginia" and 0 < va["iop_facilities"] < va["facilities"]


def test_ready_names_the_index_behind_the_alias():
    body = replayed("ready").json()
    assert body["status"] == "ready" and body["index"].startswith("facilities-")


@pytest.mark.parametrize("name", ["search_without_index", "facility_without_index"])
def test_missing_index_is_503_with_retry_after(name):
    response = replayed(name)
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert response.json() == {"detail": "search is temporarily unavailable; please try again shortly"}


def test_not_ready_without_the_alias():
    response = replayed("ready_without_alias")
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert response.json() == {"status": "unavailable"}


def test_unreachable_elasticsearch_is_503_with_retry_after():
    with api(Unreachable()) as client:
        for path in ("/v1/facilities?zip=22902", "/v1/facilities.csv", "/v1/facilities/0000000000000000",
                     "/v1/states"):
            response = client.get(path)
            assert response.status_code == 503 and response.headers["retry-after"] == "5", path
            assert "temporarily unavailable" in response.json()["detail"]
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json() == {"status": "unavailable"}
        assert client.get("/healthz").json() == {"status": "ok"}


def test_bad_parameters_are_422_naming_them_before_any_search():
    with api(Replay([])) as client:  # any call to Elasticsearch would fail the test
        level = client.get("/v1/facilities.csv", params={"level": "detox_spa"})
        assert level.status_code == 422 and level.json()["message"].startswith("level.0: Input should be")
        assert client.get("/v1/facilities/not-an-id").status_code == 422
        unknown = client.get("/v1/geocode", params={"zip": "00000"})
        assert unknown.status_code == 422 and unknown.json()["message"] == "zip: unknown ZIP code 00000"


def test_routes_without_elasticsearch():
    with api(Replay([])) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/v1/geocode", params={"zip": "22902"}).json()["city"] == "Charlottesville"
        groups = client.get("/v1/taxonomy").json()["groups"]
        assert [g["param"] for g in groups] == list(FILTER_GROUPS)
        iop = next(v for v in groups[0]["values"] if v["value"] == "iop")
        assert iop["label"] == "Intensive outpatient (IOP)" and "9 hours" in iop["description"]


def test_over_the_rate_limit_is_429_and_overload_is_shed():
    with api(Replay([]), rate_limit_per_minute=1) as client:
        assert client.get("/v1/geocode", params={"zip": "22902"}).status_code == 200
        limited = client.get("/v1/geocode", params={"zip": "22902"})
        assert limited.status_code == 429 and 1 <= int(limited.headers["retry-after"]) <= 60
        assert limited.json() == {"detail": "too many searches from this client; please wait a moment"}
        assert limited.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    with api(Replay([]), max_in_flight=0) as client:
        shed = client.get("/v1/taxonomy")
        assert shed.status_code == 503 and shed.headers["retry-after"] == "1"
        assert shed.json() == {"detail": "the service is busy; please try again in a moment"}
        assert client.get("/healthz").status_code == 200


def test_every_filter_group_is_a_parameter_with_its_values():
    with api(Replay([])) as client:
        schema = client.get("/openapi.json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/v1/facilities"]["get"]["parameters"]}
    for param, group in FILTER_GROUPS.items():
        assert parameters[param]["description"] == group.help
        enum = schema["components"]["schemas"][f"{param.title()}Value"]["enum"]
        assert enum == list(group.values)


def test_therapy_filter_from_parameter_to_facet():
    """A group declared in facility.filter_groups and nowhere else."""
    assert group_clause("therapy", ("cbt",)) == {"terms": {"therapies": ["cbt"]}}
    body = replayed("search_by_therapy").json()
    assert body["total"] > 0 and body["query"]["filters"] == {"therapy": ["trauma_counseling"], "state": ["VT"]}
    facet = body["facets"]["therapy"]
    assert facet["label"] == "Therapies and approaches"
    chosen = next(v for v in facet["values"] if v["value"] == "trauma_counseling")
    assert chosen == {"value": "trauma_counseling", "label": "Trauma-related counseling", "count": body["total"],
                      "selected": True}
    with api(Replay([])) as client:
        bad = client.get("/v1/facilities", params={"therapy": "astrology"})
    assert bad.status_code == 422 and "'cbt'" in bad.json()["message"]
