"""What a facility's web page says in prose about itself, each finding with the sentence it came from.

Pure functions over a page's visible text: that an IOP is offered, its schedule (days, hours,
evening/weekend), hours per week, insurance carriers and Medicaid plans accepted (and refused),
telehealth. Only the facility's own statements count (crawler.websites.scope).
"""

import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from typing import NamedTuple

from crawler.websites.evidence import Basis
from crawler.websites.scope import IOP as _IOP
from crawler.websites.scope import (Abstention, PageKind, own_statement, says_any, speaks_for_itself,
                                    without_heading, without_testimony, words)
from facility.model import Schedule
from facility.states import STATE_NAMES

MAX_SENTENCE = 300  # evidence is quoted; a longer "sentence" is cut here

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Each day's spellings, English and Spanish, in week order.
_DAY_WORDS = [("monday", "mon", "lunes"), ("tuesday", "tues", "tue", "martes"),
              ("wednesday", "wed", "miércoles", "miercoles"), ("thursday", "thurs", "thur", "thu", "jueves"),
              ("friday", "fri", "viernes"), ("saturday", "sat", "sábado", "sabado"), ("sunday", "sun", "domingo")]
_DAY_INDEX = {word: index for index, words in enumerate(_DAY_WORDS) for word in words}
_DAY = re.compile(r"\b(" + "|".join(sorted(_DAY_INDEX, key=len, reverse=True)) + r")s?\b|\b(weekdays?|weekends?)\b",
                  re.I)
# Days as letters, only in a list of two or more ("M, W, Th", "M/W/F", "M–F"), as they are in capitals.
_LETTER_DAYS = {"M": 0, "T": 1, "Tu": 1, "W": 2, "Th": 3, "R": 3, "F": 4, "Sa": 5, "Su": 6}
_LETTER = "(?:Th|Tu|Sa|Su|M|T|W|R|F)"
_LETTER_LIST = re.compile(rf"(?<![\w'’]){_LETTER}(?:\s*(?:,|/|&|and|-|–)\s*{_LETTER})+(?![\w'’])")
_LETTER_SEPARATOR = re.compile(r"\s*(,|/|&|and|-|–)\s*")
_LETTER_CHAIN = re.compile(rf"(?<![\w'’]){_LETTER}(?:-{_LETTER}){{2,}}(?![\w'’])")  # "M-W-F": three days
_DAY_NAME = "(?:" + "|".join(sorted(_DAY_INDEX, key=len, reverse=True)) + ")"
_DAY_CHAIN = re.compile(rf"\b{_DAY_NAME}(?:-{_DAY_NAME}){{2,}}\b", re.I)
_DAY_RANGE = re.compile(r"^\s*(?:-|–|—|to|through|thru|a)\s*$", re.I)
_TIME = r"(\d{1,2})(?::(\d{2}))?(?:\s*([ap])(?:\.?\s*m\b\.?|\b))?"
_TIME_RANGE = re.compile(_TIME + r"\s*(?:-|–|—|to|until|till|\ba\b)\s*" + _TIME, re.I)  # "a": "de 6:00 a 9:00"
_EARLIEST_UNMARKED_MORNING = 7 * 60  # a clock time without am/pm before 7:00 is in the afternoon or evening
_NOON = re.compile(r"\bnoon\b", re.I)
_PROGRAM = re.compile(r"\b(?:IOPs?|intensive[ -]outpatient|track|groups?|sessions?|meets?|program|classes|"
                      r"grupos?|sesiones|programa|se reúnen)\b", re.I)
# Families' own sessions ("Family Night", "families join us on Saturdays"), not people who have families.
_FAMILY = (r"famil(?:y|ies)(?= (?:groups?|nights?|programs?|sessions?|education|days?|workshops?|therapy|visits?|"
           r"members?|support|dinners?|meetings?|weekends?|circles?|hours?)\b)|multi-?famil\w*|"
           r"families (?:attend|join|meet|are (?:invited|welcome))|for (?:the )?families")
# What meets besides the IOP: other levels of care, families, alumni, houses, jobs, others' programs, examples.
_OTHER_ACTIVITY = (r"\b(?:" + _FAMILY + r"|parents?|caregivers?|alumni|aftercare|continuing care|support groups?|"
                   r"visit(?:ing|ation|ors?)|house|residents?|outings?|chores?|curfew|"
                   r"admissions|examples?|PHPs?|partial[- ]hospitali[sz]ation|day[- ]treatment|residential|inpatient|"
                   r"detox|shifts?|their|meetings?(?! (?:times?|days?|schedule))|mass|services? (?:are|is) held|DUI|DWI|OWI|SATOP|"
                   r"(?<!after )(?<!after-)school|methadone|buprenorphine|opioid treatment program|OTPs?|"
                   r"medication[- ]assisted|doses|dosed)\b")
_ANOTHER_ACTIVITY = re.compile(_OTHER_ACTIVITY, re.I)
_NOT_PROGRAM = re.compile(r"\b(?:(?:office|clinic|business|admissions) hours|offices? (?:is|are) open|open|opening|"
                          r"business|hours of operation|front desk|call us|intake|walk-?ins?|phones?|crisis|"
                          r"assessments?|alcoholics anonymous|narcotics anonymous|al-anon|12-step|(?-i:AA|NA)|"
                          r"dosing|pharmacy|pick-?up|closed|closes|front office|labs?|screenings?|MAT clinic|"
                          r"by appointment|appointments?|"
                          r"grupo familiar|familiares|(?:horario de|solo) oficina|no hay grupos)\b|"
                          # under "Hours" or "Clinic hours": the opening hours, not a session
                          r"^(?:our |business |clinic |office |opening |regular )?hours\b(?! (?:per|a|each) week)|"
                          # "Hours:", "Office:" (not "Program hours:")
                          r"(?<!program )(?<!IOP )(?<!group )(?<!session )\b(?:hours|office)\s*:|"
                          r"\d{3}[-.)]\s*\d{3}-\d{4}|" + _OTHER_ACTIVITY, re.I)
# "PHP and IOP meet Monday through Friday", "PHP/IOP": the IOP meets then too.
_JOINT_LEVELS = re.compile(r"\b(?:(?:the )?(?:partial[- ]hospitali[sz]ation(?: program)?|PHP)(?: \(PHP\))?"
                           r"\s*(?:and|&|/)\s*(?=(?:the )?(?:IOP|intensive[- ]outpatient)))|"
                           r"(?<=IOP)(?: \(IOP\))?\s*(?:and|&|/)\s*"
                           r"(?:the )?(?:PHP|partial[- ]hospitali[sz]ation(?: program)?(?: \(PHP\))?)\b", re.I)
# Not "we do not offer IOP by video": one way of taking part refused, not the program.
_NO_IOP = re.compile(r"\b(?:we|[\w.]+ [\w.]+) (?:don[’']t|do not|does not|doesn[’']t|no longer) "
                     r"(?:offer|provide|have|run|operate) (?:an? |any )?(?:IOPs?|intensive[ -]outpatient)\b"
                     r"(?!(?: \w+)? (?:by video|online|virtually|remotely|by telehealth|over (?:video|zoom)|"
                     r"on weekends|in the evenings?)\b)", re.I)
_NO_IOP_REACH = 120  # characters before the IOP's name that "The clinic does not offer an" fits in
_NO_IOP_AFTER = 30  # and after it, for the way of taking part it may name
_OWN_IOP = re.compile(r"\bour (?:own )?(?:[\w-]+ )?(?:IOP|intensive[- ]outpatient)\b", re.I)
_RESIDENTS = re.compile(r"\bresidents?\b", re.I)
_IOP_THAT_MEETS = re.compile(r"\b(?:our|the)(?: own)?(?: [\w-]+)? (?:IOP|intensive[- ]outpatient(?: program)?)"
                             r"(?: \(IOP\))?(?: [\w-]+){0,3}?,? (?:which|that) (?:meets|runs|is held|operates)\b", re.I)
_TIMELINE = re.compile(r"^\W*(?:19|20)\d\d\s*[—–:-]")  # "1994 — First group meets on Tuesday nights": history
_LONGEST_SESSION = 6 * 60  # minutes: a bare line of days and longer hours is opening hours, not a session
_TRACK = re.compile(r"\b(?:our|the) (?:[\w'-]+ ){0,2}(?:track|program)s?\b", re.I)  # "our evening track"
_EVENING = re.compile(r"\b(?:evenings?|weeknights?|nights?|nocturn[oa]s?|vespertin[oa]s?)\b", re.I)  # Spanish too
# A schedule said to be gone or absent: "was discontinued", "we do not offer weekend groups".
_NO_SCHEDULE = re.compile(r"\b(?:not|no longer|never|discontinued|paused|suspended|cancell?ed|ended|were|used to|"
                          r"formerly|previously|no (?:IOP |evening |weekend )?(?:groups?|sessions?|classes|program))\b|"
                          r"n't\b", re.I)
_NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                 "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
_NUMBER = r"(\d{1,2}(?:\.\d)?|" + "|".join(_NUMBER_WORDS) + ")"
_NUMEROS = ["uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce", "trece",
            "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte"]
_HOURS_PER_WEEK = re.compile(_NUMBER + r"(?:\+|-plus)?\s*(?:(?:-|–|to|and)\s*" + _NUMBER + r"\s*|or more\s+)?"
                             r"(?:hours|hrs)\.?"
                             r"(?:\s+of\s+(?:[\w-]+\s+){0,3}?)?\s*(?:(?:per|a|each|every|/)\s*(?:week|wk)\b|weekly)",
                             re.I)
# The week first: "Each week includes 12 hours of live group", "Weekly commitment: 9+ hours".
_WEEK_OF_HOURS = re.compile(r"\b(?:(?:each|every|a|per) week(?: (?:includes?|is|means|totals?|adds up to|has))?|weekly "
                            r"(?:commitment|total|time|hours))[:\s–—-]{0,3}(?:about |at least |roughly )?" + _NUMBER +
                            r"\+?\s*(?:or more\s+)?(?:hours|hrs)\b", re.I)
# The outpatient level below the IOP: "standard outpatient", "OP".
_LOWER_OUTPATIENT = r"(?:standard|general|traditional|routine|regular) outpatient|(?-i:OP)"
# The step after the program, in the clause that gives the hours: "2 hours a week of aftercare".
_NOT_WEEKLY_HERE = re.compile(r"\b(?:aftercare|continuing care|" + _LOWER_OUTPATIENT + r")\b", re.I)
# In Spanish: "nueve horas por semana", "un mínimo de 9 horas semanales".
_HORAS_POR_SEMANA = re.compile(r"\b(\d{1,2}(?:[.,]\d)?|" + "|".join(_NUMEROS) + r")\s*(?:(?:-|–|a|y)\s*(?:\d{1,2}|" +
                               "|".join(_NUMEROS) + r")\s*)?horas\s+(?:de\s+[\w-]+\s+)?(?:(?:por|a la|cada)\s+semana\b|"
                               r"semanales\b)", re.I)
_HOURS_WORD = re.compile(r"hours|hrs|horas", re.I)
_CLAUSE_EDGE = re.compile(r"[,;(]|\b(?:plus|followed by|then)\b", re.I)
# An IOP's week, as ASAM sets it (9 hours or more for adults, 6 for teens, under 20): other numbers are
# another level of care's or one part's ("one to two hours a week of outpatient counseling").
_FEWEST_WEEKLY_HOURS, _MOST_WEEKLY_HOURS = 3, 25
# Weekly hours of something else than the program: another level of care, a job, school.
_NOT_WEEKLY_PROGRAM = re.compile(r"\b(?:PHPs?|partial[- ]hospitali[sz]ation|day[- ]treatment|residential|inpatient|"
                                 # a job, not "group and individual work"
                                 r"(?<!group )(?<!individual )(?<!family )(?<!therapeutic )(?<!clinical )"
                                 r"(?<!recovery )"
                                 r"work(?:ing)?|"
                                 r"employ\w*|volunteer\w*|(?<!after )(?<!after-)school|jobs?)\b|"
                                 # someone else's program: "attend an IOP of at least 9 hours a week"
                                 r"\b(?:an|any|another|outside) (?:IOP|intensive outpatient|outpatient|program|"
                                 r"provider)\b|"
                                 r"\bof (?:your|their) choice\b|\blicensed provider", re.I)
# A program that fits around work, not the hours of a job: "Evening IOP for Working Adults", "around your job".
_AROUND_WORK = re.compile(r"\bfor working (?:adults|people|professionals|parents)\b|\b(?:fit|fits|built|planned|"
                          r"scheduled) around (?:your |a |their )?(?:job|work|schedule)s?\b|"
                          r"\bkeep (?:your |their )?(?:jobs?|working)\b|\bafter work\b", re.I)
_PARTIAL_REFUSAL = re.compile(r"\bfor (?:the |our |any )?(?!this\b)(?:[\w'’-]+ ){1,2}(?:groups?|tracks?|programs?|detox|visits?|"
                              r"sessions?|IOP)\b", re.I)
# "All of our programs are in person at our clinic": none by video.
_ALL_IN_PERSON = re.compile(r"\ball (?:of )?our (?:programs|groups|sessions|services) are (?:held |offered )?"
                            r"in[- ]person\b", re.I)
_TELEHEALTH = words(r"in[- ]person only", r"only in[- ]person", "tele-?health", "telemedicine", "teletherapy",
                    _ALL_IN_PERSON.pattern,
                    r"virtual (?:[\w-]+ )?(?:IOPs?|intensive outpatient|programs?|sessions?|groups?|care|treatment|visits?|tracks?|"
                    r"options?|counseling|therapy|appointments?)",
                    r"in[- ]person or (?:virtual(?:ly)?|online|by video)", r"(?:virtual(?:ly)?|online) or in[- ]person",
                    r"(?:moved|switched|gone|went|moving) (?:online|virtual)",
                    r"online (?:IOPs?|sessions?|groups?|programs?|therapy|treatment)",
                    r"(?:run|hold|offer|have) (?:\w+ )?(?:IOPs?|groups?|sessions?|programs?|therapy|counseling) online",
                    r"(?:by|via|secure|over|phone or) video",
                    r"(?:attend|join)\w*(?: (?:the|our|your|a|same|this|each|every|IOP|evening|morning|group|groups|"
                    r"sessions?|therapy))* (?:online|virtually|remotely)",
                    r"video (?:sessions?|visits?|groups?|calls?)", r"(?:via|on|over|by) zoom",
                    r"(?:sessions?|groups?|counseling|therapy) (?:by|over the) (?:tele)?phone",
                    r"(?:consultas|sesiones|grupos|terapia|consejería)(?: individuales)? por teléfono",
                    r"(?:por )?videollamadas?", r"por video")
# What makes a prose sentence an offer of care rather than a mention: the facility speaking, or a verb of offering.
_OFFERED = words("we", "our", "us", "available", r"offer(?:s|ed)?", "provide[sd]?", "held", "hold", "meets?",
                 "conducted", r"join(?:ed)?", r"attend(?:ed)?", "delivered",
                 r"can (?:also )?be (?:done|arranged|scheduled|booked|in[- ]person or)", "se pueden", "ofrecemos",
                 # a choice of ways to take part: "in person or online", "in person, by phone or by video"
                 r"in[- ]person(?:,| or) (?:by |via |over )?(?:phone|video|tele-?health|online|virtual(?:ly)?|zoom)",
                 r"puede(?:n)? (?:conectarse|participar|asistir|unirse)", r"pueden? ser",
                 r"disponibles?")
# Video that is not care: "Virtual information session", "a webinar for referring professionals".
_NOT_CARE = re.compile(r"\b(?:info(?:rmation(?:al)?)? sessions?|webinars?|open house|conferences?|trainings?|alumni|"
                       r"reunions?)\b", re.I)
# Telehealth that is someone else's: "residents can join their own telehealth appointments here".
_NOT_OURS = re.compile(r"\b(?:their|your) (?:own )?(?:tele|virtual|online|video)|\bwith (?:their|your) own\b(?! famil)",
                       re.I)
# Video care the facility gave for a while and no longer does: "from spring 2020 through 2021 our groups met on Zoom".
_PAST_VERB = r"\b(?:met|were|was|moved|switched|went|ran|offered|held|returned|came back)\b"
_PAST_TIME = r"\b(?:(?:19|20)\d\d|during (?:the )?(?:pandemic|COVID|lockdowns?|shutdowns?))\b"
_PAST_VIDEO = re.compile(f"{_PAST_VERB}.*{_PAST_TIME}|{_PAST_TIME}.*{_PAST_VERB}", re.I)
_NO_LONGER = words("no longer", "not anymore", "not any longer")
_STILL = words("still", "today", "now", "continue[sd]?", "remain(?:s|ed)?", "since", "to this day", "have", "has")
# A caption that says names shown are not the facility's networks: "Logos do not indicate network participation".
_NOT_NETWORK = re.compile(r"\b(?:do(?:es)?|is|are)\s+not\s+(?:indicate|imply|mean|guarantee|represent|constitute|"
                          r"reflect)\b[^.]*\b(?:network|participat\w*|accept\w*|contract\w*|endorse\w*)|"
                          r"\bfor (?:reference|illustration|illustrative purposes|informational purposes) only\b", re.I)
