"""Cleaning functions shared by every importer and spider: one place, pure, tested as data.

Each function either returns the cleaned value or raises ValueError with a message that names
what was wrong; callers decide whether that drops a row or only the field.
"""

import re

import phonenumbers

from facility.states import STATE_NAMES

_VANITY = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999"
)
_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension)\s*(\d{1,6})\s*$", re.IGNORECASE)

# USPS suffix and directional abbreviations, so "123 North Main Street" and "123 N Main St" match.
_ADDRESS_WORDS = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr",
    "boulevard": "blvd", "lane": "ln", "court": "ct", "place": "pl", "parkway": "pkwy",
    "highway": "hwy", "suite": "ste", "circle": "cir", "terrace": "ter", "square": "sq",
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne", "northwest": "nw",
    "southeast": "se", "southwest": "sw", "building": "bldg", "floor": "fl", "route": "rte",
    "center": "ctr", "centre": "ctr", "mount": "mt", "saint": "st", "trail": "trl",
    "expressway": "expy", "freeway": "fwy", "turnpike": "tpke", "plaza": "plz",
    "heights": "hts", "point": "pt", "first": "1st", "second": "2nd", "third": "3rd",
    "fourth": "4th", "fifth": "5th", "sixth": "6th", "seventh": "7th", "eighth": "8th",
    "ninth": "9th", "tenth": "10th",
}
_WORD = re.compile(r"[a-z0-9]+")


def clean_text(value: object) -> str | None:
    """Collapse white space (including non-breaking spaces); empty becomes None."""
    if value is None:
        return None
    text = " ".join(str(value).replace("\xa0", " ").split())
    return text or None


def normalize_state(value: object) -> str:
    code = (clean_text(value) or "").upper()
    if code not in STATE_NAMES:
        raise ValueError(f"state {value!r} is not a US state or territory code")
    return code


def normalize_zip(value: object) -> str:
    """Five-digit ZIP from '01234', '01234-5678', or a spreadsheet number that lost its zeros."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = clean_text(value) or ""
    match = re.fullmatch(r"(\d{3,5})(?:-?\d{4})?", text)
    if not match:
        raise ValueError(f"ZIP {value!r} is not a 5-digit ZIP code")
    return match.group(1).zfill(5)


class PhoneError(ValueError):
    """A phone number that cannot be kept; `reason` is what callers count it under."""

    def __init__(self, value: object, reason: str):
        super().__init__(f"phone {value!r} is {reason}")
        self.reason = reason


def normalize_phone(value: object) -> tuple[str, str | None] | None:
    """A US phone number as (E.164 number, extension); None when empty.

    Letters of vanity numbers ('800-GET-HELP') become their keypad digits. A number of the
    right shape must also exist in the numbering plan (phonenumbers' offline metadata), so
    '333-440-8534' (no such area code) is rejected like '555-1234'.
    """
    text = clean_text(value)
    if text is None:
        return None
    extension = None
    match = _EXTENSION.search(text)
    if match:
        extension = match.group(1)
        text = text[: match.start()]
    digits = re.sub(r"\D", "", text.upper().translate(_VANITY))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        raise PhoneError(value, "not a 10-digit US number")
    number = "+1" + digits
    if not phonenumbers.is_valid_number(phonenumbers.parse(number)):
        raise PhoneError(value, "not an assigned number (no such area code or exchange)")
    return number, extension


def match_key(value: object) -> str:
    """Lower-case words with USPS abbreviations: the form names and streets are compared in."""
    text = (clean_text(value) or "").lower().replace("'", "")
    return " ".join(_ADDRESS_WORDS.get(word, word) for word in _WORD.findall(text))
