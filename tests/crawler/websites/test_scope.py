"""Page kinds, judged from the whole page: what speaks for the facility and what does not."""

import pytest

from crawler.websites.scope import PageKind, page_kind
from crawler.websites.text import carrier_names


def kind(url: str, text: str, types: frozenset[str] = frozenset(), byline: str | None = None) -> PageKind:
    return page_kind(url, set(types), byline, text, carrier_names())


@pytest.mark.parametrize("url, text, types, byline", [
    ("https://x.example/iop/", "Evening IOP\nOur IOP meets Mon 6-9 pm.", {"BlogPosting"}, None),
    ("https://x.example/iop/", "Evening IOP\nOur IOP meets Mon 6-9 pm.", frozenset(), "By Dana Wu"),
    ("https://x.example/blog/evening-iop/", "Evening IOP\nOur IOP meets Mon 6-9 pm.", frozenset(), None),
    ("https://x.example/?p=4821", "Evening IOP\nOur IOP meets Mon 6-9 pm.", frozenset(), None),
    ("https://x.example/what-to-expect-in-iop/", "What to expect\nGroups meet Mon 6-9 pm.", frozenset(), None),
    ("https://x.example/iop/", "Is evening IOP right for you?\nGroups meet Mon 6-9 pm.", frozenset(), None),
    ("https://x.example/iop-vs-php/", "IOP vs. PHP\nMost IOPs meet three days.", frozenset(), None),
])
def test_articles_and_guides(url, text, types, byline):
    assert kind(url, text, types, byline) == PageKind.ARTICLE


def test_a_story_told_in_the_first_person_singular():
    text = ("Coming home\nI drank every weekend. My Saturdays were gone and I lost my job. Then I called, and my "
            "counselor helped me see it. I go to group on Tuesday evenings now and I am grateful.")
    assert kind("https://x.example/coming-home/", text) == PageKind.STORY


def test_a_testimonial_on_a_program_page_keeps_the_page_the_facilitys():
    text = ("Intensive Outpatient Program\nOur IOP meets Monday, Wednesday and Thursday evenings. We accept Aetna and "
            "Cigna. Our counselors work with you and your family. We offer individual sessions each week.\n"
            "\"I found my footing here.\" (an alumna)")
    assert kind("https://x.example/programs/iop/", text) == PageKind.FACILITY


@pytest.mark.parametrize("url, title, expected", [
    ("https://x.example/insurance/cigna/", "Cigna", PageKind.CARRIER),
    ("https://x.example/aetna-rehab/", "Aetna Insurance Coverage for Rehab", PageKind.CARRIER),
    ("https://x.example/masshealth/", "MassHealth coverage for addiction treatment", PageKind.CARRIER),
    ("https://x.example/insurance/", "Insurance We Accept", PageKind.FACILITY),
    ("https://x.example/sober-living/", "Our Homes", PageKind.HOUSING),
    ("https://x.example/programs/", "Residential Treatment", PageKind.HOUSING),
    ("https://x.example/community-resources/", "Helpful links", PageKind.OTHER_ORGANISATION),
    ("https://x.example/more/", "Local support groups and resources", PageKind.OTHER_ORGANISATION),
    ("https://x.example/referral-network/", "Referral Network", PageKind.OTHER_ORGANISATION),
    ("https://x.example/county-behavioral-health-services/", "Behavioral Health", PageKind.OTHER_ORGANISATION),
    ("https://x.example/182/Intensive-Outpatient-Services", "Intensive Outpatient Services", PageKind.FACILITY),
    ("https://x.example/daily-schedule/", "Altamaha House\nSober Living for Women", PageKind.HOUSING),
    ("https://x.example/do-you-take-my-insurance/", "Do You Take My Insurance?", PageKind.FACILITY),
    ("https://x.example/what-will-iop-cost/", "What Will IOP Cost Me?", PageKind.FACILITY),
    ("https://x.example/podcast/episode-42/", "Episode 42: Night Owls", PageKind.ARTICLE),
    ("https://x.example/iop-for-students/", "IOP for Students: Getting Help Without Dropping Out", PageKind.ARTICLE),
    ("https://x.example/rural-iop/", "Living an Hour Away? How Rural Families Make IOP Work", PageKind.ARTICLE),
    ("https://x.example/how-to-pay/", "How to Pay for Counseling and IOP", PageKind.FACILITY),
    ("https://x.example/insurance/out-of-state/", "Coming from out of state?", PageKind.CARRIER),
    ("https://x.example/insurance/ohio-and-kentucky/", "Ohio and Kentucky Insurance", PageKind.FACILITY),
    ("https://x.example/insurance/ohio-medicaid/", "Ohio Medicaid", PageKind.CARRIER),
    ("https://x.example/insurance/does-aetna-cover-rehab/", "Does Aetna Cover Rehab?", PageKind.ARTICLE),
    ("https://x.example/find-treatment/", "Local Intensive Outpatient Programs", PageKind.OTHER_ORGANISATION),
    ("https://x.example/wp-content/uploads/2025/03/iop-guide.pdf", "Client Program Guide", PageKind.FACILITY),
    ("https://x.example/2025/03/iop-guide/", "Client Program Guide", PageKind.ARTICLE),
    ("https://x.example/category/evening-iop/", "Category: Evening IOP", PageKind.ARTICLE),
    ("https://x.example/insurance/", "Does Insurance Cover IOP?", PageKind.FACILITY),
    ("https://x.example/insurance/paying/", "Does Insurance Cover IOP?", PageKind.ARTICLE),
    ("https://x.example/paying-with-insurance/outpatient-rehab-with-cigna/", "Coverage Options", PageKind.CARRIER),
    ("https://x.example/teen-iop/", "Teen IOP and Day Treatment", PageKind.FACILITY),
    ("https://x.example/teens/", "Teen Day Treatment", PageKind.HOUSING),
    ("https://x.example/costs/", "Paying for Rehab: The Ultimate Guide to Coverage", PageKind.ARTICLE),
    ("https://x.example/programs/teen-intensive-outpatient-program/", "What to Expect in Teen IOP", PageKind.FACILITY),
    ("https://x.example/blog/what-to-expect-in-teen-iop/", "What to Expect in Teen IOP", PageKind.ARTICLE),
    ("https://x.example/resources/insurance/", "Insurance", PageKind.FACILITY),
    ("https://x.example/resources/relapse-warning-signs/", "Relapse Warning Signs", PageKind.ARTICLE),
])
def test_pages_about_one_insurer_housing_other_organisations_and_posts(url, title, expected):
    assert kind(url, f"{title}\nWe are here to help. Call us today.") == expected


