from collections import Counter

from crawler.importers.samhsa_directory import Directory
from facility.taxonomy import GROUPS, default_taxonomy, facets_from_codes
from tests.conftest import DIRECTORY_2022


def test_every_code_of_the_2022_reference_is_in_the_taxonomy(shared_data):
    reference = Directory(DIRECTORY_2022).reference
    taxonomy = default_taxonomy()
    assert len(reference) == 225
    for category, code, _name, _description in reference:
        term = taxonomy.term(code)
        assert term is not None, code
        assert term.category == category
        assert term.group in GROUPS
        assert term.label and term.description


def test_levels_of_care_cover_the_settings_users_compare():
    levels = default_taxonomy().values("levels_of_care")
    for value in ["iop", "php", "outpatient", "outpatient_detox", "methadone_bup_naltrexone",
                  "residential", "residential_detox", "hospital_inpatient"]:
        assert value in levels
    assert levels["iop"] == "Intensive outpatient (IOP)"
    assert default_taxonomy().term("OIT").value == "iop"
    assert default_taxonomy().term("ODT").value == "php"


def test_a_facet_value_means_one_thing_per_group():
    taxonomy = default_taxonomy()
    shared = Counter((t.group, t.value) for t in taxonomy.by_code.values())
    allowed = {("levels_of_care", "outpatient"), ("levels_of_care", "residential"),
               ("levels_of_care", "hospital_inpatient"), ("populations", "young_adults"),
               ("populations", "seniors")}
    assert {key for key, count in shared.items() if count > 1} <= allowed


def test_payment_values_are_the_ones_the_api_documents():
    payment = default_taxonomy().values("payment")
    assert {"medicaid", "medicare", "private", "military", "self_pay", "state_financed",
            "ihs_tribal"} <= set(payment)
    assert default_taxonomy().values("payment_assistance") == {
        "payment_assistance": "Payment assistance (check with facility for details)",
        "sliding_fee": "Sliding fee scale"}


def test_unknown_codes_are_kept_and_reported_never_fatal():
    fields, unknown = facets_from_codes(["SA", "OIT", "ZZZ9", "MD", "OIT"], default_taxonomy())
    assert fields["levels_of_care"] == ["iop"]
    assert fields["payment"] == ["medicaid"]
    assert fields["care_types"] == ["substance_use"]
    assert unknown == ["ZZZ9"]


def test_codes_new_in_an_edition_are_filed_by_their_category():
    taxonomy, added = default_taxonomy().with_reference([
        ("PAY", "MD", "Medicaid", "x"),
        ("PAY", "NEWP", "New payment program ", "A program a later edition adds"),
        ("NEWCAT", "ABC", "Something else", ""),
    ], 2023)
    assert added == ["NEWP", "ABC"]
    assert taxonomy.term("NEWP").group == "payment"
    assert taxonomy.term("NEWP").value == "new_payment_program"
    assert taxonomy.term("ABC").group == "other_services"
    assert default_taxonomy().term("NEWP") is None


def test_codes_new_in_an_edition_keep_its_name_and_description():
    taxonomy, _ = default_taxonomy().with_reference([
        ("OT", "DLC", "Withdrawal with lofexidine or clonidine", "Withdrawal managed with lofexidine."),
        ("OT", "MWS", "Maintenance with a planned end", ""),
    ], 2023)
    dlc, mws = taxonomy.term("DLC"), taxonomy.term("MWS")
    assert (dlc.label, dlc.samhsa_name, dlc.description) == (
        "Withdrawal with lofexidine or clonidine", "Withdrawal with lofexidine or clonidine",
        "Withdrawal managed with lofexidine.")
    assert dlc.group == "opioid_treatment"
    assert mws.description == "Maintenance with a planned end"  # no description: the name stands in


def test_co_occurring_treatment_is_described_as_treatment_not_housing(shared_data):
    for taxonomy in (default_taxonomy(),
                     default_taxonomy().with_reference(Directory(DIRECTORY_2022).reference, 2022)[0]):
        sumh = taxonomy.term("SUMH").description
        assert "serious mental illness" in sumh and "housing" not in sumh.lower()
        assert taxonomy.term("SUMH").description != taxonomy.term("HH").description
    reference = {code: description for _c, code, _n, description in Directory(DIRECTORY_2022).reference}
    assert reference["SUMH"] == reference["HH"]  # why ours must win for this code


def test_descriptions_come_from_the_newest_edition_except_ours():
    newer = [("PAY", "MC", "Medicare", "Medicare, as a newer edition puts it."),
             ("PAY", "MD", "Medicaid", ""),
             ("SET", "OIT", "Intensive outpatient treatment", "SAMHSA's own words for IOP."),
             ("TC", "SUMH", "Co-occurring", "Housing for individuals recovering from substance abuse.")]
    taxonomy, _ = default_taxonomy().with_reference(newer, 2023)
    assert taxonomy.term("MC").description == "Medicare, as a newer edition puts it."
    assert taxonomy.term("MD").description == default_taxonomy().term("MD").description
    for code in ("OIT", "SUMH"):
        assert taxonomy.term(code).description == default_taxonomy().term(code).description
    older, _ = default_taxonomy().with_reference(newer, 2021)
    assert older.term("MC").description == default_taxonomy().term("MC").description


def test_codes_that_do_not_mean_the_same_do_not_share_a_description():
    # The 2022 reference gave SUMH transitional housing's text; a shared description is how that shows.
    meanings: dict[str, set[tuple[str, str]]] = {}
    for term in default_taxonomy().by_code.values():
        meanings.setdefault(term.description, set()).add((term.samhsa_name, term.value))
    shared = {description: pairs for description, pairs in meanings.items()
              if len({name for name, _ in pairs}) > 1 and len({value for _, value in pairs}) > 1}
    assert shared == {}
