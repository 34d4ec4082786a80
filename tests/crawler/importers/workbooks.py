"""Small National Directory workbooks written by us, for bad-input tests."""

from pathlib import Path

from openpyxl import Workbook

from crawler.importers.samhsa_directory import FACILITY_COLUMNS

REFERENCE_HEADER = ["category_code", "category_name", "service_code", "service_name", "service_description"]
REFERENCE = [
    ["SET", "Service Setting", "OIT", "Intensive outpatient treatment", ""],
    ["SET", "Service Setting", "ORT", "Regular outpatient treatment", ""],
    ["PAY", "Payment", "MD", "Medicaid", ""],
    ["PAY", "Payment", "NEWP", "A payment program a later edition adds", ""],
    ["TAP", "Treatment Approaches", "TELE", "Telemedicine/telehealth therapy", ""],
]


def row(**cells) -> list:
    base = {"name1": "Blue Ridge Recovery", "name2": "", "street1": "100 Main Street", "street2": "",
            "city": "Charlottesville", "state": "VA", "zip": "22902", "phone": "434-555-0100",
            "intake1": "", "intake2": "", "intake1a": "", "intake2a": "",
            "service_code_info": "SA * OIT ORT * MD NEWP * TELE"}
    base.update(cells)
    return [base[column] for column in FACILITY_COLUMNS]


def write_workbook(path: Path, rows: list[list], header=FACILITY_COLUMNS,
                   sheets=("Facilities List", "Service Code Reference")) -> Path:
    book = Workbook()
    book.remove(book.active)
    if "Facilities List" in sheets:
        facilities = book.create_sheet("Facilities List")
        facilities.append(list(header))
        for values in rows:
            facilities.append(values)
    if "Service Code Reference" in sheets:
        reference = book.create_sheet("Service Code Reference")
        reference.append(REFERENCE_HEADER)
        for values in REFERENCE:
            reference.append(values)
    book.save(path)
    return path
