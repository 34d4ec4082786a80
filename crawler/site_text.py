"""What a facility's web page says in prose about itself, each finding with the sentence it came from.

Pure functions over a page's visible text: that an IOP is offered, its schedule (days, hours,
evening/weekend), hours per week, insurance carriers and Medicaid plans accepted (and refused),
telehealth. Only the facility's own statements count (crawler.site_scope).
"""

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from crawler.site_scope import own_statement, speaks_for_itself
from facility.model import Schedule

MAX_SENTENCE = 300  # evidence is quoted; a longer "sentence" is cut here

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DAY = re.compile(r"\b(monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu|friday|fri|saturday|sat|"
                  r"sunday|sun)s?\b|\b(weekdays|weekends?)\b", re.I)
_DAY_RANGE = re.compile(r"^\s*(?:-|–|—|to|through|thru)\s*$", re.I)
_TIME = r"(\d{1,2})(?::(\d{2}))?(?:\s*([ap])\.?\s*m\b\.?)?"
_TIME_RANGE = re.compile(_TIME + r"\s*(?:-|–|—|to|until|till)\s*" + _TIME, re.I)
_IOP = re.compile(r"\bintensive[ -]outpatient\b|\bIOPs?\b", re.I)
_PROGRAM = re.compile(r"\b(?:IOPs?|intensive[ -]outpatient|track|groups?|sessions?|meets?|program|classes)\b", re.I)
_NOT_PROGRAM = re.compile(r"\b(?:office|open|opening|business|hours of operation|front desk|call us)\b", re.I)
_HOURS_PER_WEEK = re.compile(r"(\d{1,2}(?:\.\d)?)\s*(?:(?:-|–|to)\s*\d{1,2}\s*)?(?:hours|hrs)\.?\s*"
                             r"(?:per|a|each|every|/)\s*week", re.I)
_TELEHEALTH = re.compile(r"\b(?:tele-?health|telemedicine|teletherapy|virtual (?:IOPs?|intensive outpatient|"
                         r"programs?|sessions?|groups?|care|treatment|visits?)|online (?:IOPs?|sessions?|groups?|"
                         r"programs?|therapy|treatment)|video (?:sessions?|visits?|groups?))\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|cannot|unavailable|no longer|unable|except|excluding|other than|"
                       r"out[- ]of[- ]network)\b|n't\b", re.I)
