"""Importer for SAMHSA's National Directory of Drug and Alcohol Use Treatment Facilities (XLSX).

Reads the "Facilities List" sheet row by row and maps every service code through the file's
own "Service Code Reference" sheet (editions add and drop codes, and spell headers differently).
Rows that cannot be placed (no name, city, valid state or ZIP) are dropped and counted by reason;
a bad phone number drops only that number. Identical rows merge into one record that names every
row as its source. Every record's source is dated by the survey the edition reports (`as_of`).
"""

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from python_calamine import CalamineError, CalamineWorkbook
from pydantic import ValidationError

from crawler.importers import SourceFileError
from crawler.importers.locator_coords import LocatorCoordinates
from crawler.rows import RowError, phones, placed
from facility.geo import zip_point
from facility.identity import facility_id
from facility.model import Facility, GeoPoint, Source
from facility.normalize import clean_text
from facility.provenance import DIRECTORY
from facility.staging import drop_reason
from facility.tally import Tally
from facility.taxonomy import Taxonomy, default_taxonomy, facets_from_codes

FACILITY_SHEET = "Facilities List"
REFERENCE_SHEET = "Service Code Reference"
FACILITY_COLUMNS = (
    "name1", "name2", "street1", "street2", "city", "state", "zip",
    "phone", "intake1", "intake2", "intake1a", "intake2a", "service_code_info",
)
REFERENCE_COLUMNS = ("category_code", "service_code", "service_name", "service_description")
# Header keys (see _key): other spellings of a column ("zip_code", "Zip Code"), and columns we
# know and do not read, which are not reported as extra.
COLUMN_SPELLINGS = {"zipcode": "zip", "telephone": "phone", "phonenumber": "phone"}
UNREAD_COLUMNS = {"categoryname"}
PHONE_COLUMNS = (("phone", "main"), ("intake1", "intake"), ("intake2", "intake"),
                 ("intake1a", "intake"), ("intake2a", "intake"))
ZIP_SOURCE = "zip centroid (zipcodes package)"
LOCATOR_SOURCE = "SAMHSA locator export"
FIRST_EDITION = 1990


class Survey(NamedTuple):
    year: int
    reference_date: date
    confirmed: bool


# Directory edition year -> the SAMHSA survey whose answers it lists (edition Y lists the survey
# of Y-1) and that survey's reference date: the day facilities describe, our `as_of`. SAMHSA's
# 2022 N-SUMHSS codebook states "The reference date was March 31, 2022"; N-SSATS 2019 used
# March 29, 2019 and the 2021 draft questionnaire March 31, 2021. March 31 of the survey year is
# that documented pattern: the other years use it, not confirmed.
SURVEYS = {
    2022: Survey(2021, date(2021, 3, 31), confirmed=False),  # the 2021 N-SUMHSS
    2023: Survey(2022, date(2022, 3, 31), confirmed=True),  # the 2022 N-SUMHSS (its codebook)
    2024: Survey(2023, date(2023, 3, 31), confirmed=False),  # the 2023 N-SUMHSS
    2025: Survey(2024, date(2024, 3, 31), confirmed=False),  # the 2024 N-SUMHSS
}


def parse_edition(text: str) -> int:
    """An edition year given by hand; ValueError when it is not one."""
    last = date.today().year + 1
    if not re.fullmatch(r"\d{4}", text.strip()) or not FIRST_EDITION <= int(text) <= last:
        raise ValueError(f"{text!r} is not an edition year ({FIRST_EDITION} to {last})")
    return int(text)


def _key(header: object) -> str:
    """A header as compared: 'Service_code_info', 'service code info', 'SERVICE_CODE_INFO' alike."""
    return re.sub(r"[\s_]+", "", (clean_text(header) or "").lower())


def edition_in_name(path: Path) -> int | None:
    """The edition year a directory file's name holds, if any."""
    named = re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", path.name)
    return int(named.group(0)) if named else None


