from facility.identity import facility_id

BASE = ("Region Ten CSB", "Mohr Center", "1014 East Market Street", None, "Charlottesville", "VA", "22902")


def test_same_description_same_id_whatever_the_spelling():
    assert facility_id(*BASE) == facility_id(
        "REGION TEN CSB", "Mohr  Center", "1014 E. Market St", "", "charlottesville", "VA", "22902")
    assert len(facility_id(*BASE)) == 16


def test_programs_at_one_address_stay_distinct():
    other_program = BASE[:1] + ("Women's Program",) + BASE[2:]
    other_building = BASE[:3] + ("Building B",) + BASE[4:]
    ids = {facility_id(*BASE), facility_id(*other_program), facility_id(*other_building),
           facility_id(*BASE, variant="a1b2")}
    assert len(ids) == 4
