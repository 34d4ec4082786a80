import pytest

from crawler.websites.evidence import Basis, published
from crawler.websites.scope import Abstention, PageKind
from crawler.websites.text import days_in, insurance_in, read_page, schedules_in, sentences, telehealth_in, time_ranges


@pytest.mark.parametrize("sentence, days", [
    ("Groups meet Monday through Thursday.", ["mon", "tue", "wed", "thu"]),
    ("Mon/Wed/Fri", ["mon", "wed", "fri"]),
    ("Monday, Tuesday and Thursday", ["mon", "tue", "thu"]),
    ("Tuesdays and Thursdays", ["tue", "thu"]),
    ("Friday to Sunday", ["fri", "sat", "sun"]),
    ("on weekdays", ["mon", "tue", "wed", "thu", "fri"]),
    ("Weekend track", []),  # a weekend track may meet on either day: it is a weekend one, of no named day
    ("Monthly meetings on the first Monday", ["mon"]),
    ("weekday mornings", ["mon", "tue", "wed", "thu", "fri"]),
    ("Grupo en español: martes y jueves", ["tue", "thu"]),
    ("lunes a miércoles", ["mon", "tue", "wed"]),
    ("No days here", []),
])
def test_days(sentence, days):
    assert days_in(sentence) == days


@pytest.mark.parametrize("sentence, hours", [
    ("from 6:00 pm to 9:00 pm", ("18:00", "21:00")),
    ("6-9 pm", ("18:00", "21:00")),
    ("9:00 a.m. – 12:00 p.m.", ("09:00", "12:00")),
    ("11-2 pm", ("11:00", "14:00")),
    ("5:30 to 8:30 p.m.", ("17:30", "20:30")),
    ("18:00–21:00", ("18:00", "21:00")),
    ("12 noon", None),
    ("1-2 people per group", None),  # a count, not a time
    ("9 pm to 6 pm", None),  # ends before it starts
    ("25:00-26:00", None),
    ("from 9 to noon", ("09:00", "12:00")),
    ("10:00–1:00", ("10:00", "13:00")),  # no meridiem: into the afternoon
])
def test_time_ranges(sentence, hours):
    assert (time_ranges(sentence) or [None])[0] == hours


def test_every_range_of_a_sentence_is_a_schedule():
    morning, evening = schedules_in("Sessions are held Mon and Thu from 9 a.m.–12 p.m. and again from 6–9 p.m.")
    assert (morning.starts, morning.evening, evening.starts, evening.evening) == ("09:00", False, "18:00", True)


@pytest.mark.parametrize("sentence", [
    "Office hours are Monday through Friday, 8 am to 5 pm.",
    "Clinic hours: Monday–Saturday, 7am–7pm",
    "Intake assessments are Monday to Friday, 9-11 am, for the IOP.",
    "Our Tuesday/Friday daytime group was discontinued in January 2024.",
    "We do not currently offer weekend groups.",
    "A guide to evening IOPs",  # a link's text, not a track the facility runs
])
def test_what_is_not_a_program_schedule(sentence):
    assert schedules_in(sentence, program_page=True) == []


def test_a_line_of_days_and_hours_counts_on_a_program_page_only():
    assert schedules_in("Tues/Thurs 5:30–8:30pm") == []
    assert schedules_in("Tues/Thurs 5:30–8:30pm", program_page=True)[0].days == ["tue", "thu"]


def test_evening_by_word_or_by_start_time():
    assert schedules_in("The evening IOP group meets Tuesdays.")[0].evening is True
    assert schedules_in("IOP sessions 4:30-7:30 pm on Mondays")[0].evening is True
    assert schedules_in("IOP 9:00-12:00 Mon")[0].evening is False
    assert schedules_in("The program meets three evenings a week.")[0].evening is True


def test_insurance_names_in_text_order_longest_match_first_never_inside_words():
    names = [n.name for n, _ in insurance_in("In network with Aetna Better Health, Aetna and BCBS; not Humanage.")]
    assert names == ["Aetna Better Health", "Aetna", "Blue Cross Blue Shield"]


def test_insurance_names_are_proper_names_never_common_words():
    assert [n.name for n, _ in insurance_in("Our medical team bills MEDI-CAL.")] == ["Medi-Cal"]
    assert insurance_in("We coordinate medical care and medication.") == []
    assert insurance_in("Ask about humana or aetna coverage.") == []  # lower case is a word, not a name


@pytest.mark.parametrize("sentence, said", [
    ("We accept Aetna but not Cigna.", [("Aetna", True), ("Cigna", False)]),
    ("We are no longer in network with Cigna.", [("Cigna", False)]),
    ("We do not accept Medi-Cal or Aetna.", [("Medi-Cal", False), ("Aetna", False)]),
    ("We accept all major plans except Humana.", [("Humana", False)]),
    ("Cigna is out-of-network; we accept Aetna.", [("Cigna", False), ("Aetna", True)]),
])
def test_negation_takes_the_name_back_within_its_clause(sentence, said):
    assert [(n.name, accepted) for n, accepted in insurance_in(sentence)] == said


@pytest.mark.parametrize("sentence, said", [
    ("Virtual IOP sessions are available through telehealth.", True),
    ("We offer online therapy groups.", True),
    ("We do not offer telehealth.", False),
    ("Telehealth isn't available for this program.", False),
    ("Call us to enroll.", None),
    ("Individual check-ins can be done by phone or video.", True),
    ("Virginia's Medicaid plan pays for telehealth visits.", None),  # a mention, not an offer
])
def test_telehealth(sentence, said):
    assert telehealth_in(sentence) is said


