"""Bad parameters are 422s that name the parameter; none reaches Elasticsearch."""

import pytest
from fastapi.testclient import TestClient

from facility.elasticsearch_access import Access
from iopfinder.elasticsearch_node import free_port
from search_api.main import create_app
from search_api.params import encode_cursor
from search_api.settings import ApiSettings


@pytest.fixture(scope="module")
def offline_api():
    # Validation happens before any search: an address where nothing listens proves it.
    settings = ApiSettings(elasticsearch=Access((f"http://127.0.0.1:{free_port()}",)))
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize("params, param, words", [
    ({"lat": 91, "lon": 0}, "lat", "less than or equal to 90"),
    ({"lat": -90.5, "lon": 0}, "lat", "greater than or equal to -90"),
    ({"lat": 0, "lon": 181}, "lon", "less than or equal to 180"),
    ({"lat": "north", "lon": 0}, "lat", "valid number"),
    ({"lat": 38}, "lon", "lon is required together with lat"),
    ({"lon": -78}, "lat", "lat is required together with lon"),
    ({"zip": "22902", "radius_mi": 0.5}, "radius_mi", "greater than or equal to 1"),
    ({"zip": "22902", "radius_mi": 501}, "radius_mi", "less than or equal to 500"),
    ({"size": 0}, "size", "greater than or equal to 1"),
    ({"size": 101}, "size", "less than or equal to 100"),
    ({"level": "detox_spa"}, "level", "'iop'"),
    ({"payment": "bitcoin"}, "payment", "'medicaid'"),
    ({"state": "ZZ"}, "state", "'VA'"),
    ({"zip": "00000"}, "zip", "unknown ZIP code 00000"),
    ({"zip": "2290"}, "zip", "should match pattern"),
    ({"zip": "22902", "lat": 38, "lon": -78}, "zip", "either zip or lat and lon"),
    ({"q": "x" * 201}, "q", "at most 200 characters"),
    ({"sort": "distance"}, "sort", "needs a point: lat and lon, zip, place or near"),
    ({"near": "Blue Ridge"}, "near", "should match pattern"),
    ({"sort": "price"}, "sort", "'distance'"),
    ({"page": 501, "size": 20}, "page", "follow next_cursor"),
    ({"code": "XYZ"}, "code", "'OIT'"),
    ({"code": "oit"}, "code", "'OIT'"),
    ({"match_all": "insurance"}, "match_all", "'payment'"),
    ({"service": "massage"}, "service", "'group_counseling'"),
    ({"place": ""}, "place", "at least 1 character"),
    ({"place": "   "}, "place", "empty"),
    ({"place": "Qwxzv, VA"}, "place", "closest"),
    ({"place": "Boston", "zip": "22902"}, "place", "one of place, zip"),
    ({"place": "95, -78"}, "place", "latitude"),
    ({"cursor": "not-a-cursor"}, "cursor", "malformed cursor"),
    ({"cursor": encode_cursor("name", ["a", "b"]), "page": 2}, "cursor", "either page or cursor"),
    ({"cursor": encode_cursor("distance", [1.5, "b"])}, "cursor", "belongs to sort=distance"),
    ({"cursor": encode_cursor("name", [{"$x": 1}, "b"])}, "cursor", "malformed cursor"),
])
def test_bad_parameters_are_422_naming_the_parameter(offline_api, params, param, words):
    for path in ("/v1/facilities", "/v1/facilities.csv", "/v1/facilities.ndjson"):
        response = offline_api.get(path, params=params)
        assert response.status_code == 422, response.text
        body = response.json()
        assert param in [e["loc"][1] for e in body["detail"]]
        assert words in body["message"] and body["message"].startswith(param)


def test_elasticsearch_unreachable_is_503_with_retry_after(offline_api):
    response = offline_api.get("/v1/facilities", params={"zip": "22902"})
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert offline_api.get("/healthz").status_code == 200
    assert offline_api.get("/readyz").status_code == 503


def test_cross_origin_reads_only_for_configured_sites():
    settings = ApiSettings(elasticsearch=Access((f"http://127.0.0.1:{free_port()}",)),
                           cors_origins=("https://iopfinder.example",), rate_limit_per_minute=1)
    with TestClient(create_app(settings)) as client:
        allowed = client.get("/healthz", headers={"Origin": "https://iopfinder.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://iopfinder.example"
        other = client.get("/healthz", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
        for expected in (503, 429):  # Elasticsearch unreachable, then over the rate limit of 1
            refused = client.get("/v1/facilities", headers={"Origin": "https://iopfinder.example"})
            assert refused.status_code == expected
            assert refused.headers["access-control-allow-origin"] == "https://iopfinder.example"
        preflight = client.options("/v1/facilities", headers={"Origin": "https://iopfinder.example",
                                                              "Access-Control-Request-Method": "DELETE"})
        assert preflight.status_code == 400


@pytest.mark.parametrize("nodes, retried", [(1, False), (3, True)])
def test_a_timeout_is_retried_on_another_node_of_a_cluster_only(nodes, retried):
    urls = tuple(f"http://127.0.0.1:{free_port()}" for _ in range(nodes))
    with TestClient(create_app(ApiSettings(elasticsearch=Access(urls)))) as client:
        assert client.app.state.es._retry_on_timeout is retried  # the option every request is sent with
