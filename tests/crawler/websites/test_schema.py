from crawler.websites.schema import schema_facts


def test_json_ld_clinic_with_graph_and_hours_specification():
    data = {"json-ld": [{"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "name": "Home"},
        {"@type": "MedicalClinic", "name": "Harbor", "telephone": ["434.555.0142", "(434) 555-0143"],
         "address": {"@type": "PostalAddress", "streetAddress": "1 Water St", "addressLocality": "Charlottesville",
                     "addressRegion": "Virginia", "postalCode": "22902-1234"},
         "geo": {"latitude": "38.03", "longitude": -78.47},
         "openingHoursSpecification": {"dayOfWeek": "https://schema.org/Saturday", "opens": "09:00:00",
                                       "closes": "12:00:00"}}]}]}
    facts = schema_facts(data)
    assert facts.name == "Harbor" and facts.phones == ["+14345550142", "+14345550143"]
    assert facts.address == {"street1": "1 Water St", "city": "Charlottesville", "state": "VA", "zip": "22902"}
    assert facts.location == {"lat": 38.03, "lon": -78.47}
    assert facts.opening_hours == ["Sa 09:00-12:00"] and facts.problems == []


def test_microdata_in_json_ld_shape():
    data = {"microdata": [{"@type": "http://schema.org/MedicalOrganization", "name": "Maple",
                           "telephone": "540-555-0199", "openingHours": "Mo-Fr 08:00-17:00"}]}
    facts = schema_facts(data)
    assert (facts.name, facts.phones, facts.opening_hours) == ("Maple", ["+15405550199"], ["Mo-Fr 08:00-17:00"])


def test_wrong_types_are_skipped_and_named():
    data = {"json-ld": [{"@type": "LocalBusiness", "name": 7, "telephone": 5405550123, "address": "1 Main St",
                         "geo": {"latitude": "north"}, "openingHours": [42, "Mo 09:00-10:00"],
                         "openingHoursSpecification": ["Monday"]},
                        {"@type": "Organization", "telephone": "12"},
                        {"@type": "Organization", "address": {"streetAddress": "1 A St", "addressLocality": " ",
                                                              "addressRegion": "VA", "postalCode": "22902"}},
                        {"@type": "Organization", "address": {"streetAddress": "1 A St", "addressLocality": "X",
                                                              "addressRegion": "Ontario", "postalCode": "K1A"}}]}
    facts = schema_facts(data)
    assert facts.name is None and facts.phones == [] and facts.address is None and facts.location is None
    assert facts.opening_hours == ["Mo 09:00-10:00"]
    assert sorted(facts.problems) == sorted([
        "schema.org name is int, not text", "schema.org telephone is int, not text",
        "schema.org address is str, not a PostalAddress", "schema.org geo has no numeric latitude and longitude",
        "schema.org openingHours is int, not text", "schema.org openingHoursSpecification is not an object",
        "schema.org telephone is not a US number", "schema.org address has no city",
        "schema.org address has a region or postal code that is not a US one"])


def test_things_that_are_not_places_are_ignored():
    assert schema_facts({"json-ld": [{"@type": "Article", "name": "News", "telephone": "434-555-0142"}]}).phones == []
