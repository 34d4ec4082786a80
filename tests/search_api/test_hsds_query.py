"""The HSDS API's bodies and pages as data (search_api/hsds.py)."""

from datetime import datetime, timezone

from facility.hsds import level_order
from indexer.documents import SEARCH_ONLY_FIELDS
from search_api.hsds import HsdsQuery, facility_query, level_counts, page, page_slices, slice_body


def test_a_page_is_a_slice_of_one_level_or_the_end_of_one_and_the_start_of_the_next():
    counts = [("outpatient", 5), ("residential", 3), ("iop", 4)]
    assert page_slices(counts, 0, 2) == [("outpatient", 0, 2)]
    assert page_slices(counts, 4, 3) == [("outpatient", 4, 1), ("residential", 0, 2)]
    assert page_slices(counts, 5, 10) == [("residential", 0, 3), ("iop", 0, 4)]
    assert page_slices(counts, 12, 5) == []
    every = [s for n in range(0, 12, 5) for s in page_slices(counts, n, 5)]
    assert sum(size for _, _, size in every) == 12  # pages in a row cover every service once


def test_a_level_of_care_term_lists_only_its_level_any_other_term_every_level():
    assert HsdsQuery(code="OIT").levels == ("iop",)
    assert HsdsQuery(code="RL").levels == ("residential",)
    assert HsdsQuery(code="MD").levels == HsdsQuery().levels == level_order()
    counted = {"aggregations": {"levels": {"buckets": [{"key": "iop", "doc_count": 7},
                                                       {"key": "outpatient", "doc_count": 2}]}}}
    assert level_counts(HsdsQuery(), counted) == sorted([("outpatient", 2), ("iop", 7)],
                                                        key=lambda pair: level_order().index(pair[0]))


def test_filters_become_clauses_and_text_only_reaches_multi_match():
    since = datetime(2024, 5, 1, tzinfo=timezone.utc)
    query = facility_query(HsdsQuery(search="hope \" OR *", code="OIT", organization_id="abc", modified_after=since,
                                     postcode="22902"))
    assert {"term": {"service_codes": "OIT"}} in query["bool"]["filter"]
    assert {"term": {"hsds_ids": "abc"}} in query["bool"]["filter"]
    assert {"range": {"updated_at": {"gte": "2024-05-01T00:00:00+00:00"}}} in query["bool"]["filter"]
    assert {"term": {"address.zip": "22902"}} in query["bool"]["filter"]
    assert "query_string" not in str(query) and "multi_match" in str(query["bool"]["must"])


def test_near_a_postcode_filters_by_distance_and_sorts_nearest_first():
    ask = HsdsQuery(postcode="22902", near=(38.03, -78.48), proximity_m=5000, page=3, per_page=10)
    body = slice_body(ask, "iop", ask.offset, ask.per_page, full=False)
    assert {"geo_distance": {"distance": "5000m", "location": {"lat": 38.03, "lon": -78.48}}} in \
        body["query"]["bool"]["filter"]
    assert {"term": {"levels_of_care": "iop"}} in body["query"]["bool"]["filter"]
    assert "_geo_distance" in body["sort"][0] and body["sort"][1] == {"id": "asc"} and body["from"] == 20
    assert "includes" in body["_source"] and "sources" not in body["_source"]["includes"]
    assert slice_body(ask, "iop", 0, 10, full=True)["_source"] == {"excludes": SEARCH_ONLY_FIELDS}


def test_the_page_says_where_it_is():
    assert page(HsdsQuery(page=2, per_page=5), 12, [1, 2, 3, 4, 5]) == {
        "total_items": 12, "total_pages": 3, "page_number": 2, "size": 5, "first_page": False, "last_page": False,
        "empty": False, "contents": [1, 2, 3, 4, 5]}
    assert page(HsdsQuery(), 0, [])["empty"] is True and page(HsdsQuery(), 0, [])["last_page"] is True
