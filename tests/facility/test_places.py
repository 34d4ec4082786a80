from collections import Counter

import pytest
import zipcodes

from facility import defaults, places
from facility.geo import distance_miles, zip_point
from facility.places import PlaceNotFound, resolve, suggest, warm

# Well-known city-centre coordinates (city hall or downtown), against which each city's point
# (the mean of its ZIP points) must fall within 10 miles.
CITY_CENTRES = {
    "Boston, MA": ("Boston, MA", 42.3601, -71.0589),
    "Charlottesville, VA": ("Charlottesville, VA", 38.0293, -78.4767),
    "Worcester MA": ("Worcester, MA", 42.2626, -71.8023),
    "Denver, CO": ("Denver, CO", 39.7392, -104.9903),
    "Seattle": ("Seattle, WA", 47.6062, -122.3321),
    "Austin, TX": ("Austin, TX", 30.2672, -97.7431),
    "chicago": ("Chicago, IL", 41.8781, -87.6298),
    "Miami, FL": ("Miami, FL", 25.7617, -80.1918),
    "San Juan": ("San Juan, PR", 18.4655, -66.1057),
    "Anchorage, Alaska": ("Anchorage, AK", 61.2181, -149.9003),
    "Portland, OR": ("Portland, OR", 45.5152, -122.6784),
    "Portland, ME": ("Portland, ME", 43.6591, -70.2568),
    "St. Louis, MO": ("Saint Louis, MO", 38.6270, -90.1994),
    "Pittsburgh": ("Pittsburgh, PA", 40.4406, -79.9959),
    "Honolulu": ("Honolulu, HI", 21.3069, -157.8583),
    "Washington, DC": ("Washington, DC", 38.9072, -77.0369),
}


def zip_counts(city: str) -> Counter:
    """How many ZIP codes each state's city of this name has, straight from the zipcodes data."""
    return Counter(entry["state"] for entry in zipcodes.list_all() if entry["city"] == city)


@pytest.mark.parametrize("text", CITY_CENTRES)
def test_city_points_are_near_the_city_centre(text):
    name, lat, lon = CITY_CENTRES[text]
    place = resolve(text).place
    assert (place.name, place.kind, place.state) == (name, "city", name[-2:])
    assert distance_miles((place.lat, place.lon), (lat, lon)) < 10


@pytest.mark.parametrize(
    ("text", "zip_codes"),
    [
        # Shreveport's 23 PO-box and single-organisation ZIPs sit at the main post office, north of
        # downtown; its 12 street-delivery (STANDARD) ZIPs cover the city.
        ("Shreveport, LA", "71101 71103 71104 71105 71106 71107 71108 71109 71115 71118 71119 71129"),
        ("Stockbridge, MA", "01262 01263"),  # a PO box and a UNIQUE ZIP: no STANDARD one to prefer
    ],
)
def test_a_city_point_is_the_mean_of_its_street_delivery_zips(text, zip_codes):
    points = [zip_point(code) for code in zip_codes.split()]
    place = resolve(text).place
    assert place.lat == pytest.approx(sum(p.lat for p in points) / len(points))
    assert place.lon == pytest.approx(sum(p.lon for p in points) / len(points))


@pytest.mark.parametrize(
    "text",
    [
        "Boston", "Boston, MA", "boston ma", "Boston Massachusetts", "  boston,ma ", "BOSTON ,  Ma",
        "boston, massachusetts",
    ],
)
def test_the_ways_people_type_a_city(text):
    resolution = resolve(text)
    assert (resolution.place.name, resolution.corrected_from) == ("Boston, MA", None)


def test_boston_with_its_state_has_no_alternatives_and_without_lists_other_states():
    assert resolve("Boston, MA").alternatives == ()
    others = resolve("Boston").alternatives
    assert others and all(p.name.startswith("Boston, ") and p.state != "MA" for p in others)


@pytest.mark.parametrize(("city", "biggest"), [("Springfield", "MO"), ("Portland", "OR"), ("Columbus", "OH")])
def test_an_ambiguous_name_is_the_most_populous_place_then_the_others(city, biggest):
    resolution = resolve(city)
    ranked = [resolution.place, *resolution.alternatives]
    assert ranked[0].name == f"{city}, {biggest}"
    assert all(p.name.startswith(f"{city}, ") for p in ranked)  # before places only also known by the name
    assert len(resolution.alternatives) == defaults.PLACE_MAX_ALTERNATIVES
    assert len({p.state for p in ranked}) == len(ranked)


