"""The classes of evidence a website finding comes from, and which of them the record publishes as facts.

Each finding of the reader (crawler.websites.text) names the class of sentence it was read from. A
class feeds the record's structured fields (filters, facets, card badges, exports) only where its
measured precision on the labelled pages is at least 0.97 (`benchmarks/extraction_quality.py
--classes` prints it); a finding of any other class is kept as a quote, shown on the facility page in
the website's own words, and feeds nothing else.
"""

from enum import StrEnum


class Basis(StrEnum):
    """Where in a page a finding was read."""
    SCHEDULE_NAMING_IOP = "schedule line naming the IOP or its track"
    SCHEDULE_LINE = "schedule line naming groups or sessions"
    SCHEDULE_ON_PROGRAM_PAGE = "days and hours on a page about the program"
    SCHEDULE_TABLE = "schedule table under a header of days"
    NAMED_TRACK = "an evening or weekend track named without days or hours"
    WEEKLY_HOURS = "weekly hours the program states"
    FIRST_PERSON_ACCEPTANCE = "a first-person acceptance sentence"
    OWN_NAME_ACCEPTANCE = "an acceptance sentence whose subject is the facility's name"
    ACCEPTANCE_PROSE = "an acceptance sentence whose subject is someone else"
    LIST_UNDER_HEADING = "a list of plans under a heading or sentence that accepts them"
    LIST_UNDER_INSURANCE_HEADING = "a list of plans under a heading that names insurance"
    ACCEPTING_LINE = "a line that accepts the plans it names, without a subject or for the facility's offices"
    NAME_LIST = "a list of plans"
    LIST_ON_ACCEPTING_PAGE = "a list of plans on a page where the facility says it takes insurance"
    ANSWERED_QUESTION = "a question the page answers yes or no"
    TELEHEALTH_OFFER = "care by video offered in a sentence"
    TELEHEALTH_HEADING = "a heading that names a virtual program"
    IN_PERSON_ONLY = "a statement that care is in person only"
    HOUSING_SCHEDULE = "a timetable on a sober-living, residential or day-treatment page"
    CARRIER_PAGE = "insurance named on a page about one insurer"


# Measured on the labelled pages tuned on (extraction_eval; `--classes`): each class here was right on 97 % or more
# of its findings. The rest are quoted, never published: acceptance sentences whose subject is someone else (0.52),
# bare lists of plans (0.25), timetables on sober-living, residential or day-treatment pages (0.10), insurers named
# on a page about one insurer (0.22; the facility's own acceptance there keeps its class).
PUBLISHED = frozenset({
    Basis.SCHEDULE_NAMING_IOP, Basis.SCHEDULE_LINE, Basis.SCHEDULE_ON_PROGRAM_PAGE, Basis.SCHEDULE_TABLE,
    Basis.NAMED_TRACK, Basis.WEEKLY_HOURS, Basis.FIRST_PERSON_ACCEPTANCE, Basis.OWN_NAME_ACCEPTANCE,
    Basis.LIST_UNDER_HEADING, Basis.LIST_UNDER_INSURANCE_HEADING, Basis.ACCEPTING_LINE, Basis.LIST_ON_ACCEPTING_PAGE,
    Basis.ANSWERED_QUESTION, Basis.TELEHEALTH_OFFER, Basis.TELEHEALTH_HEADING, Basis.IN_PERSON_ONLY,
})


def published(basis: Basis) -> bool:
    return basis in PUBLISHED