def test_a_page_reads_into_findings_with_their_sentences():
    text = ("Intensive Outpatient Program\nOur IOP meets Mon, Wed and Thu from 6 to 9 p.m. It is 9 hours a week. "
            "We accept Cigna and Medi-Cal. Telehealth is available.")
    findings = read_page(text)
    assert findings.iop[0] == "Intensive Outpatient Program"
    schedule, sentence, basis = findings.schedules[0]
    assert (schedule.days, schedule.starts, schedule.ends) == (["mon", "wed", "thu"], "18:00", "21:00")
    assert (sentence, basis) == ("Our IOP meets Mon, Wed and Thu from 6 to 9 p.m.", Basis.SCHEDULE_NAMING_IOP)
    assert findings.hours_per_week == [(9.0, "It is 9 hours a week.", Basis.WEEKLY_HOURS)]
    assert [(f.value.name, f.basis) for f in findings.carriers] == [("Cigna", Basis.FIRST_PERSON_ACCEPTANCE)]
    plan = findings.medicaid_plans[0].value
    assert (plan.name, plan.states) == ("Medi-Cal", {"CA"})
    assert findings.telehealth == [(True, "Telehealth is available.", Basis.TELEHEALTH_OFFER)]


@pytest.mark.parametrize("text", [
    "Sessions are often scheduled during evenings or weekends to ensure participants can maintain their routines.",
    "Most intensive outpatient programs run for 9 to 20 hours per week, according to the Substance Abuse and "
    "Mental Health Services Administration.",
    "Plans are underway to design online programs.",
    "Do you offer evening IOP on Tuesdays?",
    "Many insurers, such as Cigna, cover IOP.",
    "We may add weekend groups on Saturday.",
    "Virtual IOP — coming soon!",
    "Sign up for our newsletter to hear when online groups open.",
])
def test_general_hedged_and_questioning_sentences_say_nothing_about_the_facility(text):
    findings = read_page(text)
    assert (findings.schedules, findings.hours_per_week, findings.carriers, findings.telehealth) == ([], [], [], [])


def test_what_was_not_read_as_the_facilitys_is_counted_by_reason():
    findings = read_page("Do you offer evening IOP?\nMost IOPs meet 9 hours per week.\nWe may add Saturday groups.")
    assert findings.abstained == {Abstention.QUESTION: 1, Abstention.GENERAL: 1, Abstention.HEDGED: 1}


@pytest.mark.parametrize("text", [
    "Unlike many programs that may only meet by day, our IOP meets Monday to Thursday 6-9 pm.",
    "For people who work Monday to Friday, our IOP meets Monday to Thursday 6-9 pm.",
    "Our IOP meets Monday to Thursday, 6 to 9 pm, so you can keep working.",
])
def test_the_facilitys_own_words_beside_a_general_clause_count(text):
    schedule = read_page(text).schedules[0][0]
    assert schedule.days == ["mon", "tue", "wed", "thu"] and schedule.evening


def test_a_yes_or_no_answers_the_question_it_follows():
    findings = read_page("Do you accept AHCCCS?\nYes.\nDo you take Cigna?\nNo.")
    assert [(f.value.name, f.basis) for f in findings.medicaid_plans] == [("AHCCCS", Basis.ANSWERED_QUESTION)]
    assert [f.value.name for f in findings.refused] == ["Cigna"]


@pytest.mark.parametrize("sentence, hours", [
    ("Participants attend twelve hours a week.", 12.0),
    ("with at least nine hours of treatment weekly", 9.0),
    ("Our IOP provides 9–12 hours of programming per week.", 9.0),
    ("12 hrs/week", 12.0),
    ("The program provides nine or more hours of group treatment per week.", 9.0),
    ("Teens attend 9 hours of weekly groups after school.", 9.0),  # after school is no job or school hours
])
def test_hours_per_week_in_words_or_digits(sentence, hours):
    assert read_page(f"Intensive Outpatient Program\n{sentence}").hours_per_week[0][0] == hours


def test_long_sentences_are_cut_for_evidence():
    assert len(sentences("IOP " + "word " * 500)[0]) == 300


@pytest.mark.parametrize("sentence, days", [
    ("Adult IOP — M, W, Th · 5:30–8:30p", ["mon", "wed", "thu"]),
    ("Groups M/W/F", ["mon", "wed", "fri"]),
    ("Front desk M–F", ["mon", "tue", "wed", "thu", "fri"]),
    ("Track A at 9 (room W)", []),  # a single capital letter is no day
])
def test_days_as_letters_only_in_a_list(sentence, days):
    assert days_in(sentence) == days


def test_a_line_of_days_reads_with_the_line_of_hours_under_it():
    schedule = read_page("Intensive outpatient program\nAfternoon Group\nTuesday, Thursday\n4:00 PM – 7:00 PM").schedules
    assert [(s.days, s.starts, s.evening) for s, _, _ in schedule] == [(["tue", "thu"], "16:00", True)]


def test_a_table_under_a_header_of_days_reads_by_column():
    text = ("Weekly IOP grid\nTrack | Mon | Tue | Wed | Sat\nAdult AM | 9:00–12:00 | — | 9:00–12:00 | —\n"
            "Weekend | — | — | — | 10:00–1:00\nSunday: building closed.")
    found = [(s.days, s.starts, s.ends, basis) for s, _, basis in read_page(text).schedules]
    assert found == [(["mon", "wed"], "09:00", "12:00", Basis.SCHEDULE_TABLE),
                     (["sat"], "10:00", "13:00", Basis.SCHEDULE_TABLE)]


