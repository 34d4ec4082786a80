"""Small National Directory workbooks written by us, shaped like SAMHSA's editions."""

from pathlib import Path

from openpyxl import Workbook

from crawler.importers.samhsa_directory import FACILITY_COLUMNS
from facility.taxonomy import default_taxonomy

REFERENCE_HEADER = ["category_code", "category_name", "service_code", "service_name", "service_description"]
REFERENCE = [
    ["SET", "Service Setting", "OIT", "Intensive outpatient treatment", ""],
    ["SET", "Service Setting", "ORT", "Regular outpatient treatment", ""],
    ["PAY", "Payment", "MD", "Medicaid", ""],
    ["PAY", "Payment", "NEWP", "A payment program a later edition adds", ""],
    ["TAP", "Treatment Approaches", "TELE", "Telemedicine/telehealth therapy", ""],
]

# The 2023 edition's shape: capitalised headers; its reference has the 2022 codes less BMW, MMW
# and ULC, adds DLC and MWS, and changes descriptions. Names and descriptions here are ours.
HEADER_2023 = ["Name1", "Name2", "Street1", "Street2", "City", "State", "Zip", "Phone",
               "Intake1", "Intake2", "Intake1a", "Intake2a", "Service_code_info"]
REFERENCE_HEADER_2023 = ["Category_Code", "Category_Name", "Service_Code", "Service_Name", "Service_Description"]
HOUSING = "Housing for individuals recovering from substance abuse that is designed to provide a drug-free home."
NEW_IN_2023 = [
    ["OT", "Type of Opioid Treatment", "DLC", "Withdrawal with lofexidine or clonidine ",
     "Opioid withdrawal managed with lofexidine or clonidine."],
    ["OT", "Type of Opioid Treatment", "MWS", "Maintenance with a planned end", ""],
]


def reference_2023() -> list[list]:
    changed = {"SUMH": HOUSING, "MC": "Medicare, as the 2023 edition describes it."}
    return [[term.category, "", term.code, term.samhsa_name, changed.get(term.code, term.description)]
            for term in default_taxonomy().by_code.values()
            if term.code not in {"BMW", "MMW", "ULC"}] + NEW_IN_2023


def row(**cells) -> list:
    base = {"name1": "Blue Ridge Recovery", "name2": "", "street1": "100 Main Street", "street2": "",
            "city": "Charlottesville", "state": "VA", "zip": "22902", "phone": "434-555-0100",
            "intake1": "", "intake2": "", "intake1a": "", "intake2a": "",
            "service_code_info": "SA * OIT ORT * MD NEWP * TELE"}
    base.update(cells)
    return [base[column] for column in FACILITY_COLUMNS]


def write_workbook(path: Path, rows: list[list], header=FACILITY_COLUMNS,
                   sheets=("Facilities List", "Service Code Reference"),
                   reference=REFERENCE, reference_header=REFERENCE_HEADER) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, head, body in (("Facilities List", header, rows),
                             ("Service Code Reference", reference_header, reference)):
        if name in sheets:
            sheet = book.create_sheet(name)
            for values in [list(head), *body]:
                sheet.append(values)
    book.save(path)
    return path
