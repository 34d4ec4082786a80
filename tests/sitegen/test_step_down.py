"""The facility page's step-down link: IOPs near a facility above IOP level, on its payment."""

from urllib.parse import parse_qs, urlsplit

from sitegen.build import CHECKOUT_SITE_DIR
from sitegen.languages import languages
from sitegen.pages import step_down_url
from tests.facility.factories import make_facility

ENGLISH, SPANISH = languages(CHECKOUT_SITE_DIR / "locale")


def record(**fields) -> dict:
    return make_facility(**fields).model_dump(mode="json")


def test_a_residential_program_links_to_iops_near_it_on_its_payment():
    facility = record(levels_of_care=["residential", "iop"], payment=["medicaid", "private"])
    url = urlsplit(step_down_url(facility, ENGLISH))
    assert url.path == "/near-me/"
    assert parse_qs(url.query) == {"near": [facility["id"]], "level": ["iop"],
                                   "payment": ["medicaid", "private"]}
    assert step_down_url(facility, SPANISH).startswith("/es/near-me/?")


def test_no_link_below_iop_level_or_for_a_facility_no_longer_listed_or_unplaced():
    assert step_down_url(record(levels_of_care=["iop", "outpatient"]), ENGLISH) is None
    assert step_down_url({**record(levels_of_care=["php"]), "status": "retired"}, ENGLISH) is None
    assert step_down_url({**record(levels_of_care=["php"]), "location": None}, ENGLISH) is None
    assert step_down_url(record(levels_of_care=["php"]), ENGLISH) is not None