def test_insurance_lists_count_and_mentions_in_prose_do_not():
    listed = read_page("Aetna · Cigna · UnitedHealthcare · Blue Cross Blue Shield of Arizona · TRICARE West")
    assert [f.value.name for f in listed.carriers] == ["Aetna", "Cigna", "UnitedHealthcare",
                                                       "Blue Cross Blue Shield", "TRICARE"]
    assert read_page("Virginia's Cardinal Care continues to pay for telehealth visits.").medicaid_plans == []


@pytest.mark.parametrize("text, said", [
    ("9 hrs/wk · in-person only", False),
    ("We stopped offering virtual groups in 2023.", False),
    ("Virtual IOP", True),
    ("Can I attend by telehealth?\nNo.", False),
    # what is true now
    ("We offered video groups during the pandemic, but we no longer offer them.", False),
    ("All of our programs are in person at our Elm Street clinic.", False),
    ("Attend at our office or join from home over secure video — many of our clients switch week to week.", True),
    ("Relatives who live far away can join family sessions by video.", True),
])
def test_telehealth_by_heading_stop_and_answer(text, said):
    assert [finding.value for finding in read_page(text).telehealth] == [said]


def test_a_timetable_on_a_sober_living_page_is_its_own_class_unless_it_names_the_iop():
    text = ("Sober Living Schedule\nPeer group Sunday 7:00 pm to 8:00 pm\nHouse meeting Monday 8:00 pm to 9:00 pm\n"
            "Our IOP meets Tue and Thu 6-9 pm.")
    bases = [(f.value.days, f.basis) for f in read_page(text, PageKind.HOUSING).schedules]
    assert bases == [(["sun"], Basis.HOUSING_SCHEDULE), (["tue", "thu"], Basis.SCHEDULE_NAMING_IOP)]  # no house meeting


def test_insurers_on_a_page_about_one_insurer_are_their_own_class():
    findings = read_page("Cigna rehab coverage\nCigna plans often cover IOP.", PageKind.CARRIER)
    assert {(f.value.name, f.basis) for f in findings.carriers} == {("Cigna", Basis.CARRIER_PAGE)}


@pytest.mark.parametrize("text, basis", [
    ("We accept Aetna.", Basis.FIRST_PERSON_ACCEPTANCE),
    ("Palm Coast is in network with Aetna.", Basis.OWN_NAME_ACCEPTANCE),  # read on palmcoastrecovery.example
    ("The hospital is in network with Aetna.", Basis.ACCEPTANCE_PROSE),
    ("Clients are referred to our partner clinic, which is in network with Aetna.", Basis.ACCEPTANCE_PROSE),
    ("Insurance we accept\nAetna\nCigna", Basis.LIST_UNDER_HEADING),
    ("Insurance\nAetna\nCigna", Basis.LIST_UNDER_INSURANCE_HEADING),
    ("Ways to pay\nAetna\nCigna\nWe bill TRICARE directly.", Basis.LIST_ON_ACCEPTING_PAGE),
    ("Kentucky Medicaid\nPassport Health Plan, Aetna, WellCare and Humana Healthy Horizons",
     Basis.LIST_UNDER_INSURANCE_HEADING),  # a heading that names a kind of insurance
    ("In network with Aetna, Cigna and Humana.", Basis.ACCEPTING_LINE),
    ("Both offices accept Aetna, Medica and Wellmark.", Basis.ACCEPTING_LINE),
    ("Aetna accepted.", Basis.ACCEPTING_LINE),
    ("Insurance type: Commercial (Aetna, Cigna, etc.)", Basis.NAME_LIST),  # examples in a form
    ("Your insurance\nAetna\nCigna", Basis.NAME_LIST),
])
def test_insurance_findings_name_their_class(text, basis):
    findings = read_page(text, host="www.palmcoastrecovery.example")
    assert {f.basis for f in findings.carriers if f.value.name == "Aetna"} == {basis}


@pytest.mark.parametrize("text", ["Insurance company\n-- Select --\nAetna\nCigna\nOther / not listed",
                                  "We accept insurance.\nChoose your plan\nAetna\nCigna"])
def test_a_forms_drop_down_list_accepts_nothing(text):
    findings = read_page(text)
    assert findings.carriers == [] and findings.medicaid_plans == []


def test_a_place_heading_places_the_plans_under_it():
    text = ("Insurance by location\nBoise, Idaho clinic — 10 Main St, Boise, ID 83702\n"
            "Commercial: PacificSource, Aetna\n"
            "Spokane, Washington clinic\nCommercial: Premera Blue Cross, Aetna\nBoth offices accept Cigna.\n"
            "Kentucky — Humana, Anthem")
    placed = {(f.value.name, tuple(sorted(f.value.states))) for f in read_page(text).carriers}
    assert placed == {("PacificSource Health Plans", ("ID",)), ("Aetna", ("ID",)), ("Premera Blue Cross", ("WA",)),
                      ("Aetna", ("WA",)), ("Cigna", ()), ("Humana", ("KY",)), ("Anthem", ("KY",))}


