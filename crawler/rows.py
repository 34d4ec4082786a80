"""Row cleaning shared by every importer and spider: where a facility is, and its phones."""

from facility.model import Phone
from facility.normalize import PhoneError, clean_text, normalize_phone, normalize_state, normalize_zip
from facility.tally import Tally


class RowError(ValueError):
    """A row that cannot become a Facility; the message is the reason it is counted under."""


def placed(name: object, city: object, state: object, zip_code: object) -> tuple[str, str, str]:
    """(name, state, ZIP) when the row names a facility and a valid place; else RowError."""
    name = clean_text(name)
    if not name:
        raise RowError("missing facility name")
    if not clean_text(city):
        raise RowError("missing city")
    try:
        return name, normalize_state(state), normalize_zip(zip_code)
    except ValueError as error:
        raise RowError(f"bad {str(error).split()[0].lower()}") from None


def phones(row: dict, fields: tuple[tuple[str, str], ...], tally: Tally) -> list[Phone]:
    """Each (field, kind) that holds a valid number, once; a bad number drops only itself."""
    found: list[Phone] = []
    for field, kind in fields:
        try:
            parsed = normalize_phone(row.get(field))
        except PhoneError as error:
            tally.note(f"phone numbers dropped: {field} {error.reason}")
            continue
        if parsed and all((p.number, p.extension) != parsed for p in found):
            found.append(Phone(kind=kind, number=parsed[0], extension=parsed[1]))
    return found
