"""Places as people type them (tests/facility/typed_places.csv): the 300 largest US places by population
as "City, ST" and as lower-case "city st", boroughs, neighbourhoods, nicknames, misspellings, pasted
addresses and text that names no place. Each expected point is GeoNames' point of the place meant
(for an address, its ZIP code's USPS point); a place must resolve within 15 miles of it and in its
state, and text naming no place is refused with suggestions."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from facility.geo import distance_miles
from facility.places import PlaceNotFound, resolve

ROWS = list(csv.DictReader((Path(__file__).parent / "typed_places.csv").open(encoding="utf-8")))
MILES = 15


def test_the_table_holds_every_form_people_type():
    forms = Counter(row["form"] for row in ROWS)
    assert len(ROWS) >= 400 and forms["city-st"] >= 300 and forms["lower-city-st"] >= 300
    assert {"borough", "neighbourhood", "nickname", "misspelling", "address", "no-place"} <= forms.keys()


@pytest.mark.parametrize("row", [r for r in ROWS if r["form"] != "no-place"], ids=lambda row: row["typed"])
def test_a_typed_place_resolves_near_the_place_meant_in_its_state(row):
    place = resolve(row["typed"]).place
    assert place.state == row["state"], place
    assert distance_miles((place.lat, place.lon), (float(row["lat"]), float(row["lon"]))) <= MILES, place


@pytest.mark.parametrize("row", [r for r in ROWS if r["form"] == "no-place"], ids=lambda row: row["typed"])
def test_text_that_names_no_place_is_refused_with_suggestions(row):
    with pytest.raises(PlaceNotFound) as refused:
        resolve(row["typed"])
    assert refused.value.suggestions