def test_a_day_over_no_groups_is_no_session():
    text = ("IOP group schedule\nMONDAY\n9:00–10:30 AM Process Group\n"
            "WEDNESDAY\nNo IOP groups. Walk-in assessments only.")
    assert {day for f in read_page(text).schedules for day in f.value.days} == {"mon"}


def test_days_chained_with_hyphens_are_a_list_not_a_range():
    assert days_in("IOP groups: Mon-Wed-Fri, 9:00a-12:00p") == ["mon", "wed", "fri"]


@pytest.mark.parametrize("sentence, days", [
    ("Our IOP meets M-W-F, 9 to noon.", ["mon", "wed", "fri"]),  # letters chained by hyphens list three days
    ("Weekday Evening IOP — Monday, Wednesday, Thursday, 6-9 pm", ["mon", "wed", "thu"]),  # the track's own days
    ("Our IOP runs weekday mornings from 9 to noon, and Monday and Wednesday evenings from 6 to 9.",
     ["mon", "tue", "wed", "thu", "fri"]),  # "weekday" with hours of its own names the weekdays
])
def test_weekday_names_a_track_or_the_weekdays(sentence, days):
    assert days_in(sentence) == days


@pytest.mark.parametrize("text", [
    "Intensive Outpatient Program\nAftercare meets Wednesday mornings, 10 to 11.",
    "Intensive Outpatient Program\nParents attend a support group on Tuesday evenings from 6 to 7:30 p.m.",
    "Intensive Outpatient Program\nOur opioid treatment program doses Saturday and Sunday 7:00–9:00 am.",
    "Intensive Outpatient Program\nDUI Education\nThe information school meets Saturdays from 9 a.m. to 1 p.m.",
    "Intensive Outpatient Program\nDosing hours: Mon–Fri 6–11 am; Saturday and Sunday 7–10 am.",
    "Intensive Outpatient Program\nRecovery café | Saturday | 10:00 AM – 2:00 PM",
    "Intensive Outpatient Program\n3100 Main St\nMon–Fri 8am–6pm",  # opening hours, not a session
    "Intensive Outpatient Program\n1994 — Our first group met on Tuesday nights.",
    "Intensive Outpatient Program\nNew this fall: a Saturday morning IOP track.",
    "Intensive Outpatient Program\nWhat to look for\n• Evening or weekend groups",
    "Intensive Outpatient Program\nIf you need evening treatment we will help you find another program.",
    "Outpatient counseling\nGroup counseling is offered Tuesday and Thursday at 11 am.",  # never names the IOP
])
def test_schedules_of_other_services_and_mentions_are_not_the_iops(text):
    assert read_page(text).schedules == []


def test_a_joint_php_and_iop_schedule_is_the_iops_too():
    found = read_page("The Partial Hospitalization Program and the Intensive Outpatient Program meet Monday "
                      "through Friday, except holidays.").schedules
    assert [f.value.days for f in found] == [["mon", "tue", "wed", "thu", "fri"]]


def test_a_quoted_testimonial_is_not_the_facilitys_word():
    text = "Intensive Outpatient Program\n“The Saturday morning group was my anchor,” says Dana, an alumna."
    assert read_page(text).schedules == []


@pytest.mark.parametrize("sentence", [
    "Residents must attend an IOP of at least 9 hours a week with a licensed provider of their choice.",
    "Every client receives one hour of individual therapy per week.",
])
def test_weekly_hours_of_someone_elses_program_or_one_part_are_not_the_programs(sentence):
    assert read_page(f"Intensive Outpatient Program\n{sentence}").hours_per_week == []


@pytest.mark.parametrize("text, said", [
    ("Residents can use the office to join their own telehealth appointments.", None),
    ("We're building a telehealth option for clients who live far away.", None),
    ("You can attend at our office or join the same group online from home.", True),
    ("Family sessions can be scheduled in person or over Zoom.", True),
    ("From spring 2020 through the end of 2021 our groups met on Zoom.", None),
    ("During the pandemic our IOP moved online, and it is still offered by video today.", True),
    ("Since 2020 we have offered our adult IOP by video.", True),
    ("The family group is in person only; we do not stream it.", None),
    ("The program is offered in person only.", False),
    ("Can residents do telehealth here?\nYes. Residents reserve a room for video visits with their own doctor.", None),
])
def test_telehealth_of_the_facility_now(text, said):
    assert [f.value for f in read_page(text).telehealth][:1] == ([said] if said is not None else [])


def test_program_hours_are_a_schedule_and_office_hours_are_not():
    text = "Recovery Program (Intensive Outpatient)\nProgram hours: Monday through Thursday, 1:00 – 4:00 p.m."
    assert [f.value.days for f in read_page(text).schedules] == [["mon", "tue", "wed", "thu"]]
    office = "Intensive Outpatient Program\nOffice hours: Monday through Friday, 8 a.m. – 5 p.m."
    assert read_page(office).schedules == []


def test_a_spanish_list_of_plans_we_accept():
    text = ("Seguros que aceptamos\nEstamos dentro de la red de los siguientes seguros:\nSeguros privados\n• Aetna\n"
            "• Cigna\nPor el momento no estamos dentro de la red de Ambetter.")
    findings = read_page(text)
    assert sorted(f.value.name for f in findings.carriers) == ["Aetna", "Cigna"]
    assert [f.value.name for f in findings.refused] == ["Ambetter"]


