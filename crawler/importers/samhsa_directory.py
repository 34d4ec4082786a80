"""Importer for SAMHSA's National Directory of Drug and Alcohol Use Treatment Facilities (XLSX).

Reads the "Facilities List" sheet row by row and maps every service code through the file's
own "Service Code Reference" sheet (editions add and drop codes). Rows that cannot be placed
(no name, city, valid state or ZIP) are dropped and counted by reason; a bad phone number drops
only that number. Identical rows merge into one record that names every row as its source.
"""

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook
from pydantic import ValidationError

from crawler.importers import SourceFileError
from crawler.importers.locator_coords import LocatorCoordinates
from crawler.rows import RowError, phones, placed
from facility.geo import zip_point
from facility.identity import facility_id
from facility.model import Facility, GeoPoint, Source
from facility.normalize import clean_text
from facility.tally import Tally
from facility.taxonomy import Taxonomy, default_taxonomy, facets_from_codes

SOURCE_NAME = "samhsa-national-directory"
FACILITY_SHEET = "Facilities List"
REFERENCE_SHEET = "Service Code Reference"
FACILITY_COLUMNS = (
    "name1", "name2", "street1", "street2", "city", "state", "zip",
    "phone", "intake1", "intake2", "intake1a", "intake2a", "service_code_info",
)
REFERENCE_COLUMNS = ("category_code", "service_code", "service_name", "service_description")
PHONE_COLUMNS = (("phone", "main"), ("intake1", "intake"), ("intake2", "intake"),
                 ("intake1a", "intake"), ("intake2a", "intake"))
ZIP_SOURCE = "zip centroid (zipcodes package)"
LOCATOR_SOURCE = "SAMHSA locator export"


class Directory:
    """An opened directory file: its sheets checked, its reference read."""

    def __init__(self, path: Path):
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
        self.columns = self._header(FACILITY_SHEET, FACILITY_COLUMNS)
        self.reference = self._read_reference()
        year = re.search(r"(19|20)\d\d", path.name)
        self.edition = year.group(0) if year else None

    def _header(self, sheet: str, required: tuple[str, ...]) -> dict[str, int]:
        rows = self._workbook.get_sheet_by_name(sheet).iter_rows()
        header = [clean_text(cell) or "" for cell in next(rows, [])]
        missing = [column for column in required if column not in header]
        if missing:
            raise SourceFileError(
                f"{self.path}: sheet {sheet!r} lacks column(s) {', '.join(missing)}"
            )
        return {column: header.index(column) for column in required}

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
    taxonomy, added = (taxonomy or default_taxonomy()).with_reference(directory.reference)
    for code in added:
        tally.note(f"codes new in this edition's reference (filed by category): {code}")

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
            first = error.errors()[0]
            tally.drop(f"invalid {'.'.join(map(str, first['loc']))}: {first['msg']}")


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
        geo_precision=precision,
        geo_source=geo_source,
        **facets,
        telehealth="TELE" in codes,
        co_occurring="SUMH" in codes or "CO" in codes,
        service_codes=codes,
        unknown_codes=unknown,
        sources=[
            Source(name=SOURCE_NAME, edition=directory.edition,
                   record_id=f"{FACILITY_SHEET} row {row}", retrieved_at=imported_at)
            for row in rows
        ],
        updated_at=imported_at,
    )