@pytest.mark.parametrize("text", [
    "Evening IOP for Working Parents\nMarch 4, 2025\nOur evening IOP meets Monday through Thursday, 6 to 9 p.m.",
    "Staying Sober in Summer\n5 min read · June 2, 2025\nOur groups meet Tuesday evenings.",
    "Relapse Prevention\nOur groups meet Tuesday evenings.\nAbout the author\nDana Wu, LPC, leads our IOP.",
    "IOP FAQs: Everything You Need to Know\nDo you offer evening IOP? Yes, on Mondays.",
    "10 Relapse Prevention Tips That Help\n1. Know your triggers.",
    "Paying for Care\nThis guide is designed to walk you through your benefits. Our groups meet Tuesday evenings.",
    "Guest Post\nWhat an IOP Week Looks Like\nParticipants receive at least nine hours of support weekly.",
])
def test_posts_known_by_their_furniture_or_title(text):
    assert kind("https://x.example/plain-slug/", text) == PageKind.ARTICLE


@pytest.mark.parametrize("said", ["The Coalition does not provide treatment.", "We are not a treatment provider and we "
                                  "don't bill insurance.", "Tidepool is not a clinical program."])
def test_an_organisation_that_gives_no_treatment_speaks_of_others(said):
    assert kind("https://x.example/visit-us/", f"Visit Us\nMonday – Friday: 10 a.m. – 6 p.m.\n{said}") == \
        PageKind.OTHER_ORGANISATION


def test_one_answer_of_a_sites_faq_is_the_facilitys():
    url = "https://x.example/faq/what-are-the-hours-of-the-iop/"
    assert kind(url, "What are the hours of the IOP?\nThe IOP runs 9 to 3, Monday to Friday.") == PageKind.FACILITY


def test_a_paragraph_is_no_title_and_a_short_page_with_a_testimonial_is_no_story():
    text = ("Hope Springs Recovery\nMesa · Tempe\nMolina Accepted\nWe accept AHCCCS through Molina Healthcare. "
            "Members pay nothing for IOP.\n\"The evening group let me keep my job and get my life back.\" (Chris)")
    assert kind("https://x.example/ahcccs/", text) == PageKind.FACILITY


def test_a_faqs_questions_in_the_visitors_voice_are_no_story():
    text = ("Insurance\nInsurance we accept: Aetna, Cigna, Premera.\n"
            "Will my plan pay for my sessions if I have not met my deductible?\n"
            "It depends on your plan; we will check your benefits before you start.\n"
            "My employer changed plans and I do not know if my new one is in network. What can I do?\n"
            "Call us with your member ID.")
    assert kind("https://x.example/insurance-faq/", text) == PageKind.FACILITY