_LISTS = frozenset({Basis.NAME_LIST, Basis.LIST_UNDER_INSURANCE_HEADING, Basis.LIST_ON_ACCEPTING_PAGE})
_ACCEPTED = words("we", "our", "us", r"accept(?:s|ed)?", "in[- ]network", "take[sn]?", r"bill(?:s|ed)?",
                  r"participat\w*", r"contract(?:s|ed)?", "welcome", "covered here", "aceptamos", "dentro de la red")
# The verbs of taking a plan, without the first person that _ACCEPTED also counts.
_ACCEPTS = words(r"accept(?:s|ed)?", "in[- ]network", "take[sn]?", r"bill(?:s|ed)?", r"participat\w*",
                 r"contract(?:s|ed)?", "covered here", "aceptamos", "dentro de la red")
# A list of names: names make up this much of it ("Aetna · Cigna · TRICARE West", "Insurance: Aetna").
_LIST_NAME_SHARE = 1 / 3
_PARENS = re.compile(r"\([^)]*\)")
_LIST_FILLER = re.compile(r"\b(?:and|or|of|the|by|in|through|plans?|medicaid)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|never|cannot|unavailable|no longer|unable|except|excluding|other than|"
                       r"no (?:estamos|aceptamos|trabajamos)|"
                       r"out[- ]of[- ]network|stopped|discontinued|ended|in[- ]person only|only in[- ]person)\b|"
                       r"n't\b|[✗✘❌]", re.I)
_PROGRAM_OR_SERVICE = re.compile(_PROGRAM.pattern + r"|\b(?:therapy|counseling|visits?|appointments?)\b", re.I)
_OPTION_WORDS = 5  # a dropdown option is one name
_SHORT_LINE_WORDS = 8  # a heading or list line, without a full stop ("Virtual IOP"), states by naming
# A program card's name and its description on one line: "Evening IOP — Group therapy after work".
_CARD_PARTS = re.compile(r"\s[—–]\s")
# An evening track named as such: "Evening IOP", "Day and evening IOP", "grupo nocturno".
_EVENING_TRACK = re.compile(r"\b(?:(?:day|daytime|morning) (?:and|&) )?(?:evening|weeknight) "
                            r"(?:IOPs?|intensive[ -]outpatient|tracks?|programs?|groups?|formats?)\b|"
                            r"\b(?:grupos?|programas?|sesiones) (?:nocturnos?|vespertinos?|de (?:la )?noche)\b", re.I)
# A longer line that refuses the list it leads into heads it too ("Examples of plans we are NOT in network with"),
# so the list is not read under an accepting heading above it.
_LEAD_IN_WORDS = 16
_LEADS_IN = re.compile(r"(?:\bwith|:)\s*$", re.I)
_LESSON = re.compile(r"\b(?:vs\.?|versus|guide|benefits|what|how|why|pros|cons)\b", re.I)  # a post's title in a sidebar
# Verbs that make "evening IOP" a track the facility runs rather than a phrase ("a guide to evening IOPs").
_RUNS = re.compile(r"\b(?:meets?|runs?|held|offer(?:s|ed)?|participate|attends?|scheduled|operates?|available)\b", re.I)
# Where one claim ends and another begins inside a sentence: "We accept Aetna but not Cigna".
_CLAUSE = re.compile(r";|,?\s+\b(?:but|however|although|though|whereas|while|yet)\b|,\s+and\s+(?=(?:we|our)\b)", re.I)
_DIGIT = re.compile(r"\d")
_BULLET = re.compile(r"^\s*[•·*✓✔✗✘❌-]")  # a list item, never a heading
_TABLE_MIN_CELLS = 3  # "Track | Mon | Tue ...": a table flattened into lines
_YES_NO = re.compile(r"^(?:(yes)|no|not)\b(?!\s+yet)", re.I)  # "Not yet" answers nothing
# "Does Aetna cover rehab? Yes, ...": what a plan covers, not whether the facility takes it.
_ASKS_ABOUT_COVER = re.compile(r"^\W*(?:does|do|will|would|can|is|are)\s+(?!you\b|we\b)\S.*\b(?:cover|covers|covered|"
                               r"pay for|pays for|include|includes)\b", re.I)