def test_check_marks_under_day_letters_give_the_iops_days():
    text = ("Group Schedule\nGroup | M | T | W | Th | F\nIOP Process Group (9:00–10:30 am) | ✓ | | ✓ | ✓ |\n"
            "Family Education (6:00–8:00 pm) | | ✓ | | |")
    assert [f.value.days for f in read_page(text).schedules] == [["mon", "wed", "thu"]]
    week = "Groups\nGroup | S | M | T | W | T | F | S\nEvening IOP (6:00–9:00 pm) | | | ✓ | | ✓ | | "
    assert [f.value.days for f in read_page(week).schedules] == [["tue", "thu"]]  # the second T is Thursday
    tracks = ("Weekly IOP Schedule\nTrack | Mon | Tue | Wed | Thu | Fri | Time\n"
              "Morning IOP | ✓ | – | ✓ | – | ✓ | 9:00–12:00\nEvening IOP | – | ✓ | – | ✓ | – | 6:00–9:00 pm")
    assert [(f.value.days, f.value.evening) for f in read_page(tracks).schedules] == [
        (["mon", "wed", "fri"], False), (["tue", "thu"], True)]  # each track's check marks, its hours under "Time"


def test_the_facilitys_name_as_its_host_spells_its_first_words():
    findings = read_page("Fees\nAlder Flat County Behavioral Health accepts Medi-Cal. We can also bill Anthem.",
                         host="www.alderflatcountyca.gov")
    assert [(f.value.name, f.basis) for f in findings.medicaid_plans] == [("Medi-Cal", Basis.OWN_NAME_ACCEPTANCE)]
    assert [(f.value.name, f.basis) for f in findings.carriers] == [("Anthem", Basis.FIRST_PERSON_ACCEPTANCE)]
    other = read_page("Southern Pines accepts Medi-Cal.", host="southernhillsrecovery.com").medicaid_plans
    assert [f.basis for f in other] == [Basis.ACCEPTANCE_PROSE]  # one shared word is not the name


def test_a_spanish_first_person_acceptance():
    findings = read_page("Seguros\nAceptamos los planes de Superior HealthPlan y Molina Healthcare.")
    assert {(f.value.name, f.basis) for f in findings.medicaid_plans} == {
        ("Superior HealthPlan", Basis.FIRST_PERSON_ACCEPTANCE), ("Molina Healthcare", Basis.FIRST_PERSON_ACCEPTANCE)}


def test_the_sites_own_list_on_a_page_about_one_insurer_keeps_its_class():
    text = "Does Kaiser cover IOP\nKaiser runs its own programs.\nInsurance we accept\n• Aetna\n• Cigna"
    bases = {(f.value.name, f.basis) for f in read_page(text, PageKind.CARRIER).carriers}
    assert bases == {("Aetna", Basis.LIST_UNDER_HEADING), ("Cigna", Basis.LIST_UNDER_HEADING)}


def test_logos_shown_for_reference_name_no_network():
    text = ("Insurance\nAetna Cigna Humana UnitedHealthcare\n"
            "Logos are shown for reference only and do not indicate that we are in network with these carriers.")
    assert read_page(text).carriers == []


def test_a_plan_named_beside_another_state_serves_that_state():
    findings = read_page("For clients who live in North Carolina we also accept Healthy Blue.")
    assert [(f.value.name, f.value.serves("VA"), f.value.serves("NC")) for f in findings.medicaid_plans] == [
        ("Healthy Blue", False, True)]


def test_a_general_clause_after_a_claim_leaves_the_claim():
    text = ("Intensive Outpatient Program\nGroups are held on Tuesdays and Thursdays. Sessions run from 6:00 to "
            "9:00 in the evening, and most people finish in eight weeks.")
    assert [(f.value.days, f.value.starts) for f in read_page(text).schedules] == [(["tue", "thu"], "18:00")]


def test_a_session_that_will_be_held_is_a_schedule_not_a_plan():
    text = ("Intensive Outpatient Program\nOur IOP groups gather on Monday, Tuesday and Thursday. A daytime "
            "group will be held from 10 a.m. to 1 p.m., with a night group from 6 to 9 p.m.")
    assert {(tuple(f.value.days), f.value.starts) for f in read_page(text).schedules} == {
        (("mon", "tue", "thu"), "10:00"), (("mon", "tue", "thu"), "18:00")}


@pytest.mark.parametrize("text, carriers, refused", [
    ("Health plan | Network status\nAetna | In network\nCigna | Out of network\nHumana | Pending",
     {"Aetna"}, {"Cigna"}),
    ("Insurance we accept\nPrevious\nAetna\nCigna\nNext", {"Aetna", "Cigna"}, set()),
])
def test_status_tables_and_sliders_of_plans(text, carriers, refused):
    findings = read_page(text)
    assert {f.value.name for f in findings.carriers if published(f.basis)} == carriers
    assert {f.value.name for f in findings.refused} == refused


@pytest.mark.parametrize("sentence, hours", [
    ("Weekly commitment: 9+ hours", 9), ("Each week includes 12 hours of live group.", 12),
    ("IOP is 9 hours a week of group and individual work.", 9),
    ("The program provides nine or more hours of group per week (three hours a day, three times a week).", 9),
])
def test_a_weekly_total_stated_week_first_or_with_work(sentence, hours):
    assert [f.value for f in read_page(f"Our IOP\n{sentence}").hours_per_week] == [hours]


