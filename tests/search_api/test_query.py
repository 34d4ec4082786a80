"""Query clauses as data: no Elasticsearch needed."""

from datetime import date

from search_api.query import (LISTED_ONLY, Point, Search, band_aggregation, band_query, facet_aggregations,
                              group_clause, main_query, selections, radius_clause, search_body, search_key,
                              sort_clause, text_clause)

CVILLE = Point(38.03, -78.48)


def test_text_is_matched_never_parsed_as_query_syntax():
    clause = text_clause('name:"x" OR *')["bool"]
    fuzzy = clause["must"][0]["multi_match"]
    assert fuzzy["query"] == 'name:"x" OR *' and fuzzy["operator"] == "and"
    assert fuzzy["fields"] == ["name^3", "name2^2", "address.city^1", "names_expanded^1"]
    assert text_clause(None) is None and text_clause("") is None
    assert "query_string" not in str(search_body(Search(text="a AND b")))


def test_text_forgives_typos_but_ranks_the_words_as_typed_and_the_exact_name_first():
    clause = text_clause("Region Ten CSB")["bool"]
    assert clause["must"][0]["multi_match"]["fuzziness"] == "AUTO"
    assert "fuzziness" not in clause["should"][0]["multi_match"]
    assert clause["should"][1] == {"term": {"name.sort": {"value": "region ten csb", "boost": 10.0}}}


def test_radius_counts_the_band_until_it_is_checked():
    assert radius_clause(None, 25, None) is None
    assert radius_clause(CVILLE, 25, None) == {
        "geo_distance": {"distance": "25.25mi", "location": {"lat": 38.03, "lon": -78.48}}}
    assert radius_clause(CVILLE, 25, ()) == {
        "geo_distance": {"distance": "24.75mi", "location": {"lat": 38.03, "lon": -78.48}}}
    clause = radius_clause(CVILLE, 25, ("a1", "b2"))
    assert clause["bool"]["should"][1] == {"ids": {"values": ["a1", "b2"]}}
    band = band_query(CVILLE, 25)["bool"]
    assert band["filter"][0]["geo_distance"]["distance"] == "25.25mi"
    assert band["must_not"][0]["geo_distance"]["distance"] == "24.75mi"
    unchecked = search_body(Search(point=CVILLE, sort="distance"), facets=False)
    assert unchecked["aggs"] == {"band": band_aggregation(Search(point=CVILLE))}
    assert unchecked["aggs"]["band"]["geo_distance"]["ranges"] == [{"from": 24.75 * (1 - 1e-6)}]
    assert band_aggregation(Search(point=CVILLE, inside_band=())) is None
    assert band_aggregation(Search()) is None


def test_match_all_ands_a_groups_values():
    assert group_clause("payment", ("medicaid", "medicare"), match_all=True) == {"bool": {"filter": [
        {"term": {"payment": "medicaid"}}, {"term": {"payment": "medicare"}}]}}
    assert group_clause("code", ("OIT", "ODT"), match_all=True) == {"bool": {"filter": [
        {"term": {"service_codes": "OIT"}}, {"term": {"service_codes": "ODT"}}]}}
    assert group_clause("service", ("telehealth", "drug_testing"), match_all=True) == {"bool": {"filter": [
        {"term": {"telehealth": True}}, {"terms": {"service_codes": ["DAUT", "DAOF", "BABA"]}}]}}
    search = Search(filters={"payment": ("medicaid", "medicare"), "level": ("iop", "php")},
                    match_all=frozenset({"payment"}))
    assert selections(search) == {"bool": {"filter": [
        group_clause("payment", ("medicaid", "medicare"), match_all=True),
        {"terms": {"levels_of_care": ["iop", "php"]}}]}}


def test_codes_filter_but_are_not_counted_in_facets():
    assert group_clause("code", ("OIT", "MD")) == {"terms": {"service_codes": ["OIT", "MD"]}}
    counted = [value for aggregation in facet_aggregations(Search(filters={"code": ("OIT",)})).values()
               for value in aggregation["aggs"]["values"]["terms"]["include"]]
    assert "level:iop" in counted and not any(value.startswith("code:") for value in counted)


def test_a_state_place_is_searched_whole():
    assert main_query(Search(in_state="VA")) == {"bool": {"filter": [{"term": {"address.state": "VA"}},
                                                                     LISTED_ONLY]}}


