"""HSDS 3.1's tables as the specification describes them (indexer/hsds_package.py), read in place from
../shared/hsds: columns, types and keys, and nested objects flattened into rows."""

import pytest

from indexer.hsds_package import SPECIFICATION, Flattener, SpecificationError, foreign_keys, load_tables


@pytest.fixture(scope="module")
def tables():
    return load_tables(SPECIFICATION)


def test_every_table_of_the_specification_with_its_scalar_columns_in_order(tables):
    assert len(tables) == 21 and list(tables)[:3] == ["organization", "program", "service"]
    assert tables["service_at_location"].path == "service_at_location.csv"  # as the specification names it
    service = tables["service"]
    assert service.columns[:4] == ("id", "organization_id", "program_id", "name")
    assert not {"phones", "organization", "attributes", "metadata"} & set(service.columns)
    fields = {field["name"]: field for field in service.fields}
    assert fields["id"] | {"description": None, "title": None} == {
        "name": "id", "type": "string", "format": "uuid", "title": None, "description": None,
        "constraints": {"required": True, "unique": True}}
    assert (fields["assured_date"]["type"], fields["last_modified"]["type"]) == ("date", "datetime")
    assert "format" not in fields["last_modified"]  # its JSON format (date-time) is no Table Schema format
    assert fields["status"]["constraints"]["enum"] == ["active", "inactive", "defunct", "temporarily closed"]
    assert fields["organization_id"]["constraints"]["required"]  # tabular_required
    assert not fields["description"]["constraints"]["required"]
    # a required text column reads an empty cell as empty text; other columns as a missing value
    previous = next(f for f in tables["metadata"].fields if f["name"] == "previous_value")
    assert previous["missingValues"] == [] and "missingValues" not in fields["id"]
    assert service.resource == {"name": "service", "path": "services.csv", "format": "csv", "mediatype": "text/csv",
                                "profile": "tabular-data-resource",
                                "description": "The details of the services provided by organizations to a "
                                               "range of different groups."}


def test_foreign_keys_follow_the_specifications_rule(tables):
    keys = {name: {key["fields"]: key["reference"]["resource"] for key in found}
            for name, found in foreign_keys(tables).items()}
    assert keys["service"] == {"organization_id": "organization", "program_id": "program"}
    assert keys["service_at_location"] == {"service_id": "service", "location_id": "location"}
    assert keys["attribute"] == {"taxonomy_term_id": "taxonomy_term"}  # link_id points at any table
    assert keys["metadata"] == {} and keys["organization"] == {}
    assert keys["taxonomy_term"] == {"taxonomy_id": "taxonomy"}
    assert keys["phone"] == {"organization_id": "organization", "service_id": "service", "location_id": "location",
                             "service_at_location_id": "service_at_location", "contact_id": "contact"}
    assert all(key["reference"]["fields"] == "id" for found in foreign_keys(tables).values() for key in found)


def test_nested_objects_become_rows_of_their_tables_pointing_at_what_nests_them(tables):
    organization = {"id": "org-1", "name": "Harbor", "description": "A facility."}
    service = {
        "id": "svc-1", "name": "IOP", "status": "active", "organization": organization,
        "schedules": [{"id": "sch-1", "byday": "MO,WE", "attributes": [{"id": "att-2", "taxonomy_term_id": "t-1"}]}],
        "service_at_locations": [{"id": "sal-1", "location": {
            "id": "loc-1", "location_type": "physical", "addresses": [{"id": "adr-1", "city": "Boston"}]}}],
        "metadata": [{"id": "meta-1", "field_name": "source"}],
    }
    flattener = Flattener(tables)
    rows = [(table.name, row) for table, row in flattener.rows("service", service)]
    assert [(name, row["id"]) for name, row in rows] == [  # in the order of schema/service.json's properties
        ("service", "svc-1"), ("schedule", "sch-1"), ("attribute", "att-2"), ("service_at_location", "sal-1"),
        ("location", "loc-1"), ("address", "adr-1"), ("organization", "org-1"), ("metadata", "meta-1")]
    found = dict(rows)
    assert found["service"]["organization_id"] == "org-1"  # the one object it nests
    assert found["schedule"]["service_id"] == "svc-1" and found["address"]["location_id"] == "loc-1"
    assert (found["service_at_location"]["service_id"], found["service_at_location"]["location_id"]) == (
        "svc-1", "loc-1")
    assert (found["attribute"]["link_id"], found["attribute"]["link_entity"]) == ("sch-1", "schedule")
    assert (found["metadata"]["resource_id"], found["metadata"]["resource_type"]) == ("svc-1", "service")
    assert list(found["address"]) == list(tables["address"].columns) and found["address"]["region"] is None

    # The same organization and location under another service are rows once; the service's own rows are new.
    again = {**service, "id": "svc-2", "schedules": [], "metadata": [],
             "service_at_locations": [{"id": "sal-2", "location": service["service_at_locations"][0]["location"]}]}
    assert [(table.name, row["id"]) for table, row in flattener.rows("service", again)] == [
        ("service", "svc-2"), ("service_at_location", "sal-2")]


def test_given_keys_are_kept(tables):
    attribute = {"id": "att-1", "link_id": "svc-9", "link_entity": "service", "taxonomy_term_id": "t-1"}
    (_, row), = Flattener(tables).rows("attribute", attribute, parent=("location", "loc-1"))
    assert (row["link_id"], row["link_entity"]) == ("svc-9", "service")


def test_a_missing_specification_is_an_error_naming_where_it_looked(tmp_path):
    with pytest.raises(SpecificationError, match=f"cannot read the HSDS specification in {tmp_path} "
                                                 r"\(FileNotFoundError"):
        load_tables(tmp_path)