def test_ambiguous_names_pick_the_biggest():
    assert resolve("Springfield").place.name == "Springfield, MO"  # 169,000 people; Illinois's 114,000
    assert resolve("Portland").place.name == "Portland, OR"
    assert resolve("Portland").alternatives[0].name == "Portland, ME"
    assert resolve("Columbus").place.name == "Columbus, OH"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Portland, ME", "Portland, ME"), ("portland maine", "Portland, ME"), ("Springfield MO", "Springfield, MO"),
        ("Columbus, GA", "Columbus, GA"), ("Kansas City Missouri", "Kansas City, MO"),
        ("Kansas City, KS", "Kansas City, KS"), ("Charleston West Virginia", "Charleston, WV"),
        ("Charleston, SC", "Charleston, SC"),
    ],
)
def test_a_given_state_picks_that_states_city(text, name):
    resolution = resolve(text)
    assert (resolution.place.name, resolution.alternatives) == (name, ())


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        ("Virginia", "Virginia", "VA"), ("virginia", "Virginia", "VA"), ("VA", "Virginia", "VA"),
        ("va", "Virginia", "VA"), ("West Virginia", "West Virginia", "WV"),
        ("District of Columbia", "District of Columbia", "DC"), ("D.C.", "District of Columbia", "DC"),
        ("MT", "Montana", "MT"), ("Puerto Rico", "Puerto Rico", "PR"),
    ],
)
def test_states_by_name_or_code(text, name, code):
    place = resolve(text).place
    assert (place.name, place.kind, place.state) == (name, "state", code)


def test_a_states_point_is_inside_the_state():
    # Geographic centres: Virginia's is in Buckingham County, Texas's near Brady.
    virginia, texas = resolve("Virginia").place, resolve("Texas").place
    assert distance_miles((virginia.lat, virginia.lon), (37.4316, -78.6569)) < 60
    assert distance_miles((texas.lat, texas.lon), (31.0545, -97.5635)) < 150


def test_a_state_wins_over_a_city_of_the_same_name():
    washington = resolve("Washington")
    assert (washington.place.kind, washington.place.state) == ("state", "WA")
    assert washington.alternatives[0].name == "Washington, DC"
    new_york = resolve("new york")
    assert (new_york.place.kind, new_york.place.state) == ("state", "NY")
    assert "New York, NY" in [p.name for p in new_york.alternatives]
    # With its state, the city is meant.
    assert resolve("Washington DC").place.name == "Washington, DC"
    assert resolve("New York, NY").place.kind == "city"


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("charlottesvile", "Charlottesville, VA"), ("Bostn, MA", "Boston, MA"), ("Pittsburg PA", "Pittsburgh, PA"),
        ("Boston, Massachusets", "Boston, MA"), ("Virgina", "Virginia"), ("Springfeild", "Springfield, MO"),
        ("Winston Salm", "Winston Salem, NC"), ("Huston TX", "Houston, TX"), ("Porland OR", "Portland, OR"),
        ("Dever CO", "Denver, CO"),
    ],
)
def test_misspellings_within_two_edits_are_corrected(typed, name):
    resolution = resolve(typed)
    assert resolution.place.name == name
    assert resolution.corrected_from == typed


def test_a_corrected_name_keeps_its_alternatives():
    resolution = resolve("charlottesvile")
    assert [p.name for p in resolution.alternatives] == ["Charlottesville, IN"]


def test_a_misspelling_as_close_to_two_names_is_the_bigger_city():
    # "Columbis" is one edit from Columbus and from Columbia.
    assert max(zip_counts("Columbus").values()) > max(zip_counts("Columbia").values())
    assert resolve("Columbis").place.name == "Columbus, OH"


def test_more_than_two_edits_is_not_found_with_the_closest_names():
    with pytest.raises(PlaceNotFound) as raised:
        resolve("Charlotsvle")  # three edits from Charlottesville
    assert "Charlottesville, VA" in raised.value.suggestions
    assert str(raised.value).startswith("no US city, state or ZIP code matches 'Charlotsvle'; closest: ")


def test_nonsense_is_not_found_with_a_one_line_message():
    with pytest.raises(PlaceNotFound) as raised:
        resolve("Xqzt")
    error = raised.value
    assert len(error.suggestions) == defaults.PLACE_MAX_SUGGESTIONS
    closest = ", ".join(error.suggestions)
    assert str(error) == f"no US city, state or ZIP code matches 'Xqzt'; closest: {closest}"
    assert "\n" not in str(error)


