"""Facility page addresses: a published slug must never change, on any machine or release."""

import pytest

from facility.identity import facility_id
from facility.paths import facility_path, facility_slug, slugify


@pytest.mark.parametrize("described, slug", [
    (("Region Ten CSB", "Mohr Center", "1014 East Market Street", None, "Charlottesville", "VA", "22902"),
     "region-ten-csb-charlottesville-va-bfa3e5"),
    (("Centro de Salud Mental Señora", None, "Calle Loíza 1520", None, "San Juan", "PR", "00911"),
     "centro-de-salud-mental-senora-san-juan-pr-91d02d"),
    (("St. Mary's Hospital — Adolescent IOP", None, "56 Franklin St", "Suite 2", "Worcester", "MA", "01608"),
     "st-mary-s-hospital-adolescent-iop-worcester-ma-af73f4"),
])
def test_a_facility_keeps_its_slug(described, slug):
    # Written down once: a change to the id rule or to slugify that would move a page fails here.
    name, _, _, _, city, state, _ = described
    facility = {"id": facility_id(*described), "name": name, "address": {"city": city, "state": state}}
    assert facility_slug(facility) == slug


def test_slugify_keeps_letters_without_accents():
    assert slugify("Centro de Salud Mental Señora") == "centro-de-salud-mental-senora"
    assert slugify("—") == "x"


def test_the_page_path_is_under_facilities():
    facility = {"id": "bfa3e5c0ffee0000", "name": "Region Ten CSB", "address": {"city": "Charlottesville", "state": "VA"}}
    assert facility_path(facility) == "/facilities/region-ten-csb-charlottesville-va-bfa3e5/"
