import pytest

from crawler.site_text import days_in, insurance_in, read_page, schedule_in, sentences, telehealth_in, time_range


@pytest.mark.parametrize("sentence, days", [
    ("Groups meet Monday through Thursday.", ["mon", "tue", "wed", "thu"]),
    ("Mon/Wed/Fri", ["mon", "wed", "fri"]),
    ("Monday, Tuesday and Thursday", ["mon", "tue", "thu"]),
    ("Tuesdays and Thursdays", ["tue", "thu"]),
    ("Friday to Sunday", ["fri", "sat", "sun"]),
    ("on weekdays", ["mon", "tue", "wed", "thu", "fri"]),
    ("Weekend track", ["sat", "sun"]),
    ("Monthly meetings on the first Monday", ["mon"]),
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
])
def test_time_ranges(sentence, hours):
    assert time_range(sentence) == hours


def test_office_hours_are_not_a_program_schedule():
    assert schedule_in("Office hours are Monday through Friday, 8 am to 5 pm.") is None
    assert schedule_in("Our IOP meets Saturday, 9am-1pm.").weekend is True


def test_evening_by_word_or_by_start_time():
    assert schedule_in("The evening IOP group meets Tuesdays.").evening is True
    assert schedule_in("IOP sessions 4:30-7:30 pm on Mondays").evening is True
    assert schedule_in("IOP sessions 9-12 am on Mondays") is None or not schedule_in("IOP 9:00-12:00 Mon").evening


def test_insurance_names_in_text_order_longest_match_first_never_inside_words():
    names = [n.name for n, _ in insurance_in("In network with Aetna Better Health, Aetna and BCBS; not Humanage.")]
    assert names == ["Aetna Better Health", "Aetna", "Blue Cross Blue Shield"]


def test_insurance_names_are_proper_names_never_common_words():
    assert insurance_in("Our medical team bills MEDI-CAL and MediCal plans.") == [] or \
        [n.name for n, _ in insurance_in("Our medical team bills MEDI-CAL.")] == ["Medi-Cal"]
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
])
def test_telehealth(sentence, said):
    assert telehealth_in(sentence) is said


def test_a_page_reads_into_findings_with_their_sentences():
    text = ("Intensive Outpatient Program\nOur IOP meets Mon, Wed and Thu from 6 to 9 p.m. It is 9 hours a week. "
            "We accept Cigna and Medi-Cal. Telehealth is available.")
    findings = read_page(text)
    assert findings.iop[0] == "Intensive Outpatient Program"
    schedule, sentence = findings.schedules[0]
    assert (schedule.days, schedule.starts, schedule.ends) == (["mon", "wed", "thu"], "18:00", "21:00")
    assert sentence == "Our IOP meets Mon, Wed and Thu from 6 to 9 p.m."
    assert findings.hours_per_week == [(9.0, "It is 9 hours a week.")]
    assert [n.name for n, _ in findings.carriers] == ["Cigna"]
    assert [n.name for n, _ in findings.medicaid_plans] == ["Medi-Cal"] and findings.medicaid_plans[0][0].states == {"CA"}
    assert findings.telehealth == [(True, "Telehealth is available.")]


@pytest.mark.parametrize("text", [
    "Sessions are often scheduled during evenings or weekends to ensure participants can maintain their routines.",
    "Most intensive outpatient programs run for 9 to 20 hours per week, according to the Substance Abuse and "
    "Mental Health Services Administration.",
    "Plans are underway to design online programs.",
    "Do you offer evening IOP on Tuesdays?",
    "Many insurers, such as Cigna, cover IOP.",
    "We may add weekend groups on Saturday.",
])
def test_general_hedged_and_questioning_sentences_say_nothing_about_the_facility(text):
    findings = read_page(text)
    assert (findings.schedules, findings.hours_per_week, findings.carriers, findings.telehealth) == ([], [], [], [])


def test_the_facilitys_own_words_after_a_general_clause_count():
    findings = read_page("Unlike many programs that may only meet by day, our IOP meets Monday to Thursday 6-9 pm.")
    assert findings.schedules[0][0].days == ["mon", "tue", "wed", "thu"] and findings.schedules[0][0].evening


def test_long_sentences_are_cut_for_evidence():
    assert len(sentences("IOP " + "word " * 500)[0]) == 300