def test_a_short_name_is_not_corrected_into_another_place():
    with pytest.raises(PlaceNotFound):
        resolve("Ryx")  # one edit from Rye, NY: not read as a typo in a name this short


def test_a_missing_city_in_a_given_state_suggests_that_states_cities():
    with pytest.raises(PlaceNotFound) as raised:
        resolve("Xyzville, VA")
    assert str(raised.value).startswith("no city in Virginia matches 'Xyzville, VA'")
    assert raised.value.suggestions and all(name.endswith(", VA") for name in raised.value.suggestions)


def test_an_unknown_state_after_a_comma_is_named():
    with pytest.raises(PlaceNotFound, match="no US state matches 'Narnia'"):
        resolve("Boston, Narnia")


@pytest.mark.parametrize("text", ["", "   ", "\xa0"])
def test_empty_text_is_a_plain_value_error(text):
    with pytest.raises(ValueError, match="empty") as raised:
        resolve(text)
    assert not isinstance(raised.value, PlaceNotFound)


@pytest.mark.parametrize("text", ["22902", " 22902 ", "22902-1234"])
def test_zip_codes(text):
    place = resolve(text).place
    assert (place.name, place.kind, place.state) == ("22902 (Charlottesville, VA)", "zip", "VA")
    assert place.lat == pytest.approx(38.03, abs=0.05) and place.lon == pytest.approx(-78.48, abs=0.05)


@pytest.mark.parametrize("zip_code", ["00000", "09905"])  # 09905: a military ZIP without a point
def test_unknown_zip_codes_are_named(zip_code):
    with pytest.raises(PlaceNotFound, match=zip_code):
        resolve(zip_code)


@pytest.mark.parametrize(
    "text",
    [
        "38.03, -78.48", "38.03,-78.48", "38.03 -78.48", "38.03; -78.48", "38°01'48\"N 78°28'48\"W",
        "38.03 n 78.48 w",
    ],
)
def test_coordinates_as_pasted_from_a_map(text):
    place = resolve(text).place
    assert (place.name, place.kind, place.state) == ("38.03, -78.48", "coordinates", None)
    assert (place.lat, place.lon) == (pytest.approx(38.03), pytest.approx(-78.48))


def test_coordinates_are_named_with_two_decimals_and_kept_whole():
    place = resolve("38.031234, -78.476789").place
    assert place.name == "38.03, -78.48"
    assert (place.lat, place.lon) == (38.031234, -78.476789)


@pytest.mark.parametrize(
    ("text", "message"),
    [("95, 10", "latitude 95 is outside -90..90"), ("-91.5 10", "latitude -91.5 is outside -90..90"),
     ("38, 200", "longitude 200 is outside -180..180"), ("1 2 3", "is not a latitude and longitude"),
     ("123", "is not a ZIP code or a latitude and longitude")],
)
def test_coordinates_out_of_range_or_unreadable(text, message):
    with pytest.raises(ValueError, match=message):
        resolve(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ST LOUIS MO", "Saint Louis, MO"), ("St. Louis, Missouri", "Saint Louis, MO"),
        ("Winston-Salem", "Winston Salem, NC"), ("winston salem nc", "Winston Salem, NC"),
        ("Ft Lauderdale", "Fort Lauderdale, FL"), ("Mt. Vernon, WA", "Mount Vernon, WA"), ("Mayagüez", "Mayaguez, PR"),
        ("Hagatna", "Hagatna, GU"), ("saipan", "Saipan, MP"), ("Christiansted", "Christiansted, VI"),
    ],
)
def test_hard_cases(text, name):
    resolution = resolve(text)
    assert (resolution.place.name, resolution.corrected_from) == (name, None)


def test_a_city_only_in_a_territory():
    place = resolve("Hagatna").place
    assert (place.kind, place.state) == ("city", "GU")
    assert distance_miles((place.lat, place.lon), (13.4745, 144.7504)) < 10
    assert set(zip_counts("Hagatna")) == {"GU"}


def test_suggestions_by_prefix_biggest_first():
    names = [p.name for p in suggest("charl")]
    assert {"Charlotte, NC", "Charlottesville, VA"} <= set(names[:5])
    assert names.index("Charlotte, NC") < names.index("Charlottesville, VA")
    assert all(name.lower().startswith("charl") for name in names)
    assert [p.name for p in suggest("CHARL ")] == [p.name for p in suggest("charl")]