class Directory:
    """An opened directory file: its sheets and headers checked, its reference read, its edition known."""

    def __init__(self, path: Path, edition: int | None = None):
        self.path = path
        if not path.is_file():
            raise SourceFileError(f"{path}: file not found")
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except (CalamineError, ValueError, OSError) as error:
            raise SourceFileError(f"{path}: not a readable XLSX workbook ({error})") from None
        missing = [s for s in (FACILITY_SHEET, REFERENCE_SHEET) if s not in workbook.sheet_names]
        if missing:
            raise SourceFileError(f"{path}: missing sheet(s) {', '.join(map(repr, missing))}")
        self._workbook = workbook
        self.extra_columns: list[str] = []  # "sheet: header" of columns we do not read
        self.columns = self._header(FACILITY_SHEET, FACILITY_COLUMNS)
        self.reference = self._read_reference()
        self.edition = self._edition(edition)
        # An edition the table lacks: March 31 of the year before it (import_directory notes it).
        self.survey = SURVEYS.get(self.edition, Survey(self.edition - 1, date(self.edition - 1, 3, 31), False))

    def _edition(self, given: int | None) -> int:
        named = edition_in_name(self.path)
        if named and given and named != given:
            raise SourceFileError(f"{self.path}: the file name says edition {named}, but {given} was given")
        if not (named or given):
            raise SourceFileError(f"{self.path}: no edition year in the file name; give one with --edition YEAR")
        return given or named

    def _header(self, sheet: str, required: tuple[str, ...]) -> dict[str, int]:
        rows = self._workbook.get_sheet_by_name(sheet).iter_rows()
        wanted = {_key(column): column for column in required}
        columns: dict[str, int] = {}
        for index, cell in enumerate(next(rows, [])):
            key = _key(cell)
            column = wanted.get(COLUMN_SPELLINGS.get(key, key))
            if column and column not in columns:
                columns[column] = index
            elif key and key not in UNREAD_COLUMNS:
                self.extra_columns.append(f"{sheet}: {clean_text(cell)}")
        missing = [column for column in required if column not in columns]
        if missing:
            raise SourceFileError(
                f"{self.path}: sheet {sheet!r} lacks column(s) {', '.join(missing)}"
            )
        return columns

    def _read_reference(self) -> list[tuple[str, str, str, str]]:
        columns = self._header(REFERENCE_SHEET, REFERENCE_COLUMNS)
        rows = self._workbook.get_sheet_by_name(REFERENCE_SHEET).iter_rows()
        next(rows)
        reference = []
        for row in rows:
            values = [clean_text(row[columns[c]]) if columns[c] < len(row) else None
                      for c in REFERENCE_COLUMNS]
            if values[1]:
                reference.append(tuple(value or "" for value in values))
        return reference

    def rows(self) -> Iterator[tuple[int, dict[str, object]]]:
        """(spreadsheet row number, {column: cell}) for every data row."""
        rows = self._workbook.get_sheet_by_name(FACILITY_SHEET).iter_rows()
        next(rows)
        for number, row in enumerate(rows, start=2):
            cells = {column: (row[i] if i < len(row) else "") for column, i in self.columns.items()}
            if any(clean_text(value) for value in cells.values()):
                yield number, cells


def _identity(cells: dict[str, object]) -> tuple[str, str, str]:
    return placed(cells["name1"], cells["city"], cells["state"], cells["zip"])


def _base_id(cells: dict[str, object], name: str, state: str, zip_code: str, variant: str = "") -> str:
    name2, street1, street2, city = (clean_text(cells[c]) for c in ("name2", "street1", "street2", "city"))
    return facility_id(name, name2, street1, street2, city or "", state, zip_code, variant)


