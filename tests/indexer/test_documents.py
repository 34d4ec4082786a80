import orjson

from facility.hsds import object_ids
from indexer.documents import document_json, stored_record
from tests.facility.factories import make_facility


def test_abbreviated_names_are_stored_spelled_out_for_search():
    record = make_facility(name="Region Ten CSB Outpt Trt Ctr", name2="Adol Prog")
    document = orjson.loads(document_json(record))
    assert document["names_expanded"] == ("region ten csb outpatient treatment center / adolescent program")
    assert stored_record(document) == record


def test_names_without_abbreviations_add_no_spelled_out_names():
    record = make_facility(name="Blue Ridge Recovery")
    document = orjson.loads(document_json(record))
    assert "names_expanded" not in document
    assert {k: v for k, v in document.items() if k not in ("hsds_ids", "facet_values")} == \
        orjson.loads(record.model_dump_json())


def test_the_ids_of_the_facilitys_hsds_objects_are_stored_for_search():
    record = make_facility(levels_of_care=["iop", "outpatient"])
    document = orjson.loads(document_json(record))
    assert document["hsds_ids"] == object_ids(record.model_dump(mode="json")) and len(document["hsds_ids"]) == 6
    assert stored_record(document) == record


def test_every_faceted_value_is_stored_for_counting():
    record = make_facility(levels_of_care=["iop", "outpatient"], payment=["medicaid"], telehealth=True,
                           service_codes=["DAOF", "GCO"])
    values = set(orjson.loads(document_json(record))["facet_values"])
    assert {"level:iop", "level:outpatient", "payment:medicaid", "service:telehealth", "service:drug_testing",
            "service:group_counseling"} <= values
    assert not any(value.startswith(("code:", "service:detox")) for value in values)
