"""The band check as data: which searches follow from which responses."""

from geopy.distance import geodesic

from search_api.band import searches
from search_api.query import Point, Search

CVILLE = Point(38.03, -78.48)


def member(doc_id: str, miles_north: float) -> dict:
    point = geodesic(miles=miles_north).destination((CVILLE.lat, CVILLE.lon), bearing=0)
    return {"fields": {"id": [doc_id], "location": [f"{point.latitude}, {point.longitude}"]}}


def response(members: list[dict], doc_count: int | None = None) -> dict:
    band = {"doc_count": len(members) if doc_count is None else doc_count, "members": {"hits": {"hits": members}}}
    return {"hits": {"hits": [], "total": {"value": 0}}, "aggregations": {"band": {"buckets": [band]},
                                                                          "counted_0": {}}}


def converse(search: Search, responses: list[dict], facets: bool = False) -> tuple[list[dict], Search, dict]:
    """Drive the conversation with the given responses, in order; the bodies it asked for."""
    conversation = searches(search, facets=facets)
    bodies, answers = [next(conversation)], iter(responses)
    try:
        while True:
            bodies.append(conversation.send(next(answers)))
    except StopIteration as done:
        return bodies, *done.value


def test_without_a_point_one_search():
    bodies, search, _ = converse(Search(filters={"level": ("iop",)}), [{"hits": {}, "aggregations": {}}])
    assert len(bodies) == 1 and search.inside_band is None


def test_band_all_inside_one_search_stands():
    first = response([member("in1", 24.9), member("in2", 24.99)])
    bodies, search, answer = converse(Search(point=CVILLE, radius_mi=25, sort="distance"), [first])
    assert len(bodies) == 1 and answer is first
    assert "band" not in answer["aggregations"]  # never read as a facet


def test_a_member_outside_means_a_second_search_with_the_inside_ones():
    first = response([member("in", 24.9), member("out", 25.1)])
    bodies, search, answer = converse(Search(point=CVILLE, radius_mi=25, sort="distance"), [first, {"again": 1}])
    assert len(bodies) == 2 and answer == {"again": 1}
    assert search.inside_band == ("in",)
    should = bodies[1]["query"]["bool"]["filter"][0]["bool"]["should"]
    assert should[0]["geo_distance"]["distance"] == "24.75mi" and should[1] == {"ids": {"values": ["in"]}}
    assert "band" not in bodies[1].get("aggs", {})


def test_a_band_larger_than_returned_is_fetched_whole():
    first = response([member("in", 24.9)], doc_count=150)
    whole = {"hits": {"hits": [member("in", 24.9), member("out", 25.2), member("in3", 25.0 - 1e-6)]}}
    bodies, search, _ = converse(Search(point=CVILLE, radius_mi=25, sort="distance"), [first, whole, {}])
    assert bodies[1]["size"] == 10_000 and "aggs" not in bodies[1]
    assert search.inside_band == ("in", "in3")
    assert len(bodies) == 3


def test_with_facets_the_band_is_checked_first_and_counted_once():
    search = Search(point=CVILLE, radius_mi=25, sort="distance")
    bodies, ran, answer = converse(search, [response([member("in", 24.9), member("out", 25.1)]), {"final": 1}],
                                   facets=True)
    assert bodies[0]["size"] == 0 and list(bodies[0]["aggs"]) == ["band"]
    assert ran.inside_band == ("in",) and answer == {"final": 1}
    assert "band" not in bodies[1]["aggs"] and any(name.startswith("counted_") for name in bodies[1]["aggs"])
    bodies, ran, _ = converse(search, [response([member("in", 24.9)]), {}], facets=True)  # all inside
    assert ran.inside_band is None and "band" not in bodies[1]["aggs"]
    assert bodies[1]["query"]["bool"]["filter"][0]["geo_distance"]["distance"] == "25.25mi"  # the whole band


def hits(total: int) -> dict:
    return {"hits": {"hits": [], "total": {"value": total}}, "aggregations": {}}


def test_text_is_searched_as_typed_and_forgiving_typos_only_when_that_finds_too_few():
    bodies, search, _ = converse(Search(text="hope", sort="relevance"), [hits(20)])
    assert len(bodies) == 1 and not search.forgive_typos
    assert "fuzziness" not in str(bodies[0])
    bodies, search, answer = converse(Search(text="hpoe", sort="relevance"), [hits(19), hits(40)])
    assert len(bodies) == 2 and search.forgive_typos and answer["hits"]["total"]["value"] == 40
    assert "fuzziness" not in str(bodies[0]) and "'fuzziness': 'AUTO'" in str(bodies[1])
