import csv
from collections import Counter
from importlib import resources

import pytest

from crawler.importers.samhsa_directory import Directory
from facility.abbreviations import abbreviations, expand, expansions_of, tokens
from tests.conftest import DIRECTORY_2022


def csv_rows() -> list[dict[str, str]]:
    with resources.files("facility").joinpath("abbreviations.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("name, expanded", [
    ("Region Ten CSB Outpt Trt Ctr", "region ten csb outpatient treatment center"),
    ("Ventura Cnty Behav Hlth SU Servs", "ventura county behavioral health substance use services"),
    ("Alc/Drug Abuse Servs/Beas Yth Trt Home", "alcohol drug abuse services beas youth treatment home"),
    ("NE Arkansas Community MH Center", "northeast new england nebraska arkansas community mental health center"),
    ("St Josephs Med Ctr Alc IP Rehab Prog",
     "saint street josephs medical medicine center alcohol inpatient rehab program"),
    ("Partial Hosp and Intensive Outpt Prog", "partial hospital and intensive outpatient program"),
    ("PHP/IOP Program", "partial hospitalization program intensive outpatient program program"),
])
def test_directory_names_are_spelled_out(name, expanded):
    assert expand(name) == expanded


def test_case_trailing_periods_and_punctuation_do_not_hide_an_abbreviation():
    assert expand("TRT. CTR.") == "treatment center"
    assert expand("trt ctr") == "treatment center"
    assert expand("Behav. Hlth & Recov.-Servs") == "behavioral health recovery services"
    assert expand("  Comm\u00a0MH  ") == "community mental health"


def test_words_that_only_start_like_an_abbreviation_are_kept():
    name = "Center Medina Addison Compass Steps Alternatives Residence Prevention Trtment"
    assert expand(name) == name.lower()
    assert expansions_of(name) is None


def test_legal_suffixes_and_organisation_initialisms_are_kept():
    assert expand("Foo Co Occurring Program LLC Inc PA") == "foo co occurring program llc inc pa"
    assert expand("VA Medical Center CSB CMHC") == "va medical center csb cmhc"


def test_expansions_of_gives_only_the_spelled_out_words_once_each():
    assert expansions_of("ABC Trt Ctr") == "treatment center"
    assert expansions_of("Trt Ctr Adult Trt Prog") == "treatment center program"
    assert expansions_of("Hope Recovery Center") is None
    assert expansions_of("") is None


def test_apostrophes_stay_inside_words():
    assert tokens("St. Joseph's Hosp") == ["st", "joseph's", "hosp"]


def test_every_row_of_the_table_is_well_formed():
    rows = csv_rows()
    assert list(rows[0]) == ["abbreviation", "expansion", "count_2022"]
    names = [row["abbreviation"] for row in rows]
    assert len(names) == len(set(names)) == len(abbreviations())
    for row in rows:
        abbreviation, words = row["abbreviation"], row["expansion"].split()
        assert tokens(abbreviation) == [abbreviation], abbreviation
        assert words and " ".join(words) == row["expansion"] == row["expansion"].lower(), abbreviation
        assert abbreviation not in words, abbreviation
        assert not set(words) & set(names), abbreviation  # expanding twice changes nothing
        assert int(row["count_2022"]) >= 3, abbreviation


@pytest.fixture(scope="module")
def names_2022(shared_data) -> list[tuple[str, str]]:
    """(name1, name2) of every row of the 2022 directory."""
    return [(str(cells["name1"] or ""), str(cells["name2"] or ""))
            for _number, cells in Directory(DIRECTORY_2022).rows()]


def test_counts_are_those_of_the_2022_directory(names_2022):
    counts = Counter(token for pair in names_2022 for name in pair for token in tokens(name))
    assert {row["abbreviation"]: int(row["count_2022"]) for row in csv_rows()} == {
        abbreviation: counts[abbreviation] for abbreviation in abbreviations()}


def test_many_2022_facilities_have_an_abbreviated_name(names_2022):
    abbreviated = [pair for pair in names_2022 if any(expansions_of(name) for name in pair)]
    assert len(names_2022) == 12_176
    assert len(abbreviated) >= 1_500