def test_a_page_that_says_there_is_no_iop_gives_no_schedule():
    text = ("Do you have an evening IOP?\nWe don't offer an intensive outpatient program. We provide outpatient "
            "counseling, with evening groups on Tuesdays and Thursdays from 6 to 8 PM.")
    assert read_page(text).schedules == []


def test_a_question_asking_which_plans_are_taken_heads_its_answer():
    findings = read_page("What insurance do you accept?\nPacificSource, Moda Health and Aetna.")
    assert {f.value.name for f in findings.carriers if published(f.basis)} == {"PacificSource Health Plans", "Aetna",
                                                                               "Moda Health"}


def test_a_virtual_information_session_is_not_care():
    assert telehealth_in("Virtual information session: Wednesday at noon on Zoom, for referring professionals.") is None


@pytest.mark.parametrize("sentence, hours", [
    ("En total son nueve horas por semana.", 9), ("Cada participante completa un mínimo de 9 horas semanales.", 9),
    ("Son 12 horas de grupo por semana.", 12),
])
def test_weekly_hours_in_spanish(sentence, hours):
    assert [f.value for f in read_page(f"Programa intensivo (IOP)\n{sentence}").hours_per_week] == [hours]


@pytest.mark.parametrize("line, evening", [
    ("Day and evening IOP", True),
    ("Evening IOP — Group therapy after work, so you keep your job.", True),
    ("Programa Intensivo Ambulatorio (IOP) — grupo nocturno en español", True),
    ("Evening or weekend groups", False),  # what to look for in a program, not a track of ours
    ("A guide to evening IOPs", False),  # a post's title
])
def test_an_evening_track_named_on_a_label_or_a_programs_card(line, evening):
    findings = read_page(f"Our IOP\n{line}")
    assert any(f.value.evening for f in findings.schedules) is evening
    assert all(f.basis == Basis.NAMED_TRACK for f in findings.schedules)


@pytest.mark.parametrize("line, said", [
    ("Telehealth Counseling — Individual sessions by secure video from anywhere in Idaho.", [True]),
    ("¿No puede venir en persona? Puede conectarse a su cita individual por video desde su teléfono.", [True]),
    ("Alumni — Monthly reunions on Zoom for everyone who finished the program.", []),
    ("Family sessions can take place at our office or over video, whichever works better.", [True]),
])
def test_telehealth_named_on_a_programs_card_or_offered_in_spanish(line, said):
    assert [f.value for f in read_page(line).telehealth] == said


def test_a_program_week_followed_by_another_service_is_the_programs():
    text = ("Our IOP\nThe program runs Monday through Friday for about four weeks, followed by continuing care "
            "on Tuesdays.")
    assert [f.value.days for f in read_page(text).schedules] == [["mon", "tue", "wed", "thu", "fri"]]


@pytest.mark.parametrize("sentence, basis", [
    ("We accept TRICARE East, and we are a VA Community Care Network provider (VA referral required).",
     Basis.FIRST_PERSON_ACCEPTANCE),
    ("Service members are referred to our partner clinic, which is in network with TRICARE.", Basis.ACCEPTANCE_PROSE),
])
def test_a_referral_names_someone_else_only_when_someone_is_referred(sentence, basis):
    assert [f.basis for f in read_page(sentence).carriers] == [basis]


def test_a_dated_heading_heads_its_list_past_the_pages_print_link():
    text = "Accepted Payers (updated March 2026)\nPrint this page\nAnthem – commercial\nCigna – commercial"
    findings = read_page(text)
    assert {f.value.name for f in findings.carriers if published(f.basis)} == {"Anthem", "Cigna"}


def test_a_days_label_over_an_hours_label_is_the_programs_schedule():
    text = "Our IOP\nProgram details\nDays: Tue · Wed · Thu\nHours: 5:00 – 8:00 p.m.\nClinic\nHours: 8:00 – 5:00"
    assert [(f.value.days, f.value.starts) for f in read_page(text).schedules] == [(["tue", "wed", "thu"], "17:00")]


@pytest.mark.parametrize("sentence, carriers", [
    ("Until December 2024 we were in network with PacificSource; those contracts have ended.", set()),
    ("We used to accept Cigna.", set()),
    ("Pecan Creek is in network with Ambetter from Superior HealthPlan for our IOP.", {"Ambetter"}),
])
def test_a_past_network_is_not_accepted_and_a_marketplace_brand_names_one_plan(sentence, carriers):
    findings = read_page(sentence)
    assert {f.value.name for f in findings.carriers + findings.medicaid_plans} == carriers



def test_the_outpatient_groups_times_are_not_the_iops():
    text = "Our IOP\nTimes\nIOP: 10:00 a.m. – 1:00 p.m.\nOP group: 6:00 – 7:30 p.m."
    assert [(f.value.starts, f.value.evening) for f in read_page(text).schedules] == [("10:00", False)]


def test_a_meeting_times_heading_heads_the_programs_sessions():
    text = "Women's Intensive Outpatient Program\nMeeting times\nTuesday and Thursday, 6:00 – 9:00 p.m."
    assert [f.value.days for f in read_page(text).schedules] == [["tue", "thu"]]
    assert read_page("Our IOP\nAA meeting times\nTuesday and Thursday, 6:00 – 9:00 p.m.").schedules == []


@pytest.mark.parametrize("sentence, hours", [
    ("You'll get nine-plus hours each week of live groups.", 9), ("Our IOP is 9+ hours per week.", 9),
])
def test_a_weekly_minimum_written_with_plus(sentence, hours):
    assert [f.value for f in read_page(f"Our IOP\n{sentence}").hours_per_week] == [hours]