# "Do you take Aetna?" asks whether "we take Aetna": the opener goes, the facility answers for itself.
_QUESTION_OPENER = re.compile(r"^(?:do|does|can|could|will|may|is|are)\s+(?:you|i|we|there|it|your \w+)\s+", re.I)
# Not after an abbreviation that goes before a name: "our St. Cloud office", "Dr. Reyes", "L.A. Care".
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bSt\.)(?<!\bDr\.)(?<!\bMt\.)(?<!\bFt\.)(?<!\.[A-Z]\.)\s+(?=[A-Z0-9\"'(])")


class Finding(NamedTuple):
    value: object
    sentence: str  # the evidence, as the page says it
    basis: Basis  # the class of sentence it was read from (crawler.websites.evidence)


@dataclass
class PageFindings:
    """Each list holds findings in page order; `iop` only the sentences. `abstained` counts the
    statements that had something to find and were not read as the facility's, by reason."""
    iop: list[str] = field(default_factory=list)
    schedules: list[Finding] = field(default_factory=list)
    hours_per_week: list[Finding] = field(default_factory=list)
    carriers: list[Finding] = field(default_factory=list)
    medicaid_plans: list[Finding] = field(default_factory=list)
    refused: list[Finding] = field(default_factory=list)  # names it says it does not take
    telehealth: list[Finding] = field(default_factory=list)
    abstained: Counter = field(default_factory=Counter)


# A sentence the page's markup broke across lines: "contracted with these plans to provide" / "services, including
# Tricare and Aetna." (a line goes on when it ends mid-sentence and the next begins in lower case). The search
# starts at the line break, not at every character: a page's text is long.
_LINE_BREAK = re.compile(r"\n(?:[ \t]*\n)*[ \t]*(?=[a-z])")
_MID_SENTENCE_END = 8  # characters before a line break to look back over for its last one


def sentences(text: str) -> list[str]:
    def mended(match: re.Match) -> str:
        end = text[max(0, match.start() - _MID_SENTENCE_END):match.start()].rstrip(" \t")[-1:]
        return " " if end and (end.isalnum() or end in "_,") else match.group()
    return [sentence for line in _LINE_BREAK.sub(mended, text).split("\n") for sentence in _line_sentences(line)]


@lru_cache(maxsize=4096)  # pages repeat their lines
def _line_sentences(line: str) -> tuple[str, ...]:
    return tuple(part[:MAX_SENTENCE] for part in (" ".join(part.split()) for part in _SENTENCE_END.split(line)) if part)


def days_in(sentence: str) -> list[str]:
    """Days named in a sentence, ranges expanded: "Monday through Thursday", "Mon/Wed", "weekends", "martes",
    "M, W, Th"."""
    return list(_days(sentence))


@lru_cache(maxsize=4096)  # pages repeat their lines (headers, footers, boilerplate) and each is asked twice
def _days(sentence: str) -> tuple[str, ...]:
    days: set[str] = set()
    sentence = _DAY_CHAIN.sub(lambda chain: chain.group().replace("-", ","), sentence)  # "Mon-Wed-Fri" lists three
    sentence = _LETTER_CHAIN.sub(lambda chain: chain.group().replace("-", ","), sentence)  # and "M-W-F"
    matches = list(_DAY.finditer(sentence))
    named = any(match.group(1) for match in matches) or _LETTER_LIST.search(sentence)
    for index, match in enumerate(matches):
        word = match.group(2)
        if word:
            if word.lower().startswith("weekday") and not (named and not _timed_next(sentence[match.end():])):
                days.update(DAYS[:5])  # "weekends" names no day: a weekend track may meet on either
            continue
        day = _DAY_INDEX[match.group(1).lower()]
        days.add(DAYS[day])
        following = matches[index + 1] if index + 1 < len(matches) else None
        if following and following.group(1) and _DAY_RANGE.match(sentence[match.end():following.start()]):
            last = _DAY_INDEX[following.group(1).lower()]
            while day != last:
                day = (day + 1) % 7
                days.add(DAYS[day])
    for listed in _LETTER_LIST.finditer(sentence):
        parts = _LETTER_SEPARATOR.split(listed.group())  # letter, separator, letter, ...
        for index in range(0, len(parts), 2):
            day = _LETTER_DAYS[parts[index]]
            days.add(DAYS[day])
            if index + 2 < len(parts) and parts[index + 1] in "-–":
                while day != _LETTER_DAYS[parts[index + 2]]:
                    day = (day + 1) % 7
                    days.add(DAYS[day])
    return tuple(day for day in DAYS if day in days)


def _timed_next(after: str) -> bool:
    """Hours follow a "weekday" before any day is named ("weekday mornings from 9 to noon, and Monday ..."),
    so it names days of its own; in "Weekday Evening IOP — Monday, Wednesday" the days that follow are its."""
    named = _NAMED_DAY.search(after)
    return bool(_TIME_RANGE.search(_NOON.sub("12:00 pm", after[:named.start()] if named else after)))


def _clock(hour: str, minute: str | None, meridiem: str | None) -> int | None:
    """Minutes after midnight, or None for an impossible time."""
    h, m = int(hour), int(minute or 0)
    if m > 59 or h > 23 or (meridiem and not 1 <= h <= 12):
        return None
    if meridiem:
        h = h % 12 + (12 if meridiem.lower() == "p" else 0)
    return h * 60 + m


def time_ranges(sentence: str) -> list[tuple[str, str]]:
    """Every clock range, as ("18:00", "21:00"): "6-9 pm", "9:00 a.m. – 12:00 p.m.", "18:00–21:00",
    "9 to noon", "10:00–1:00" (no meridiem: into the afternoon)."""
    return list(_time_ranges(sentence))


@lru_cache(maxsize=4096)
def _time_ranges(sentence: str) -> tuple[tuple[str, str], ...]:
    found = []
    for match in _TIME_RANGE.finditer(_NOON.sub("12:00 pm", sentence)):
        h1, m1, a1, h2, m2, a2 = match.groups()
        if not (a1 or a2 or (m1 and m2)):
            continue  # "1-2" alone is a count, not a time
        end = _clock(h2, m2, a2)
        start = _clock(h1, m1, a1 or a2)
        if start is not None and end is not None and not a1 and a2 and start >= end:
            start = _clock(h1, m1, "a")  # "11-2 pm": the start is in the morning
        if start is not None and end is not None and not (a1 or a2):
            if start < _EARLIEST_UNMARKED_MORNING:
                start, end = start + 720, end + 720  # "5:30–8:30": no program starts before dawn
            elif end <= start < end + 720:
                end += 720  # "10:00–1:00": past noon
        if start is None or end is None or start >= end:
            continue
        found.append((f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"))
    return tuple(found)


def schedules_in(sentence: str, program_page: bool = False) -> list[Schedule]:
    """The program schedules a sentence states, one per clock range: when it is about a program
    (not office or intake hours, nor another service) and names days or hours, or the facility says it
    has an evening or weekend track ("our evening IOP"). On a page about the program, a line of days and
    session hours alone counts."""
    if (step := _NEXT_STEP.search(sentence)) and _NOT_PROGRAM.search(sentence, step.end()):
        sentence = sentence[:step.start()]  # "The program runs Monday through Friday, followed by continuing care"
    days, ranges, evening_word = days_in(sentence), time_ranges(sentence), bool(_EVENING.search(sentence))
    if not (days or ranges or evening_word):
        return []
    if attached := _IOP_THAT_MEETS.search(sentence):  # "Most residential clients step down to our IOP, which meets"
        sentence = sentence[attached.start():]
        days, ranges = days_in(sentence), time_ranges(sentence)
    probe = _JOINT_LEVELS.sub(" ", sentence)
    if _OWN_IOP.search(probe):  # "Residents attend our own IOP, which meets ...": the house's people, our program
        probe = _RESIDENTS.sub(" ", probe)
    line = without_heading(sentence)
    if _DAYS_LABEL.search(sentence):  # "Days: Tue, Wed, Thu" over "Hours: 5–8 p.m.": those days' session hours
        probe = _HOURS_LABEL.sub(" ", probe)
    if _NOT_PROGRAM.search(probe) or _NO_SCHEDULE.search(sentence) or _TIMELINE.match(sentence) or \
            _OTHER_LEVEL.match(line):
        return []
    if not _PROGRAM.search(line) and not (  # read for the heading above it, or alone on a page about the program
            (_PROGRAM.search(sentence) or (program_page and days and ranges)) and _session_line(line, ranges)):
        return []
    stated = speaks_for_itself(sentence) or bool(_RUNS.search(sentence)) or _card_names(line, _EVENING_TRACK)
    # "Evening or weekend groups" in a list of what to look for names no session; "our weekend track" does.
    named = bool(_NAMED_DAY.search(sentence) or _LETTER_LIST.search(sentence))
    if not (named or ranges or ((days or evening_word) and stated and not _ELSEWHERE.search(sentence))):
        return []
    weekend = "weekend" in sentence.lower() or any(day in ("sat", "sun") for day in days)
    return [Schedule(days=days, starts=starts, ends=ends, weekend=weekend,
                     evening=bool(starts and starts >= "16:00") or (evening_word and len(ranges) < 2))
            for starts, ends in ranges or [(None, None)]]


_NAMED_DAY = re.compile(r"\b" + _DAY_NAME + r"s?\b", re.I)
# A block of a program's details: "Days: Tuesday, Wednesday, Thursday" and, read with it, "Hours: 5:00 – 8:00 p.m.".
_DAYS_LABEL = re.compile(r"(?:^|·)\s*days\s*:", re.I)  # the line's first word, under its heading or not
_HOURS_LABEL = re.compile(r"\bhours\s*:", re.I)
# A line about the level of care below the IOP: "OP group: 6:00 – 7:30 p.m.", "Outpatient group meets Tuesdays".
_OTHER_LEVEL = re.compile(r"^\W*(?:" + _LOWER_OUTPATIENT + r"|outpatient (?:groups?|counseling))\b", re.I)
# The step after the program in the same sentence, which may be another service's.
_NEXT_STEP = re.compile(r",?\s+(?:followed by|and then|then)\b", re.I)
# "If you need evening treatment we will help you find another program": no track of the facility's.
_ELSEWHERE = re.compile(r"^\W*(?:if|whether|when)\b|\b(?:another|other) (?:program|provider|facility)|\belsewhere\b|"
                        r"\brefer", re.I)


def _session_line(line: str, ranges: list[tuple[str, str]]) -> bool:
    """Days and hours of a session, not opening hours ("Mon-Fri 8am-6pm") nor a row of someone else's
    timetable ("Peer recovery café | Saturday | 10 AM - 2 PM": a table row's label names what meets)."""
    label = line.split("|", 1)[0] if line.count("|") >= _TABLE_MIN_CELLS - 1 else ""
    if label.strip() and not (days_in(label) or time_ranges(label)):
        return False
    return all(minutes(end) - minutes(start) <= _LONGEST_SESSION for start, end in ranges)


def minutes(clock: str) -> int:
    """Minutes after midnight of a clock time as schedules give it ("18:30")."""
    hours, past = clock.split(":")
    return int(hours) * 60 + int(past)


@dataclass(frozen=True)
class InsuranceName:
    name: str
    kind: str  # "carrier" or "medicaid_plan"
    states: frozenset[str]  # a state's own Medicaid program or plan, or where a page offers it; empty: anywhere

    def serves(self, state: str | None) -> bool:
        return not self.states or state in self.states


_WORD = re.compile(r"[\w.&+-]+")


@cache
def _spellings() -> tuple[tuple[str, InsuranceName], ...]:
    """Carriers and Medicaid plans we recognise (crawler/websites/insurance_names.csv), each spelling."""
    with files("crawler.websites").joinpath("insurance_names.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    spellings = []
    for row in rows:
        name = InsuranceName(row["name"], row["kind"], frozenset(row["states"].split()))
        spellings += [(spelling, name) for spelling in [row["name"]] + row["aliases"].split("|") if spelling]
    return tuple(spellings)


@cache
def _insurance() -> dict[str, list[tuple[re.Pattern, InsuranceName]]]:
    """The spellings indexed by their first word: each sentence is scanned once, word by word, not once per name."""
    by_first_word: dict[str, list[tuple[re.Pattern, InsuranceName]]] = {}
    # Longest spelling first, so "Aetna Better Health" wins over "Aetna".
    for spelling, name in sorted(_spellings(), key=lambda pair: len(pair[0]), reverse=True):
        # As spelled or in capitals, never in lower case: "MediCal" is a plan, "medical" a word.
        forms = "|".join(re.escape(form).replace(r"\ ", r"\s+")
                         for form in dict.fromkeys([spelling, spelling.upper()]))
        pattern = re.compile(f"(?:{forms})(?![\\w-])")
        by_first_word.setdefault(_WORD.match(spelling).group().lower().rstrip("."), []).append((pattern, name))
    return by_first_word


@cache
def carrier_names() -> frozenset[str]:
    """Every spelling of every insurer we recognise, in lower case (a page titled by one is about it)."""
    return frozenset(spelling.lower() for spelling, _ in _spellings())


# Words cut away before the facility's own part of a statement that make its names refused: "Some out-of-network
# providers we work with include ..." (the whole of _NEGATION would also take "Unlike programs that do not ...").
_OUT_OF_NETWORK = re.compile(r"\bout[- ]of[- ]network\b", re.I)
_CUT_PROBE = 40  # characters of a statement's own part that find where it begins
# A network the facility was in: "Until December 2024 we were in network with ...", "we used to accept ...".
_PAST_NETWORK = re.compile(r"\b(?:we|they) (?:were|used to be)(?: \w+)? (?:in[- ]network|contracted|participating|"
                           r"an? (?:[\w-]+ )?provider)|\bused to (?:accept|take|bill)\b|"
                           r"\buntil (?:\w+ )?(?:19|20)\d\d\b", re.I)


def insurance_in(sentence: str) -> list[tuple[InsuranceName, bool]]:
    """(name, accepted) in the order the sentence gives them, each once; a name in a clause that
    negates ("we do not accept", "no longer in network with", "except") or speaks of a past network
    is not accepted."""
    found: dict[InsuranceName, bool] = {}
    for clause in _CLAUSE.split(sentence):
        if clause:
            accepted = not (_NEGATION.search(clause) or _PAST_NETWORK.search(clause))
            for name, _ in _names(clause):
                found.setdefault(name, accepted)
    return list(found.items())


@lru_cache(maxsize=4096)  # a line is asked about several times
def _names(text: str) -> tuple[tuple[InsuranceName, str], ...]:
    """Each insurance name in the text with the words that spell it, longest spelling first."""
    by_first_word, resume, found = _insurance(), 0, []
    for word in _WORD.finditer(text):
        if word.start() < resume:
            continue
        for pattern, name in by_first_word.get(word.group().lower().rstrip("."), ()):
            if match := pattern.match(text, word.start()):
                found.append((name, match.group()))
                resume = match.end()
                break
    return tuple(found)


def _label(part: str) -> bool:
    """A heading, list line or card name: short, without a full stop, not a post's title."""
    return len(part.split()) <= _SHORT_LINE_WORDS and not part.rstrip().endswith(".") and not _LESSON.search(part)


def _card_names(line: str, pattern: re.Pattern) -> bool:
    """The line, or one part of a program card written on one line, is a label that the pattern matches."""
    return any(_label(part) and pattern.search(part) for part in _CARD_PARTS.split(line))


def telehealth_in(sentence: str) -> bool | None:
    """True where care by video is offered, False where the facility says it is not, else None."""
    if not _TELEHEALTH.search(sentence) or _NOT_OURS.search(sentence) or _NOT_CARE.search(sentence):
        return None
    if _ALL_IN_PERSON.search(sentence):
        return False
    if _PAST_VIDEO.search(sentence) and not (_STILL.search(sentence) or _NO_LONGER.search(sentence)):
        return None  # "we no longer offer" says what is true now
    if _NEGATION.search(sentence):
        # "not for IOP groups", "no telehealth for the men's group": one part refused says nothing of the rest;
        # "the family group is in person only" says nothing of the program
        partial = _PARTIAL_REFUSAL.search(sentence) or (
            _ANOTHER_ACTIVITY.search(sentence) and not _IOP.search(sentence))
        return None if partial else False
    line = without_heading(sentence)
    heading = (_label(line) and _PROGRAM_OR_SERVICE.search(line)) or (
        _card_names(line, _TELEHEALTH) and _card_names(line, _PROGRAM_OR_SERVICE))
    if not _TELEHEALTH.search(line) and (sentence.rsplit(" · ", 1)[0].endswith("?") or not heading):
        return None  # said by a heading above a line that is not one of its programs
    return True if heading or _OFFERED.search(sentence) else None


class Statement(NamedTuple):
    sentence: str  # as the page says it: the evidence
    text: str  # what to read: the clause, under its heading, or the question answered
    form: str  # "line", "under heading", "table", "answer"
    section: str | None = None  # the heading the line stands under


# A slider's buttons and the page's own print and share links head nothing.
_BUTTON = re.compile(r"^\W*(?:previous|prev|next|print(?: this page)?|share(?: this(?: page)?)?|email this page|"
                     r"back to top)\W*$|^[«»‹›<>]$", re.I)
# A row of a table of plans and their status with the facility.
_NETWORK_STATUS = re.compile(r"^\W*(?:(in[- ]network|accepted|yes|participating)\b|([✓✔])|"
                             r"(pending|coming soon|in process)\b|(?:out[- ]of[- ]network|not in[- ]network|no\b))",
                             re.I)
_OTHER_OPTION = re.compile(r"^\W*other\b", re.I)  # "Other / not listed"
_NONE_THAT_DAY = re.compile(r"^\W*(?:no|closed|none)\b", re.I)
# A dropdown and its options flattened onto one line: "Insurance provider: [ Select ▾ ] Aetna · Anthem · Other".
_INLINE_CHOICES = re.compile(r"(?:\[\s*|-{2,}\s*)(?:select|choose|pick)\b[^\]\n]{0,30}?(?:\]|-{2,})", re.I)
_CHOOSE = re.compile(r"^\W*(?:-+\s*)?(?:select|choose|pick)\b[\w\s/]{0,30}?(?:\s*-+)?\W*$", re.I)  # a form's dropdown


def _options(lines: list[str]) -> set[int]:
    """The lines that are a form's dropdown options: the names under "-- Select --" up to the first line
    that is not one name."""
    found, choosing = set(), False
    for index, line in enumerate(lines):
        if _CHOOSE.match(line):
            choosing = True
        elif choosing and len(line.split()) <= _OPTION_WORDS and (_names_fill(line) or _OTHER_OPTION.match(line)):
            found.add(index)
        else:
            choosing = False
    return found


def _statements(text: str) -> Iterator[Statement]:
    """The page's sentences as statements to read: each clause between semicolons; a
    line of days or hours, or a short list line, under the heading or question it answers
    ("Medication dosing window" / "Monday–Saturday, 6–10 a.m." is no program schedule); a line of
    days with the line of hours under it; a table's row under a header of days, as its days and
    hours; and for a question the page answers with "Yes" or "No", what it asks ("Do you accept
    AHCCCS? Yes." accepts it)."""
    question = section = lead = None  # lead: the facility's acceptance sentence a list of plans may follow
    header: tuple[tuple[str, ...], ...] | None = None  # days of each column of the table being read
    lines = sentences(text)
    options = _options(lines)
    paired = False  # the line is the hours under the line of days before it, read with it
    for index, sentence in enumerate(lines):
        line = _shape(sentence)
        if index in options or line.button or (("[" in sentence or "--" in sentence) and  # the cheap test first
                                                _INLINE_CHOICES.search(sentence)):
            continue
        if line.header:
            header = line.header
            continue
        if header and len(line.cells) == len(header):
            for row in _table_rows(list(line.cells), header):
                yield Statement(sentence, f"{section} · {row}" if section else row, "table", section)
            continue
        header = None
        if len(line.cells) == 2 and (status := _NETWORK_STATUS.match(line.cells[1])):
            if not status.group(3):  # "Aetna | In network", "Cigna | Out of network"; a pending one says nothing
                accepted = status.group(1) or status.group(2)
                said = f"In network with {line.cells[0]}." if accepted else f"Not in network with {line.cells[0]}."
                yield Statement(sentence, said, "line", section)
            continue
        if len(line.cells) >= _TABLE_MIN_CELLS and not _NOT_PROGRAM.search(sentence):
            for cell in line.cells:  # "Adults 18+ | Co-ed | Mon–Thu evenings, 5:30–8:30 pm": a fact a cell
                if _shape(cell).timed:
                    yield Statement(sentence, cell, "line", section)
        # "Yes." over "... video visits with their own counselor": not ours
        if question and line.answer and not (index + 1 < len(lines) and _NOT_OURS.search(lines[index + 1])) and \
                not _ASKS_ABOUT_COVER.match(question):
            asked = _QUESTION_OPENER.sub("", question.rstrip("?"))
            said = f"We {asked}" if line.answer == "yes" else f"We do not {asked}"
            yield Statement(f"{question} {sentence}", f"{said} ({sentence})", "answer")  # "No, not for IOP groups"
        under_heading = section and not line.program and (line.timed or (
            not line.speaks and _heads_lists(section, line)))
        following = _shape(lines[index + 1]) if line.days and not line.ranges and index + 1 < len(lines) else None
        if following and _NONE_THAT_DAY.match(lines[index + 1]):
            continue  # "WEDNESDAY" over "No IOP groups. ...": a day without the program
        if following and following.ranges and not following.days:
            sentence = f"{sentence} {lines[index + 1]}"
            paired = True
        elif paired:
            paired = False
            continue
        listed = bool(lead or line.accepts) and line.names_fill
        if listed and lead:  # "We are in network with these plans:" and the list under it
            section, under_heading = lead, True
        elif not listed:
            lead = sentence if line.leads else None
        for clause in sentence.split("; "):
            yield Statement(sentence, f"{section} · {clause}", "under heading", section) if under_heading else \
                Statement(sentence, clause, "line", section)
        question = sentence if sentence.endswith("?") else None
        if line.heading:
            section = sentence


class _Shape(NamedTuple):
    """What a line is, whatever stands around it (pages repeat their lines, so it is worked out once)."""
    cells: tuple[str, ...]
    header: tuple[tuple[str, ...], ...] | None  # the days of each column, for a table's header of days
    answer: str | None  # "yes" or "no" for a bare answer
    words: int
    days: bool
    ranges: bool
    timed: bool
    program: bool  # names the program, its groups or sessions
    speaks: bool  # the facility in the first person
    names_fill: bool  # a list of insurance names
    accepts: bool  # a verb of taking plans
    accepted: bool  # a verb of taking plans, or the first person
    leads: bool  # the facility's own acceptance sentence, which a list under it continues
    heading: bool  # a short line or question that heads what follows
    button: bool  # a slider's button ("Next", "‹") or a print or share link, which heads nothing


# A table's column headed by a day's letter or two ("Group | M | T | W | Th | F"); a lone "T" is Tuesday after
# Monday's column and Thursday after Wednesday's ("S | M | T | W | T | F | S"), else no day.
_DAY_LETTERS = {"m": ("mon",), "tu": ("tue",), "w": ("wed",), "th": ("thu",), "r": ("thu",), "f": ("fri",),
                "sa": ("sat",), "su": ("sun",)}
_T_AFTER = {("mon",): ("tue",), ("wed",): ("thu",)}


def _header_days(cells: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    columns: list[tuple[str, ...]] = []
    for cell in cells:
        letters = cell.lower()
        columns.append(tuple(days_in(cell)) or (_T_AFTER.get(columns[-1], ()) if letters == "t" and columns
                                                 else _DAY_LETTERS.get(letters, ())))
    return tuple(columns)


@lru_cache(maxsize=4096)
def _shape(sentence: str) -> _Shape:
    cells = tuple(cell.strip() for cell in sentence.split("|"))
    days, ranges = bool(days_in(sentence)), bool(time_ranges(sentence))
    header = _header_days(cells) if len(cells) >= _TABLE_MIN_CELLS and not ranges else None
    header = header if header and sum(1 for days in header if days) >= 2 else None
    answer = _YES_NO.match(sentence)
    words, speaks, names_fill = len(sentence.split()), speaks_for_itself(sentence), _names_fill(sentence)
    accepts = bool(_ACCEPTS.search(_PARENS.sub("", sentence)))  # not "(through participating HMOs)"
    short = not sentence.endswith(".") and (words <= _SHORT_LINE_WORDS or (
        words <= _LEAD_IN_WORDS and _LEADS_IN.search(sentence) and _NEGATION.search(sentence)))
    # "Accepted Payers (updated March 2026)" heads its list; a list's item heads nothing
    heading = not (days or ranges) and not _DIGIT.search(_PARENS.sub("", sentence)) and \
        not _BULLET.match(sentence) and "|" not in sentence and (sentence.endswith("?") or short) and not names_fill
    return _Shape(cells, header, ("yes" if answer.group(1) else "no") if answer else None, words, days, ranges,
                  days or ranges, bool(_PROGRAM.search(sentence)), speaks, names_fill, accepts,
                  bool(_ACCEPTED.search(_PARENS.sub("", sentence))),
                  accepts and speaks and not (_NEGATION.search(sentence) or sentence.endswith("?")), heading,
                  bool(_BUTTON.match(sentence)))


@lru_cache(maxsize=1024)
def _heading_shape(section: str) -> tuple[bool, bool]:
    """Whether a heading heads a list (it accepts, refuses or names insurance), and whether it asks."""
    return bool(_ACCEPTED.search(section) or _NEGATION.search(section)), section.endswith("?")


_ASKS_WHICH = re.compile(r"^\W*(?:what|which)\b.*\b(?:insurances?|plans?|carriers?|payers?)\b.*\b(?:accept|take|bill|"
                         r"work with|in[- ]network)", re.I)


def _heads_lists(section: str, line: _Shape) -> bool:
    """A line that is not a sentence of its own stands under the heading above it: a short line, or a
    list of plans under a heading that accepts, refuses or names insurance."""
    accepting_or_refusing, asks = _heading_shape(section)
    if asks:  # "What insurance do you accept?" heads the list that answers it
        return bool(line.names_fill and _ASKS_WHICH.search(section))
    return (line.words <= _SHORT_LINE_WORDS or accepting_or_refusing or (
        line.names_fill and not line.accepted and _insurance_label(section)))


_CHECKED = re.compile(r"^\s*[✓✔☑●]\s*$")


def _table_rows(cells: list[str], header: tuple[tuple[str, ...], ...]) -> list[str]:
    """A row under a header of days as statements: its label, then the days of each clock range (or of its
    check marks); or, in a grid whose rows are the hours ("6:00–9:00 pm | – | Evening IOP | –"), the IOP's days
    at those hours."""
    if time_ranges(cells[0]) and not any(time_ranges(cell) for cell in cells[1:]):
        # a cell that names the IOP, or a check mark in the IOP's row ("IOP Process Group (9–10:30 am) | ✓ | | ✓")
        days = [day for cell, cell_days in zip(cells[1:], header[1:])
                if _IOP.search(cell) or (_CHECKED.match(cell) and _IOP.search(cells[0])) for day in cell_days]
        return [f"IOP {' '.join(days)} {cells[0]}"] if days else []
    # a track's row of check marks under the days and its hours under "Time" ("Evening IOP | – | ✓ | – | 6–9 pm")
    checked = [day for cell, days in zip(cells[1:], header[1:]) if _CHECKED.match(cell) for day in days]
    by_range: dict[str, list[str]] = {}
    for cell, days in zip(cells[1:], header[1:]):
        if time_ranges(cell):
            by_range.setdefault(cell, []).extend(days or checked)
    label = _DAY.sub("", cells[0])  # the header gives the days ("Weekend" here names the row)
    if not by_range and checked and _IOP.search(label):  # "IOP | ✓ | ✓ | — | ✓", its hours said elsewhere
        return [f"{label} {' '.join(checked)}"]
    return [f"{label} {' '.join(days)} {hours}" for hours, days in by_range.items()]


# Anything a finding needs besides an insurance name: a day, a number, IOP, an evening or weekend,
# care by video or phone. A statement with none of these and no insurance name is skipped unread.
_MENTIONS = re.compile("|".join([_DAY.pattern, r"\d", _IOP.pattern, _EVENING.pattern, r"\b(?:hours?|hrs|horas)\b",
                                 r"tele|virtual|online|video|zoom|remotely|in[- ]person|phone|teléfono"]), re.I)


@lru_cache(maxsize=4096)  # pages repeat their lines
def _worth_reading(statement: str) -> bool:
    return bool(_MENTIONS.search(statement)) or any(
        word.group().lower().rstrip(".") in _insurance() for word in _WORD.finditer(statement))


@lru_cache(maxsize=4096)  # pages repeat their lines
def _names_fill(text: str) -> bool:
    """Insurance names make up a good share of the text's words, but for the words that join a list of
    them and places ("Molina Healthcare and Select Health of South Carolina"): a list of them."""
    named = sum(len(spelled.split()) for _, spelled in _names(text))
    return named > 0 and named >= _LIST_NAME_SHARE * len(_LIST_FILLER.sub(" ", _STATE.sub(" ", text)).split())


def _insurance_claimed(sentence: str) -> bool:
    """A list of names, or a sentence about accepting insurance (not a mere mention of a plan)."""
    return bool(_ACCEPTED.search(sentence)) or any(_names_fill(part) for part in sentence.split(" · "))


def read_page(text: str, kind: PageKind = PageKind.FACILITY, host: str = "") -> PageFindings:
    """What the page's sentences say about the facility itself (general and hedged ones say nothing),
    each finding with the class of sentence it was read from. On a sober-living, residential or
    day-treatment page a timetable is its own class unless its line names the IOP; on a page about
    one insurer, so is every insurer it names. `host` is the site's host name: a sentence whose subject
    is a name the host spells ("Palm Coast is in network" on palmcoastrecovery.com) is the facility's."""
    findings = PageFindings()
    # A page that never names the IOP, or says the facility has none, gives no schedule of it.
    program_page = _names_an_iop(text) and not _not_yet_running(text)
    text = without_testimony(text)  # a client's quoted words are not the facility's
    accepting = False  # the page says, in the first person, that the facility takes insurance
    read: set[str] = set()  # a statement the page repeats says nothing new
    places: frozenset[str] = frozenset()  # the states of the place the lines read are under, if any
    for statement in _statements(text):
        sentence = statement.sentence
        if (part := _new_part(sentence)) is not None:
            places = part
        if statement.text in read:
            continue
        read.add(statement.text)
        if not _worth_reading(statement.text):
            continue
        own = own_statement(statement.text)
        if isinstance(own, Abstention):
            findings.abstained[own] += 1
            continue
        if _IOP.search(own):
            findings.iop.append(sentence)
        schedules = schedules_in(own, program_page) if program_page else []
        weekly = [*_HOURS_PER_WEEK.finditer(own), *_WEEK_OF_HOURS.finditer(own), *_HORAS_POR_SEMANA.finditer(own)] \
            if program_page and _HOURS_WORD.search(own) else []
        if weekly and _NOT_WEEKLY_PROGRAM.search(_AROUND_WORK.sub(" ", own)):
            weekly = []
        if (schedules or weekly) and _another_service(statement, own):
            schedules, weekly = [], []
        for schedule in schedules:
            basis = Basis.HOUSING_SCHEDULE if kind == PageKind.HOUSING and not _IOP.search(own) else \
                _schedule_basis(own, schedule, statement.form)  # unless the line, or its heading, names the IOP
            findings.schedules.append(Finding(schedule, sentence, basis))
        for match in weekly:
            hours = _hours(match.group(1))
            if _FEWEST_WEEKLY_HOURS <= hours <= _MOST_WEEKLY_HOURS and not _NOT_WEEKLY_HERE.search(_clause(own, match)):
                basis = Basis.HOUSING_SCHEDULE if kind == PageKind.HOUSING and not _IOP.search(own) else \
                    Basis.WEEKLY_HOURS
                findings.hours_per_week.append(Finding(hours, sentence, basis))
        line = without_heading(own)
        accepting = accepting or bool(statement.form != "answer" and speaks_for_itself(line) and
                                      _ACCEPTS.search(line) and not _NEGATION.search(line))
        if _insurance_claimed(own):
            named = _own_line(statement, own)
            heading = own[:len(own) - len(named)].removesuffix(" · ")
            basis = _insurance_basis(named, heading, statement.form, host)
            if kind == PageKind.CARRIER and not _said_on_carrier_page(named, heading, basis):
                basis = Basis.CARRIER_PAGE
            # under "We do not accept:"; or the words cut off before the facility's own as general held the
            # refusal ("Some out-of-network providers we work with include ...")
            cut_before = statement.text[:max(0, statement.text.find(own[:_CUT_PROBE]))]
            refusing = bool(_NEGATION.search(heading) or _OUT_OF_NETWORK.search(cut_before))
            for name, accepted in insurance_in(named):  # the heading's names were read on its own line
                accepted, name = accepted and not refusing, _placed(name, named, own, places)
                target = findings.refused if not accepted else \
                    findings.carriers if name.kind == "carrier" else findings.medicaid_plans
                target.append(Finding(name, sentence, basis))
        if (telehealth := telehealth_in(own)) is not None and not _others_video(statement, own, kind):
            findings.telehealth.append(Finding(telehealth, sentence, _telehealth_basis(own, telehealth, statement.form)))
    if accepting:  # a bare list of plans on a page where the facility says it takes insurance
        for found in (findings.carriers, findings.medicaid_plans):
            found[:] = [f._replace(basis=Basis.LIST_ON_ACCEPTING_PAGE) if f.basis == Basis.NAME_LIST else f
                        for f in found]
    if (findings.carriers or findings.medicaid_plans) and _shown_for_reference(text):
        for found in (findings.carriers, findings.medicaid_plans):
            found[:] = [f for f in found if f.basis not in _LISTS]
    return findings


def _said_on_carrier_page(line: str, heading: str, basis: Basis) -> bool:
    """On a page about one insurer, what the facility says it takes still counts: a list under the site's own
    "Insurance we accept" (not under a title such as "Rehabs That Take CareSource"), and "We are in network with
    ..." in so many words (not "we'll contact Anthem for you"). The rest names the insurer in general."""
    if basis == Basis.LIST_UNDER_HEADING:
        return speaks_for_itself(heading)
    own = basis in (Basis.FIRST_PERSON_ACCEPTANCE, Basis.OWN_NAME_ACCEPTANCE)
    return own and bool(_ACCEPTS.search(_without_names(line)))


# "The teen IOP will be the first of these services when it begins": the page's program has not begun, so what the
# page says of its schedule is planned ("our telehealth IOP, when it launches" is another track, not the program).
_NOT_YET_RUNNING = re.compile(r"\bthe (?:adolescent |teen |adult |youth )?(?:IOP|intensive outpatient program)\b"
                              r"[^.\n]{0,80}?\b(?:when it (?:begins|opens|launches|starts)|"
                              r"will (?:begin|open|launch|start) (?:in|this|next|soon|later)\b)", re.I)


def _not_yet_running(text: str) -> bool:
    return says_any(text, ("when it ", "will begin", "will open", "will launch", "will start")) and \
        bool(_NOT_YET_RUNNING.search(text))


def _names_an_iop(text: str) -> bool:
    """The page names an IOP and never says the facility has none (a refusal ends with the IOP's name, so only
    the words just before each mention are searched: a whole page costs a regular expression dearly)."""
    if not _IOP.search(text):
        return False
    if not says_any(text, ("not", "n't", "n’t", "no longer")):
        return True
    return not any(_NO_IOP.search(text[max(0, mention.start() - _NO_IOP_REACH):mention.end() + _NO_IOP_AFTER])
                   for mention in _IOP.finditer(text))


def _shown_for_reference(text: str) -> bool:
    """The page says its names of plans are shown for reference only, not as networks it is in."""
    return says_any(text, ("not", "only")) and bool(_NOT_NETWORK.search(text))


def _clause(text: str, match: re.Match) -> str:
    """The clause of the text a match stands in, between commas, semicolons and "plus"/"followed by"."""
    starts = [edge.end() for edge in _CLAUSE_EDGE.finditer(text, 0, match.start())]
    end = _CLAUSE_EDGE.search(text, match.end())
    return text[starts[-1] if starts else 0:end.start() if end else len(text)]


def _another_service(statement: Statement, own: str) -> bool:
    """A line that does not name the IOP, under a heading that names another service ("DUI Education",
    "Family Night"), or a clause of a sentence about one ("Dosing hours: Mon-Fri 6-11 am; Sat and Sun 7-9 am")."""
    line = without_heading(own)
    if _IOP.search(line):
        return False
    heading = statement.section or ""
    if heading and not _IOP.search(heading) and _NOT_PROGRAM.search(heading):
        return True
    rest = statement.sentence.replace(without_heading(statement.text), " ")  # the sentence's other clauses
    return not _PROGRAM.search(line) and bool(_NOT_PROGRAM.search(rest))


def _others_video(statement: Statement, own: str, kind: PageKind) -> bool:
    """Video that is not the facility's care: under a heading of what is no care ("Alumni meeting" / "... or on
    Zoom"), or a house's residents seen by their own providers ("counselors meet residents by telehealth")."""
    if _IOP.search(own):
        return False
    heading = statement.section or ""
    return bool(heading and _NOT_CARE.search(heading)) or (
        kind == PageKind.HOUSING and bool(_RESIDENTS.search(own)))


def _own_line(statement: Statement, own: str) -> str:
    """The line of a statement read under a heading, without the heading (the line may hold " · " itself)."""
    prefix = f"{statement.section} · " if statement.form in ("under heading", "table") and statement.section else ""
    return own[len(prefix):] if prefix and own.startswith(prefix) else without_heading(own) if prefix else own


def _schedule_basis(statement: str, schedule: Schedule, form: str) -> Basis:
    if form == "table":
        return Basis.SCHEDULE_TABLE
    if not (schedule.days or schedule.starts):
        return Basis.NAMED_TRACK
    line = without_heading(statement)
    if _IOP.search(line) or _TRACK.search(line):
        return Basis.SCHEDULE_NAMING_IOP
    return Basis.SCHEDULE_LINE if _PROGRAM.search(line) else Basis.SCHEDULE_ON_PROGRAM_PAGE


# A heading or label that names a kind of insurance or a plan: "Insurance", "Commercial", "Kentucky Medicaid",
# "Apple Health (Medicaid)", "Insurance for the IOP"; never a form's field, a link list, or plans not taken.
_INSURANCE_WORD = re.compile(r"\b(?:insurances?|seguros?|plans?|payers?|payment|coverage|medicaid|medicare|commercial|"
                             r"private|in[- ]network|accepted|EAP|employee assistance|managed care|MCOs?|"
                             r"medical assistance)\b", re.I)
_NOT_A_LIST_LABEL = re.compile(r"\b(?:provider|other|pages?|verify|check|select|choose|member|pending|soon|single case|"
                               r"questions?|your|type)\b", re.I)  # a form's field, links, plans not taken
_LABEL_WORDS = 6
_EXAMPLES = re.compile(r"\betc\b|\be\.g\.|\bsuch as\b|\bfor example\b", re.I)
_SUBJECTLESS = re.compile(r"^\W*(?:(?:currently|now|proudly|also)\s+)?(?:in[- ]network with|accepting|participating "
                          r"with|contracted with|accepts)\b", re.I)
_OWN_OFFICES = re.compile(r"^\W*(?:(?:both|all|each|every)(?: of)?(?: (?:our|the|these|two|three))?|this|our) "
                          r"(?:offices?|locations?|clinics?|sites?|programs?|centers?|campus(?:es)?)\b", re.I)
_PASSIVE_ACCEPTANCE = re.compile(r"[\W\s]*(?:(?:is|are|also|all|plans?|insurance|of \w+)\s+)*(?:accepted|welcome)"
                                 r"[\W\s]*", re.I)


def _insurance_label(label: str) -> bool:
    label = label.strip()
    return 0 < len(label.split()) <= _LABEL_WORDS and not label.endswith("?") and \
        not (_NEGATION.search(label) or _NOT_A_LIST_LABEL.search(label)) and \
        bool(_INSURANCE_WORD.search(label) or _names(label))
# "Palm Coast is in network with ...", "Bixby Sage's IOP accepts ...": the facility named as the subject.
_OWN_NAME_MIN = 8  # letters of a name's first two or more words that the host must spell ("alderflat")
_NAMED_SUBJECT = re.compile(r"^((?:[A-Z][\w&.-]*\s){0,3}[A-Z][\w&.-]*?)(?:'s?|’s?)?\s+(?:\w+\s+)?"
                            r"(?:is|are|accepts?|takes?|bills?|participates?)\b")


# "Southern Pines programs are in network with ...": the programs of a named organisation, not "our programs".
_OTHERS_NETWORK = re.compile(r"\b(?!(?:our|this|these|both|all|each|every)\b)\w+ (?:programs?|facilities|centers?|"
                             r"locations?|hospitals?|clinics?) (?:are|is) (?:also )?in[- ]network\b", re.I)
# "referred to our partner, which is in network with ...", "we refer you out": another organisation takes the
# plan; not "we accept referrals through the VA" nor "VA referral required".
_SOMEONE_ELSE = words(r"partners?", r"refer(?:s|red|rals?)? (?:\w+ )?(?:to|out)", r"affiliat\w*", "sister")
# A heading's "In-network insurance partners" are the insurers, not someone else.
_INSURERS_AS_PARTNERS = re.compile(r"\b(?:insurance|in[- ]network|network|payer|plan) partners?\b", re.I)
# "in network with Aetna at several of our facilities": not said of each of them, so not of this one.
_SOME_OF_OURS = re.compile(r"\b(?:several|some|many|most|select|certain|a few|a number) (?:of )?(?:our |its |their )?"
                           r"(?:facilities|locations|centers|centres|programs|sites|campuses|clinics|offices)\b", re.I)


_STATE = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, STATE_NAMES.values()), key=len, reverse=True)) + r")\b")
_STATE_CODES = {name: code for code, name in STATE_NAMES.items()}
_ZIP = re.compile(r"\b\d{5}(?:-\d{4})?\b")
_ROW_LABEL = re.compile(r"^\W*(?:" + _STATE.pattern + r")[^|:—–]{0,40}\s*[|:—–]")
_PEOPLE = re.compile(r"\b(?:residents?|clients?|members?|patients?|people|famil(?:y|ies)|those|anyone|you)\b", re.I)


_CAPITAL = re.compile(r"\bWashington,?\s+D\.?\s?C\b\.?")  # the District, not the state


@lru_cache(maxsize=4096)  # pages repeat their lines
def states_named(text: str) -> frozenset[str]:
    return frozenset(_STATE_CODES[found] for found in _STATE.findall(_CAPITAL.sub("District of Columbia", text)))


@lru_cache(maxsize=4096)  # pages repeat their lines
def _new_part(sentence: str) -> frozenset[str] | None:
    """The states the part of the page a line begins is about: those of a place's heading, none for a new part
    or one about every office ("Both offices accept"); None where the line begins no part."""
    if heading := _place_heading(sentence):
        return heading
    return frozenset() if (_shape(sentence).heading and not states_named(sentence)) or _OWN_OFFICES.match(sentence) \
        else None


def _place_heading(sentence: str) -> frozenset[str]:
    """The states a line heads a part of the page about, when it is a place's heading or address and names
    no plan ("Coeur d'Alene, Idaho clinic — 305 E Sherman Ave ... 83814"; not "For Oregon clients"); else
    nothing."""
    if not (_shape(sentence).heading or _ZIP.search(sentence)) or _PEOPLE.search(sentence):
        return frozenset()
    states = states_named(sentence)
    return states if states and not any(_names(sentence)) else frozenset()


def _placed(name: InsuranceName, line: str, statement: str, places: frozenset[str]) -> InsuranceName:
    """Where a plan or carrier that may serve every state ("Healthy Blue", "Aetna") is offered: a Medicaid
    plan named beside a state ("Healthy Blue of North Carolina", "for clients who live in North Carolina")
    serves the states named there; any name in a row a state labels ("Kentucky — Anthem, Humana",
    "Kentucky (Louisville) | ...") serves that state; else a name under a place's heading serves its states."""
    if name.states:
        return name
    label = _ROW_LABEL.match(line)
    states = states_named(statement) if name.kind == "medicaid_plan" else \
        states_named(label.group()) if label else frozenset()
    states = states or places
    return InsuranceName(name.name, name.kind, states) if states else name


def _without_names(text: str) -> str:
    for _, spelled in _names(text):
        text = text.replace(spelled, " ")
    return text


def _insurance_basis(line: str, heading: str, form: str, host: str) -> Basis:
    """The class of a line naming plans, read with the heading (or accepting sentence) it stands under."""
    if form == "answer":
        return Basis.ANSWERED_QUESTION
    # "Priority Partners" is a plan, not a partner; a list under "Our clinical partner" is the partner's
    if _SOMEONE_ELSE.search(_without_names(line)) or _SOME_OF_OURS.search(line) or \
            _SOMEONE_ELSE.search(_INSURERS_AS_PARTNERS.sub(" ", heading)):
        return Basis.ACCEPTANCE_PROSE
    if speaks_for_itself(line) and _ACCEPTED.search(line):
        return Basis.FIRST_PERSON_ACCEPTANCE
    if _OTHERS_NETWORK.search(line):
        return _subject_basis(line, host)  # someone's own sentence, whatever heading it stands under
    heading = heading if form == "under heading" and _names_fill(line) else ""
    if _ACCEPTED.search(heading) and not _NEGATION.search(heading) and (
            not heading.endswith("?") or _ASKS_WHICH.search(heading)):
        return Basis.LIST_UNDER_HEADING
    if _EXAMPLES.search(line):
        return Basis.NAME_LIST  # "Commercial (Aetna, Cigna, etc.)": examples of a kind of plan
    label = line.split(":", 1)[0] if ":" in line and _names_fill(line.split(":", 1)[1]) else ""
    if _insurance_label(heading.rsplit(" · ", 1)[-1]) or _insurance_label(label):
        return Basis.LIST_UNDER_INSURANCE_HEADING  # under "Insurance", or after "Kentucky Medicaid:"
    if _SUBJECTLESS.match(line) or _OWN_OFFICES.match(line) or _PASSIVE_ACCEPTANCE.fullmatch(_without_names(line)):
        return Basis.ACCEPTING_LINE  # "In network with Aetna, Cigna", "Both offices accept ...", "BCBS accepted."
    if not _ACCEPTED.search(_PARENS.sub("", line)):
        return Basis.NAME_LIST
    return _subject_basis(line, host)


def _spelled_by(name: str, host: str) -> bool:
    """The host spells the name, or its first words ("Alder Flat County Behavioral Health" on
    alderflatcountyca.gov), enough of them to be a name."""
    words = [re.sub(r"\W", "", word) for word in name.lower().split()]
    first_words = ("".join(words[:n]) for n in range(2, len(words)))
    return "".join(words) in host or any(len(joined) >= _OWN_NAME_MIN and joined in host for joined in first_words)


def _subject_basis(line: str, host: str) -> Basis:
    """An acceptance sentence's class by its subject: the facility's name, or someone else."""
    named = _NAMED_SUBJECT.match(line)
    own_name = named and _spelled_by(named.group(1), host.replace("-", ""))
    return Basis.OWN_NAME_ACCEPTANCE if own_name else Basis.ACCEPTANCE_PROSE


def _telehealth_basis(statement: str, offered: bool, form: str) -> Basis:
    if form == "answer":
        return Basis.ANSWERED_QUESTION
    if not offered:
        return Basis.IN_PERSON_ONLY
    return Basis.TELEHEALTH_OFFER if _OFFERED.search(statement) else Basis.TELEHEALTH_HEADING


def _hours(number: str) -> float:
    word = number.lower()
    for names in (_NUMBER_WORDS, _NUMEROS):
        if word in names:
            return float(names.index(word) + 1)
    return float(word.replace(",", "."))