def test_suggestions_put_states_first():
    assert [p.name for p in suggest("new y")][:2] == ["New York", "New York City, NY"]
    kinds = [p.kind for p in suggest("s", limit=20)]
    assert kinds[:2] == ["state", "state"] and "city" in kinds
    assert kinds == sorted(kinds, key=lambda kind: kind != "state")


def test_suggestions_read_abbreviations_once_a_word_is_finished():
    assert suggest("st l")[0].name == "Saint Louis, MO"
    assert all(p.name.startswith("St") and not p.name.startswith("Saint") for p in suggest("st"))


def test_suggestions_limit_and_empty_prefix():
    assert len(suggest("a", limit=3)) == 3
    assert suggest("") == [] and suggest("  ") == [] and suggest("qqqqq") == []


def test_warm_builds_the_tables():
    places._tables.cache_clear()
    warm()
    assert places._tables.cache_info().currsize == 1


@pytest.mark.parametrize("typed, code", [("Nuevo México", "NM"), ("nuevo mexico", "NM"),
                                         ("Carolina del Norte", "NC"), ("Nueva York", "NY"), ("Hawái", "HI")])
def test_a_state_is_known_by_its_spanish_name_too(typed, code):
    place = resolve(typed).place
    assert place.kind == "state" and place.state == code


def test_a_nickname_is_the_place_and_no_correction():
    for typed, name in [("NYC", "New York City, NY"), ("Philly", "Philadelphia, PA"), ("Queens", "Queens, NY")]:
        resolution = resolve(typed)
        assert (resolution.place.name, resolution.corrected_from) == (name, None)


def test_another_places_own_name_read_as_a_much_bigger_place_is_echoed_with_the_others():
    resolution = resolve("Pittsburg")
    assert (resolution.place.name, resolution.corrected_from) == ("Pittsburgh, PA", "Pittsburg")
    assert {"Pittsburg, CA", "Pittsburg, KS"} <= {p.name for p in resolution.alternatives}
    assert resolve("Pittsburg, KS").place.name == "Pittsburg, KS"


@pytest.mark.parametrize("typed", ["lakewood co", "Lakewod, CO", "amherst ny", "Xyzwood CO"])
def test_a_state_typed_after_a_name_is_never_left_for_another_state(typed):
    try:
        state = resolve(typed).place.state
    except PlaceNotFound as refused:
        assert refused.suggestions and all(name.endswith(typed[-2:].upper()) for name in refused.suggestions)
    else:
        assert state == typed[-2:].upper()


def test_a_pasted_address_is_its_zip_codes_point_or_else_its_citys():
    assert resolve("1215 Lee St, Charlottesville, VA 22908").place == resolve("22908").place
    assert resolve("Charlottesville VA 22902-5312").place == resolve("22902").place
    assert resolve("1215 Lee St, Charlottesville, VA").place == resolve("Charlottesville, VA").place


def test_suggestions_include_neighbourhoods_biggest_first():
    names = [p.name for p in suggest("harl")]
    assert names[0] == "Harlem, NY" and names.index("Harlem, NY") < names.index("Harlingen, TX")


@pytest.mark.parametrize(("typed", "name"), [
    ("Urban Honolulu, HI", "Honolulu, HI"),
    ("Nashville-Davidson metropolitan government (balance), TN", "Nashville, TN"),
    ("nashville-davidson metropolitan government (balance) tn", "Nashville, TN"),
    ("Augusta-Richmond County consolidated government (balance), GA", "Augusta, GA"),
    ("Macon-Bibb County, GA", "Macon, GA"),
    ("San Buenaventura (Ventura), CA", "Ventura, CA"),
    ("Indianapolis city (balance), IN", "Indianapolis, IN"),
    ("Ventura city, CA", "Ventura, CA"),  # not corrected into Century City, CA
])
def test_an_official_census_name_is_read_as_its_plain_name_and_echoed(typed, name):
    resolution = resolve(typed)
    assert (resolution.place.name, resolution.corrected_from) == (name, typed)


def test_a_real_name_with_city_in_it_stays_itself():
    assert resolve("Carson City, NV").place.name == "Carson City, NV"
    assert resolve("Kansas City, MO").place.name == "Kansas City, MO"