def test_retired_facilities_are_left_out_unless_asked_for_and_a_date_keeps_the_changed():
    assert main_query(Search()) == {"bool": {"filter": [LISTED_ONLY]}}
    assert main_query(Search(include_retired=True)) == {"match_all": {}}
    assert main_query(Search(include_retired=True, modified_after=date(2022, 1, 1))) == {
        "bool": {"filter": [{"range": {"modified_on": {"gt": "2022-01-01"}}}]}}
    assert search_key(Search()) != search_key(Search(include_retired=True))
    assert search_key(Search()) != search_key(Search(modified_after=date(2022, 1, 1)))


def test_or_within_a_group_and_across_groups():
    assert group_clause("payment", ("medicaid", "private")) == {"terms": {"payment": ["medicaid", "private"]}}
    assert group_clause("state", ("VA",)) == {"terms": {"address.state": ["VA"]}}
    assert group_clause("level", ()) is None
    assert group_clause("service", ("telehealth",)) == {"term": {"telehealth": True}}
    assert group_clause("service", ("telehealth", "mat_methadone")) == {"bool": {"should": [
        {"term": {"telehealth": True}}, {"term": {"opioid_medications": "methadone"}}],
        "minimum_should_match": 1}}
    search = Search(filters={"payment": ("medicaid",), "level": ("iop",)})
    assert selections(search) == {"bool": {"filter": [{"terms": {"payment": ["medicaid"]}},
                                                       {"terms": {"levels_of_care": ["iop"]}}]}}
    assert selections(Search()) is None


def counted_under(aggs: dict, param: str) -> dict:
    return next(aggregation for aggregation in aggs.values()
                if any(value.startswith(f"{param}:") for value in aggregation["aggs"]["values"]["terms"]["include"]))


def test_each_facet_ignores_its_own_selection():
    aggs = facet_aggregations(Search(filters={"payment": ("medicaid",), "level": ("iop",)}))
    assert counted_under(aggs, "payment")["filter"] == {"bool": {"filter": [{"terms": {"levels_of_care": ["iop"]}}]}}
    assert counted_under(aggs, "level")["filter"] == {"bool": {"filter": [{"terms": {"payment": ["medicaid"]}}]}}
    assert counted_under(aggs, "age")["filter"]["bool"]["filter"] == [{"terms": {"payment": ["medicaid"]}},
                                                                      {"terms": {"levels_of_care": ["iop"]}}]
    terms = counted_under(aggs, "language")["aggs"]["values"]["terms"]
    assert terms["field"] == "facet_values" and {"language:spanish", "service:telehealth"} <= set(terms["include"])
    assert terms["size"] == len(terms["include"])  # every value counted: exact counts


def test_groups_sharing_a_filter_are_counted_under_one_aggregation():
    # two selections: their own two filters, and one shared by every group without a selection
    aggs = facet_aggregations(Search(filters={"payment": ("medicaid",), "level": ("iop",)}))
    assert len(aggs) == 3 and counted_under(aggs, "age") is counted_under(aggs, "state")
    assert len(facet_aggregations(Search())) == 1


def test_without_facets_the_selections_narrow_the_query():
    search = Search(text="hope", filters={"payment": ("medicaid",)})
    counted, plain = search_body(search), search_body(search, facets=False)
    assert counted["post_filter"] == selections(search) and counted["query"] == main_query(search)
    assert "post_filter" not in plain
    assert plain["query"] == {"bool": {"must": [main_query(search)], "filter": [selections(search)]}}


def test_sorts_end_with_a_unique_tiebreaker():
    assert sort_clause(Search(sort="name")) == [{"name.sort": "asc"}, {"id": "asc"}]
    assert sort_clause(Search(sort="relevance")) == [{"_score": "desc"}, {"id": "asc"}]
    distance = sort_clause(Search(point=CVILLE, sort="distance"))[0]["_geo_distance"]
    assert distance["unit"] == "mi" and distance["location"] == {"lat": 38.03, "lon": -78.48}


def test_body_pages_by_offset_or_cursor():
    assert search_body(Search(size=20, offset=40))["from"] == 40
    assert search_body(Search(size=20, offset=40))["size"] == 20
    after = search_body(Search(size=20, after=(3.2, "abc")))
    assert after["search_after"] == [3.2, "abc"] and after["size"] == 21 and "from" not in after
    assert "aggs" not in search_body(Search(), facets=False)
    with_text = main_query(Search(point=CVILLE, text="hope"))
    assert with_text["bool"]["must"][0] == text_clause("hope", forgive_typos=False)
    assert "geo_distance" in with_text["bool"]["filter"][0]