# Where one claim ends and another begins inside a sentence: "We accept Aetna but not Cigna".
_CLAUSE = re.compile(r";|,?\s+\b(?:but|however|although|though|whereas|while|yet)\b|,\s+and\s+(?=(?:we|our)\b)", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\s*\n\s*")


@dataclass
class PageFindings:
    """Each list holds (value, sentence) pairs in page order; `iop` only the sentences."""
    iop: list[str] = field(default_factory=list)
    schedules: list[tuple[Schedule, str]] = field(default_factory=list)
    hours_per_week: list[tuple[float, str]] = field(default_factory=list)
    carriers: list[tuple["InsuranceName", str]] = field(default_factory=list)
    medicaid_plans: list[tuple["InsuranceName", str]] = field(default_factory=list)
    refused: list[tuple["InsuranceName", str]] = field(default_factory=list)  # insurance names the facility does not take
    telehealth: list[tuple[bool, str]] = field(default_factory=list)


def sentences(text: str) -> list[str]:
    found = []
    for part in _SENTENCE_END.split(text):
        part = " ".join(part.split())
        if part:
            found.append(part[:MAX_SENTENCE])
    return found


def days_in(sentence: str) -> list[str]:
    """Days named in a sentence, ranges expanded: "Monday through Thursday", "Mon/Wed", "weekends"."""
    days: set[str] = set()
    matches = list(_DAY.finditer(sentence))
    for index, match in enumerate(matches):
        word = match.group(2)
        if word:
            days.update(DAYS[:5] if word.lower() == "weekdays" else DAYS[5:])
            continue
        day = DAYS.index(match.group(1)[:3].lower())
        days.add(DAYS[day])
        following = matches[index + 1] if index + 1 < len(matches) else None
        if following and following.group(1) and _DAY_RANGE.match(sentence[match.end():following.start()]):
            last = DAYS.index(following.group(1)[:3].lower())
            while day != last:
                day = (day + 1) % 7
                days.add(DAYS[day])
    return [day for day in DAYS if day in days]


def _clock(hour: str, minute: str | None, meridiem: str | None) -> int | None:
    """Minutes after midnight, or None for an impossible time."""
    h, m = int(hour), int(minute or 0)
    if m > 59 or h > 23 or (meridiem and not 1 <= h <= 12):
        return None
    if meridiem:
        h = h % 12 + (12 if meridiem.lower() == "p" else 0)
    return h * 60 + m


def time_range(sentence: str) -> tuple[str, str] | None:
    """The first clock range, as ("18:00", "21:00"): "6-9 pm", "9:00 a.m. – 12:00 p.m.", "18:00–21:00"."""
    for match in _TIME_RANGE.finditer(sentence):
        h1, m1, a1, h2, m2, a2 = match.groups()
        if not (a1 or a2 or (m1 and m2)):
            continue  # "1-2" alone is a count, not a time
        end = _clock(h2, m2, a2)
        start = _clock(h1, m1, a1 or a2)
        if start is not None and end is not None and not a1 and a2 and start >= end:
            start = _clock(h1, m1, "a")  # "11-2 pm": the start is in the morning
        if start is None or end is None or start >= end:
            continue
        return f"{start // 60:02d}:{start % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"
    return None


def schedule_in(sentence: str) -> Schedule | None:
    """A program schedule when the sentence is about a program (not office hours) and names days or
    hours, or the facility says it has an evening track ("our evening IOP")."""
    if not _PROGRAM.search(sentence) or _NOT_PROGRAM.search(sentence):
        return None
    lowered = sentence.lower()
    days, hours = days_in(sentence), time_range(sentence)
    evening_word = "evening" in lowered
    if not (days or hours or (evening_word and speaks_for_itself(sentence))):
        return None
    starts, ends = hours or (None, None)
    return Schedule(days=days, starts=starts, ends=ends,
                    evening=evening_word or bool(starts and starts >= "16:00"),
                    weekend="weekend" in lowered or any(day in ("sat", "sun") for day in days))


@dataclass(frozen=True)
class InsuranceName:
    name: str
    kind: str  # "carrier" or "medicaid_plan"
    states: frozenset[str]  # a state's own Medicaid program or plan; empty where it is not tied to one

    def serves(self, state: str | None) -> bool:
        return not self.states or state in self.states


_WORD = re.compile(r"[\w.&+-]+")


@cache
def _insurance() -> dict[str, list[tuple[re.Pattern, InsuranceName]]]:
    """Carriers and Medicaid plans we recognise (crawler/insurance_names.csv), indexed by their
    first word: each sentence is scanned once, word by word, not once per name."""
    with files("crawler").joinpath("insurance_names.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    spellings = []
    for row in rows:
        name = InsuranceName(row["name"], row["kind"], frozenset(row["states"].split()))
        spellings += [(spelling, name) for spelling in [row["name"]] + row["aliases"].split("|") if spelling]
    by_first_word: dict[str, list[tuple[re.Pattern, InsuranceName]]] = {}
    # Longest spelling first, so "Aetna Better Health" wins over "Aetna".
    for spelling, name in sorted(spellings, key=lambda pair: len(pair[0]), reverse=True):
        # As spelled or in capitals, never in lower case: "MediCal" is a plan, "medical" a word.
        forms = "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in dict.fromkeys([spelling, spelling.upper()]))
        pattern = re.compile(f"(?:{forms})(?![\\w-])")
        by_first_word.setdefault(_WORD.match(spelling).group().lower().rstrip("."), []).append((pattern, name))
    return by_first_word


def insurance_in(sentence: str) -> list[tuple[InsuranceName, bool]]:
    """(name, accepted) in the order the sentence gives them, each once; a name in a clause that
    negates ("we do not accept", "no longer in network with", "except") is not accepted."""
    by_first_word = _insurance()
    found: dict[InsuranceName, bool] = {}
    for clause in _CLAUSE.split(sentence):
        if not clause:
            continue
        accepted, resume = not _NEGATION.search(clause), 0
        for word in _WORD.finditer(clause):
            if word.start() < resume:
                continue
            for pattern, name in by_first_word.get(word.group().lower().rstrip("."), ()):
                if match := pattern.match(clause, word.start()):
                    found.setdefault(name, accepted)
                    resume = match.end()
                    break
    return list(found.items())


def telehealth_in(sentence: str) -> bool | None:
    match = _TELEHEALTH.search(sentence)
    if not match:
        return None
    return not _NEGATION.search(sentence)


def read_page(text: str) -> PageFindings:
    """What the page's sentences say about the facility itself (general and hedged ones say nothing)."""
    findings = PageFindings()
    for sentence in sentences(text):
        own = own_statement(sentence)
        if own is None:
            continue
        if _IOP.search(own):
            findings.iop.append(sentence)
        if (schedule := schedule_in(own)) is not None:
            findings.schedules.append((schedule, sentence))
        for match in _HOURS_PER_WEEK.finditer(own):
            hours = float(match.group(1))
            if 0 < hours <= 80:
                findings.hours_per_week.append((hours, sentence))
        for name, accepted in insurance_in(own):
            target = findings.refused if not accepted else \
                findings.carriers if name.kind == "carrier" else findings.medicaid_plans
            target.append((name, sentence))
        if (telehealth := telehealth_in(own)) is not None:
            findings.telehealth.append((telehealth, sentence))
    return findings
