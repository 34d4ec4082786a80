"""Searching by place name, and by text that forgives typos and SAMHSA's abbreviations, against the
imported 2022 records: the resolved point is near the place's known centre, and the IOPs around
it are exactly those a brute-force geodesic search finds."""

import re

import pytest
from geopy.distance import geodesic

from tests.search_api.brute_force import select, within
from tests.search_api.test_correctness import fetch_all

pytestmark = pytest.mark.integration

# Place as typed → a well-known centre of the place meant (city hall or downtown).
CITIES = {
    "Boston, MA": (42.3601, -71.0589),
    "boston ma": (42.3601, -71.0589),
    "Charlottesville": (38.0293, -78.4767),
    "Charlottesvile, VA": (38.0293, -78.4767),  # misspelled
    "Worcester, MA": (42.2626, -71.8023),
    "Denver": (39.7392, -104.9903),
    "Seattle, WA": (47.6062, -122.3321),
    "Austin, TX": (30.2672, -97.7431),
    "Chicago": (41.8781, -87.6298),
    "Miami, FL": (25.7617, -80.1918),
    "Portland, ME": (43.6591, -70.2568),
    "Albuquerqe": (35.0844, -106.6504),  # misspelled
    "San Juan, PR": (18.4655, -66.1057),
}
SPRINGFIELDS = [(42.1015, -72.5898), (39.7817, -89.6501), (37.2090, -93.2923), (39.9242, -83.8088)]


def iop_around(api, records: list[dict], place: str, radius_mi: float = 25) -> tuple[dict, set[str], set[str]]:
    """The query echo, the ids served, and the ids brute force finds around the resolved point."""
    total, items, _ = fetch_all(api, {"place": place, "level": "iop", "radius_mi": radius_mi})
    echo = api.get("/v1/facilities", params={"place": place, "level": "iop", "size": 1}).json()["query"]
    point = echo["point"]
    expected = within(select(records, {"level": ["iop"]}), point["lat"], point["lon"], radius_mi)
    assert total == len(items)
    return echo, {item["id"] for item in items}, set(expected)


@pytest.mark.parametrize("place, centre", CITIES.items())
def test_a_city_is_searched_around_its_centre(api, records_2022, place, centre):
    echo, served, expected = iop_around(api, records_2022, place)
    point = echo["point"]
    assert geodesic((point["lat"], point["lon"]), centre).miles <= 10, echo
    assert echo["place"]["kind"] == "city" and point["source"] == "place"
    assert served == expected and served, place


def test_a_misspelled_city_says_what_it_was_corrected_from(api, records_2022):
    echo, _, _ = iop_around(api, records_2022, "Charlottesvile, VA")
    assert echo["corrected_from"] == "Charlottesvile, VA" and echo["place"]["name"] == "Charlottesville, VA"
    assert iop_around(api, records_2022, "Charlottesville, VA")[0]["corrected_from"] is None


def test_an_ambiguous_city_resolves_to_one_and_lists_the_others(api, records_2022):
    echo, served, expected = iop_around(api, records_2022, "Springfield", radius_mi=40)
    point = (echo["point"]["lat"], echo["point"]["lon"])
    assert min(geodesic(point, centre).miles for centre in SPRINGFIELDS) <= 10
    states = {place["state"] for place in echo["alternatives"]}
    assert len(states) >= 2 and echo["place"]["state"] not in states
    assert all(place["name"].startswith("Springfield, ") for place in echo["alternatives"])
    assert served == expected and served


def test_a_state_is_searched_whole(api, records_2022):
    total, items, _ = fetch_all(api, {"place": "virginia", "level": "iop"})
    expected = {r["id"] for r in select(records_2022, {"level": ["iop"], "state": ["VA"]})}
    assert {item["id"] for item in items} == expected and total == len(expected)


@pytest.mark.parametrize("pasted", ["38.03, -78.48", "38°01'48\"N 78°28'48\"W"])
def test_pasted_coordinates_are_searched_around(api, records_2022, pasted):
    echo, served, expected = iop_around(api, records_2022, pasted)
    assert echo["place"]["kind"] == "coordinates"
    assert geodesic((echo["point"]["lat"], echo["point"]["lon"]), (38.03, -78.48)).miles < 0.1
    assert served == expected and served


def test_an_unknown_place_is_422_suggesting_close_names(api):
    response = api.get("/v1/facilities", params={"place": "Charlottesvilleeee, VA"})
    assert response.status_code == 422
    assert "Charlottesville, VA" in response.json()["message"]


def test_place_suggestions_start_with_the_prefix(api):
    places = api.get("/v1/places", params={"prefix": "charl"}).json()["places"]
    names = [place["name"] for place in places]
    assert "Charlotte, NC" in names and "Charlottesville, VA" in names
    assert all(name.lower().startswith("charl") for name in names)
    assert api.get("/v1/places", params={"prefix": ""}).status_code == 422


def test_text_with_a_typo_finds_the_city(api, records_2022):
    in_city = {r["id"] for r in records_2022 if r["address"]["city"].lower() == "charlottesville"}
    total, items, _ = fetch_all(api, {"q": "charlottesvile"})
    assert in_city <= {item["id"] for item in items}


def test_text_with_a_typo_finds_the_facility_first(api, records_2022):
    named = [r for r in records_2022 if r["name"] == "Region Ten Community Services Board"]
    assert named
    for typed in ("Region Ten Community Services Board", "Regoin Ten Community Services Board",
                  "Region Ten Comunity Services Board", "region ten community servises board"):
        body = api.get("/v1/facilities", params={"q": typed, "size": len(named) + 5}).json()
        first = {item["id"] for item in body["results"][:len(named)]}
        assert any(r["id"] in first for r in named), typed


def test_treatment_center_finds_trt_ctr_names(api, records_2022):
    abbreviated = {r["id"] for r in records_2022
                   if re.search(r"\btrt\b", r["name"], re.I) and re.search(r"\bctr\b", r["name"], re.I)}
    assert abbreviated
    total, items, _ = fetch_all(api, {"q": "treatment center"})
    assert abbreviated <= {item["id"] for item in items}


def test_the_exact_name_comes_first(api, records_2022):
    name = "Anniston Fellowship House Inc"
    for typed in (name, "anniston fellowship house inc", "Aniston Fellowship House Inc"):
        body = api.get("/v1/facilities", params={"q": typed, "size": 3}).json()
        assert body["results"][0]["name"] == name, typed