def test_video_sessions_offered_in_spanish_with_ser():
    said = read_page("Programa intensivo (IOP)\nLas sesiones individuales también pueden ser por videollamada.")
    assert [f.value for f in said.telehealth] == [True]


def test_a_sentence_goes_on_past_an_abbreviation_before_a_name():
    assert sentences("Groups meet at our St. Paul office. Dr. Okafor sees clients by video.") == [
        "Groups meet at our St. Paul office.", "Dr. Okafor sees clients by video."]
    assert [f.value for f in read_page("Family sessions can be held at our Ft. Wayne office or by video.").telehealth] \
        == [True]


def test_a_spanish_schedule_at_the_office_is_the_programs_and_office_hours_are_not():
    text = ("Programa intensivo (IOP)\nHorario\nMartes y jueves de 6:00 a 9:00 de la noche, en nuestra oficina del "
            "centro.\nHorario de oficina: lunes a viernes de 8:00 a 5:00")
    assert [(f.value.days, f.value.evening) for f in read_page(text).schedules] == [(["tue", "thu"], True)]


@pytest.mark.parametrize("sentence, said", [
    ("Si no puede venir, puede participar por videollamada desde su casa.", [True]),
    ("Every group meets in person at our Elm Street office; we don't run groups online.", [False]),
    ("Sessions with your own family can be held at our office or by video.", [True]),
    ("Residents reserve a room for video visits with their own doctor.", []),
])
def test_telehealth_joined_from_home_or_not_run_online(sentence, said):
    assert [f.value for f in read_page(sentence).telehealth] == said


def test_weekly_hours_after_a_depending_on_clause():
    text = "Our IOP\nDepending on how many sessions your counselor advises, you'll spend 9 to 12 hours a week with us."
    assert [f.value for f in read_page(text).hours_per_week] == [9]


def test_a_visitors_own_situation_and_a_bodys_full_name_say_nothing_of_the_facility():
    findings = read_page("Insurance questions\nWe accept most plans.\nI have Cigna. Will it pay?\n"
                         "Our IOP\nThe American Society of Addiction Medicine puts an IOP at nine hours a week.")
    assert findings.carriers == [] and findings.hours_per_week == []
    assert findings.abstained[Abstention.VISITOR] == 1 and findings.abstained[Abstention.GENERAL] == 1


def test_a_session_joined_by_telephone_is_remote_care():
    assert [f.value for f in read_page("On snowy days you can join your session by telephone.").telehealth] == [True]
    assert read_page("Appointments can be made by phone.").telehealth == []


def test_a_spanish_page_names_its_program_in_spanish():
    text = ("Quiénes somos\nNuestro programa intensivo ambulatorio se reúne los lunes y miércoles de 6:00 a 9:00 de la "
            "noche.\nOfrecemos sesiones por teléfono a quien no puede venir.")
    findings = read_page(text)
    assert [(f.value.days, f.value.evening) for f in findings.schedules] == [(["mon", "wed"], True)]
    assert [f.value for f in findings.telehealth] == [True]


def test_forms_kept_online_are_no_care_online():
    assert read_page("We have intake forms online.").telehealth == []
    assert [f.value for f in read_page("We hold evening groups online.").telehealth] == [True]


def test_a_plan_list_under_a_partners_heading_is_the_partners():
    text = ("Payment\nTreatment through our clinical partner\n"
            "Birchfield Counseling is in network with Aetna, Cigna and Humana.")
    assert {f.basis for f in read_page(text, PageKind.HOUSING).carriers} == {Basis.ACCEPTANCE_PROSE}
    logos = read_page("Insurance\nIn-network insurance partners\nAetna logo\nCigna logo")
    assert {f.basis for f in logos.carriers} == {Basis.LIST_UNDER_HEADING}


def test_in_network_at_some_of_a_chains_facilities_is_not_said_of_this_one():
    for said in ("We are in network with Aetna at select locations.", "Aetna is accepted at certain locations."):
        assert {f.basis for f in read_page(said).carriers} == {Basis.ACCEPTANCE_PROSE}


def test_on_a_page_about_one_insurer_only_the_facilitys_acceptance_in_so_many_words_counts():
    text = ("Anthem Coverage for Rehab\nAnthem plans often cover IOP.\n"
            "Send us your member ID and we'll contact Anthem for you.\nWe are in network with Anthem in Ohio.")
    found = read_page(text, PageKind.CARRIER, "example.org").carriers
    assert [(f.sentence, f.basis) for f in found if published(f.basis)] == [
        ("We are in network with Anthem in Ohio.", Basis.FIRST_PERSON_ACCEPTANCE)]


def test_what_a_plan_covers_is_no_answer_about_the_facility():
    assert read_page("Does Cigna cover outpatient rehab?\nYes, most of its plans do.").carriers == []
    assert [f.value.name for f in read_page("Do you take Cigna?\nYes.").carriers] == ["Cigna"]


def test_a_dropdowns_options_on_its_labels_line_are_not_accepted():
    text = "Insurance provider: [ Select ▾ ] Aetna · Cigna · Humana · Other\nWe are in network with Cigna."
    assert [f.value.name for f in read_page(text).carriers] == ["Cigna"]


