"""One facility across directory editions: the evidence that decides it, and what an edition changes."""

from datetime import date, datetime, timezone

from facility.editions import Listing, add_edition, evidence, match
from facility.model import DIRECTORY
from tests.facility.factories import make_facility, source

SURVEY_2022, SURVEY_2023 = date(2022, 3, 31), date(2023, 3, 31)


def listed(edition: int, phone="+14345550100", extension=None, codes=("OIT", "MD"), **fields):
    when = datetime(edition, 5, 1, tzinfo=timezone.utc)
    return make_facility(
        phones=[{"kind": "main", "number": phone, "extension": extension}] if phone else [],
        service_codes=list(codes),
        sources=[source(DIRECTORY, when, edition=str(edition), as_of=date(edition - 1, 3, 31))], **fields)


def same(older, newer) -> bool:
    return evidence(Listing.of(older), Listing.of(newer)) is not None


def test_a_rename_at_the_same_street_and_zip_with_the_same_phone_is_the_same_facility():
    assert same(listed(2022, name="Marion Area Counseling Center"),
                listed(2023, name="Community Counseling and Wellness Center"))


def test_a_name_alike_at_the_same_address_is_the_same_facility_though_the_phone_changed():
    assert same(listed(2022, name="Blue Ridge Recovery Inc"), listed(2023, name="Blue Ridge Recovery", phone="+14345550199"))


def test_another_organisation_at_the_same_address_with_its_own_phone_is_not():
    assert not same(listed(2022, name="Blue Ridge Recovery"),
                    listed(2023, name="Piedmont Methadone Clinic", phone="+14345550199"))


def test_program_names_in_conflict_tell_two_programs_of_one_organisation_apart():
    assert not same(listed(2022, name2="Women's Residential House", phone="+14345550111"),
                    listed(2023, name2="Adolescent Outpatient", phone="+14345550199"))


def test_names_swapped_between_the_organisation_and_the_program_are_the_same_facility():
    assert same(listed(2022, name="Blue Ridge Health", name2="Glen Allen Clinic", phone=None),
                listed(2023, name="Glen Allen Clinic", name2="Blue Ridge Health", phone=None))


def test_a_move_nearby_with_the_same_name_and_phone_is_the_same_facility():
    older = listed(2022)
    assert same(older, listed(2023, street1="40 Seminole Court", zip_code="22911"))


def test_a_move_across_the_state_is_not():
    assert not same(listed(2022), listed(2023, street1="40 Broad Street", city="Richmond", zip_code="23219"))


def test_one_switchboard_at_different_extensions_is_not_a_shared_phone():
    older = listed(2022, extension="6757")
    assert not same(older, listed(2023, street1="40 Seminole Court", zip_code="22911", extension="2617"))
    assert same(older, listed(2023, street1="40 Seminole Court", zip_code="22911"))


def test_each_listing_continues_at_most_one_and_neighbouring_programs_keep_their_own():
    # Two houses of one operator on one street, one phone; both listed in both editions.
    older = [listed(2022, street1="894 Pleasant Street"), listed(2022, street1="896 Pleasant Street")]
    newer = [listed(2023, street1="896 Pleasant Street"), listed(2023, street1="894 Pleasant Street")]
    assert match(older, newer) == {0: 1, 1: 0}


def test_adding_an_edition_keeps_ids_retires_the_gone_and_records_what_changed():
    kept = listed(2022, name="Blue Ridge Recovery", codes=("OIT", "MD"))
    # Medicare (MC) is asked in both editions: one listing of each says it.
    gone = listed(2022, name="Hilltop House", street1="9 Hill Road", phone="+14345550122", codes=("OIT", "MC"))
    history, counts = add_edition([kept, gone], [
        listed(2023, name="Blue Ridge Recovery", codes=("OIT", "MD", "MC")),
        listed(2023, name="Riverside IOP", street1="1 River Road", phone="+14345550133"),
    ], "2023", SURVEY_2023)

    assert counts == {"changed": 1, "new": 1, "retired": 1}
    continued, new, retired = history
    assert continued.id == kept.id and continued.status == "listed" and continued.last_listed == "2023"
    assert [(c.kind, c.field, c.values, c.as_of) for c in continued.changes] == [
        ("added", "payment", ["medicare"], SURVEY_2023)]
    assert [c.kind for c in new.changes] == ["new"] and new.status == "listed"
    assert retired.id == gone.id and retired.status == "retired" and retired.last_listed == "2022"
    assert retired.modified_on == SURVEY_2023


def test_a_retired_facility_listed_again_returns_with_its_id():
    gone = listed(2022, name="Hilltop House")
    history, _ = add_edition([gone], [], "2023", SURVEY_2023)
    history, counts = add_edition(history, [listed(2024, name="Hilltop House")], "2024", date(2024, 3, 31))
    assert counts["returned"] == 1
    assert history[0].id == gone.id and history[0].status == "listed"
    assert [c.kind for c in history[0].changes] == ["retired", "returned"]


def test_a_code_only_one_edition_used_is_a_survey_change_not_the_facilitys():
    history, counts = add_edition([listed(2022, codes=("OIT",))], [listed(2023, codes=("OIT", "TELE"))],
                                  "2023", SURVEY_2023)
    assert counts == {"unchanged": 1} and history[0].changes == []
