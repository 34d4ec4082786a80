import orjson

from indexer.documents import document_json, stored_record
from tests.facility.factories import make_facility


def test_abbreviated_names_are_stored_spelled_out_for_search():
    record = make_facility(name="Region Ten CSB Outpt Trt Ctr", name2="Adol Prog")
    document = orjson.loads(document_json(record))
    assert document["names_expanded"] == ("region ten csb outpatient treatment center / adolescent program")
    assert stored_record(document) == record


def test_names_without_abbreviations_add_nothing():
    record = make_facility(name="Blue Ridge Recovery")
    assert document_json(record) == record.model_dump_json().encode()
