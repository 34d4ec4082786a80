import pytest

from facility.normalize import (
    PhoneError, clean_text, match_key, normalize_phone, normalize_state, normalize_zip)


@pytest.mark.parametrize("raw, expected", [
    ("434-979-8871", ("+14349798871", None)),
    ("(434) 979-8871", ("+14349798871", None)),
    ("1-434-979-8871", ("+14349798871", None)),
    ("530-694-1816 x239", ("+15306941816", "239")),
    ("530-694-1816 ext. 12", ("+15306941816", "12")),
    ("800-PARNEXT", ("+18007276398", None)),
    ("800-662HOPE", ("+18006624673", None)),
    ("", None),
    (None, None),
])
def test_phone_normalized_to_e164_with_extension(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["555-1234", "123-456-7890", "call us", "434-979-88711"])
def test_bad_phone_names_the_value(raw):
    with pytest.raises(PhoneError, match="not a 10-digit US number") as raised:
        normalize_phone(raw)
    assert repr(raw) in str(raised.value) and raised.value.reason == "not a 10-digit US number"


@pytest.mark.parametrize("raw", ["333-440-8534", "555-555-0100", "976-384-7484 x12", "888-146-4427",
                                 "999-GET-HELP"])
def test_a_number_of_the_right_shape_must_exist_in_the_numbering_plan(raw):
    with pytest.raises(ValueError, match="not an assigned number"):
        normalize_phone(raw)


@pytest.mark.parametrize("raw", ["434-555-0100", "434-555-0199", "(202) 555-0143", "671-475-0000"])
def test_fictional_555_01xx_and_territory_numbers_are_valid(raw):
    assert normalize_phone(raw)[0].startswith("+1")


@pytest.mark.parametrize("raw, expected", [
    ("22902", "22902"), ("22902-1234", "22902"), ("229021234", "22902"),
    ("2134", "02134"), (2134.0, "02134"), (" 02134 ", "02134"),
])
def test_zip_to_five_digits(raw, expected):
    assert normalize_zip(raw) == expected


@pytest.mark.parametrize("raw", ["", "ABCDE", "12", "123456", None])
def test_bad_zip(raw):
    with pytest.raises(ValueError, match="ZIP"):
        normalize_zip(raw)


def test_state_codes_include_territories_and_reject_others():
    assert normalize_state(" va ") == "VA"
    assert normalize_state("PR") == "PR"
    with pytest.raises(ValueError, match="'XX' is not a US state"):
        normalize_state("XX")


def test_match_key_ignores_case_punctuation_and_usps_abbreviations():
    assert match_key("123 North Main Street, Suite 4") == match_key("123 N. Main St Ste 4")
    assert match_key("St. Mary's Hospital") == "st marys hospital"
    assert match_key("1st Avenue") != match_key("2nd Avenue")


def test_clean_text_collapses_white_space():
    assert clean_text("  Detoxification \xa0 ") == "Detoxification"
    assert clean_text("   ") is None