def _fingerprint(cells: dict[str, object]) -> str:
    text = "\x1f".join(clean_text(cells[column]) or "" for column in FACILITY_COLUMNS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _locate(name: str, street: str | None, zip_code: str,
            coords: LocatorCoordinates | None, tally: Tally) -> tuple[GeoPoint | None, str, str | None]:
    found = coords.lookup(name, street, zip_code) if coords else None
    if found:
        point, method = found
        tally.note(f"geocoded: address ({method})")
        return point, "address", f"{LOCATOR_SOURCE}: {method}"
    centroid = zip_point(zip_code)
    if centroid:
        tally.note("geocoded: zip centroid")
        return GeoPoint(lat=centroid.lat, lon=centroid.lon), "zip", ZIP_SOURCE
    tally.note("geocoded: none")
    return None, "none", None


def import_directory(
    directory: Directory, imported_at: datetime, tally: Tally,
    coords: LocatorCoordinates | None = None, taxonomy: Taxonomy | None = None,
) -> Iterator[Facility]:
    known = taxonomy or default_taxonomy()
    taxonomy, added = known.with_reference(directory.reference, directory.edition)
    for code in added:
        tally.note(f"codes new in this edition's reference (filed by category): {code}")
    for code in sorted(set(known.by_code) - {row[1] for row in directory.reference}):
        tally.note(f"codes in our taxonomy this edition's reference lacks: {code}")
    for column in directory.extra_columns:
        tally.note(f"extra columns not read: {column}")
    if directory.edition not in SURVEYS:
        tally.note(f"edition {directory.edition} not in the survey table: "
                   f"as of {directory.survey.reference_date} (March 31 of the year before)")

    # First pass: which rows share an identity, and which of those differ in content.
    groups: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for number, cells in directory.rows():
        try:
            name, state, zip_code = _identity(cells)
        except RowError:
            continue
        groups[_base_id(cells, name, state, zip_code)][_fingerprint(cells)].append(number)

    for number, cells in directory.rows():
        tally.read += 1
        try:
            name, state, zip_code = _identity(cells)
        except RowError as error:
            tally.drop(str(error))
            continue
        variants = groups[_base_id(cells, name, state, zip_code)]
        fingerprint = _fingerprint(cells)
        rows = variants[fingerprint]
        if rows[0] != number:
            tally.note("rows merged: identical to an earlier row")
            continue
        variant = fingerprint if len(variants) > 1 else ""
        if variant:
            tally.note("rows told apart by a variant (same identity, different content)")
        try:
            yield _facility(cells, name, state, zip_code, variant, rows, directory,
                            imported_at, taxonomy, coords, tally)
        except ValidationError as error:
            tally.drop(drop_reason(error))


def _facility(cells, name, state, zip_code, variant, rows, directory, imported_at,
              taxonomy, coords, tally) -> Facility:
    name2, street1, street2, city = (clean_text(cells[c]) for c in ("name2", "street1", "street2", "city"))
    codes = [code for code in str(cells["service_code_info"] or "").split() if code != "*"]
    facets, unknown = facets_from_codes(codes, taxonomy)
    for code in unknown:
        tally.note(f"unknown codes kept raw: {code}")
    location, precision, geo_source = _locate(name, street1, zip_code, coords, tally)
    return Facility(
        id=_base_id(cells, name, state, zip_code, variant),
        name=name,
        name2=name2,
        address={"street1": street1, "street2": street2, "city": city, "state": state, "zip": zip_code},
        phones=phones(cells, PHONE_COLUMNS, tally),
        location=location,
        location_precision=precision,
        geo_source=geo_source,
        **facets,
        telehealth="TELE" in codes,
        co_occurring="SUMH" in codes or "CO" in codes,
        service_codes=codes,
        unknown_codes=unknown,
        sources=[
            Source(name=DIRECTORY, edition=str(directory.edition), record_id=f"{FACILITY_SHEET} row {row}",
                   retrieved_at=imported_at, as_of=directory.survey.reference_date)
            for row in rows
        ],
        updated_at=imported_at,
    )