def test_a_check_mark_row_of_the_iop_gives_its_days_without_hours():
    text = ("Weekly Groups\nGroup | Mon | Tue | Wed | Thu\nIOP | ✓ | — | ✓ | —\nAftercare | — | ✓ | — | —\n"
            "IOP groups run 5:00 – 8:00 p.m.")
    assert {day for f in read_page(text).schedules for day in f.value.days} == {"mon", "wed"}


@pytest.mark.parametrize("said", ["Weekly individual sessions, which you can do in person or by telehealth.",
                                  "Format: in person or online",
                                  "2. Complete an assessment in person, by phone or by video."])
def test_a_choice_of_in_person_or_remote_is_an_offer_of_remote_care(said):
    assert [f.value for f in read_page(said).telehealth] == [True]


def test_a_patient_will_attend_is_no_hedge():
    found = read_page("Our IOP\n• Each patient will attend 12 hours per week of therapy").hours_per_week
    assert [f.value for f in found] == [12]


def test_a_return_to_the_building_after_a_year_on_video_is_past_video():
    assert read_page("Our IOP groups returned to the clinic in 2021 after a year on Zoom.").telehealth == []


def test_a_plan_spelled_with_initials_is_not_cut_in_two():
    found = read_page("Aceptamos Medi-Cal, L.A. Care y Health Net.")
    assert {f.value.name for f in found.medicaid_plans} == {"Medi-Cal", "L.A. Care Health Plan"}


def test_a_program_that_fits_around_work_states_its_own_weekly_hours():
    text = ("Evening IOP for Working Adults\n"
            "Our IOP meets Monday to Thursday. That's 12 hours a week you can fit around your job.")
    assert [f.value for f in read_page(text).hours_per_week] == [12]
    assert read_page("Our IOP\nResidents work 20 hours a week at a job while in our IOP.").hours_per_week == []


def test_a_program_that_has_not_begun_gives_no_schedule():
    text = ("Teen IOP\nOur teen IOP groups meet Monday, Wednesday and Thursday evenings, 6 to 8 pm.\n"
            "The teen IOP will be the first of our new youth services when it begins.")
    assert read_page(text).schedules == []
    running = ("Evening IOP\nOur evening IOP meets Tuesday and Thursday, 6 to 9 pm.\n"
               "Ask about our telehealth IOP when it launches.")
    assert read_page(running).schedules != []


def test_a_title_that_takes_an_insurer_heads_no_list_on_its_page():
    text = "Rehabs That Take CareSource Insurance\nCareSource has announced plans for its members."
    assert {f.basis for f in read_page(text, PageKind.CARRIER).medicaid_plans} == {Basis.CARRIER_PAGE}
    ours = read_page("Insurance we accept\nCareSource\nAetna", PageKind.CARRIER)
    assert {f.basis for f in ours.medicaid_plans} == {Basis.LIST_UNDER_HEADING}


def test_spellings_of_carriers_as_sites_write_them():
    line = "Tricare · United HealthCare · Regence Blue Cross Blue Shield · Carefirst · Anthem BlueCross BlueShield"
    assert [name.name for name, _ in insurance_in(line)] == ["TRICARE", "UnitedHealthcare", "Regence", "CareFirst",
                                                              "Anthem"]
    assert [name.name for name, _ in insurance_in("PacificSource Community Solutions")] == \
        ["PacificSource Community Solutions"]


def test_refusing_one_way_of_taking_part_is_not_refusing_the_program():
    text = ("Intensive Outpatient Program\nGroups meet Monday, Wednesday and Thursday.\n"
            "The evening group runs 6:00 to 9:00 p.m.\nWe do not offer IOP by video.")
    assert [(f.value.days, f.value.evening) for f in read_page(text).schedules] == [(["mon", "wed", "thu"], True)]
    assert read_page("Our IOP meets Monday, 6 to 9 pm.\nWe no longer offer an IOP.").schedules == []


def test_family_work_is_part_of_the_program_week():
    text = "Teen IOP\nMonday, Tuesday and Thursday, 3:30 to 6:30 p.m. — nine hours a week of group and family work."
    assert [f.value for f in read_page(text).hours_per_week] == [9]


@pytest.mark.parametrize("said", ["The program is offered both mid-morning and in the evening.",
                                  "Clients participate in three-hour group sessions three evenings a week."])
def test_a_program_offered_in_the_evening_has_an_evening_track(said):
    found = read_page(f"Intensive Outpatient Program\n{said}")
    assert [(f.value.days, f.value.evening) for f in found.schedules] == [([], True)]


def test_a_sentence_broken_across_lines_is_read_whole():
    text = ("Payment\nWe are contracted with insurance companies to provide\n\n"
            "therapy at in-network rates, including Tricare and Aetna.")
    assert {f.value.name for f in read_page(text).carriers} == {"TRICARE", "Aetna"}
    assert sentences("Our IOP\nmeets on Mondays.\nInsurance\nWe accept Aetna.") == \
        ["Our IOP meets on Mondays.", "Insurance", "We accept Aetna."]


def test_out_of_network_providers_a_facility_works_with_are_not_in_network():
    text = ("Insurance\nWe are in network with Blue Cross and Blue Shield. "
            "Some out-of-network providers we often work with include Aetna and Humana.")
    findings = read_page(text)
    assert [f.value.name for f in findings.carriers] == ["Blue Cross Blue Shield"]
    assert {f.value.name for f in findings.refused} == {"Aetna", "Humana"}
    assert [n.name for n, _ in insurance_in("United HealthCare Community Plan of Ohio")] == \
        ["UnitedHealthcare Community Plan"]
