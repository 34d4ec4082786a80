"""Adding up what the pages of one website say into the SiteFacts of one facility: findings of a
published class of evidence become facts, the others quotes (crawler.websites.evidence)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from crawler.websites.evidence import published
from crawler.websites.schema import SchemaFacts
from crawler.websites.text import Finding, InsuranceName, PageFindings, minutes
from facility.model import Evidence, Schedule, SiteFacts

MAX_QUOTES = 12  # per site: enough to show, and memory stays flat


def weekly_hours(schedule: Schedule) -> float | None:
    if not (schedule.days and schedule.starts and schedule.ends):
        return None
    return round(len(schedule.days) * (minutes(schedule.ends) - minutes(schedule.starts)) / 60, 1)


@dataclass
class SiteReading:
    """One site's findings so far. Holds at most a few values per kind, so memory stays flat."""
    url: str
    pages: int = 0
    schema: SchemaFacts = field(default_factory=SchemaFacts)
    phones: list[str] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    weekly_totals: list[float] = field(default_factory=list)  # the program's weekly hours, as the site states them
    carriers: list[InsuranceName] = field(default_factory=list)
    medicaid_plans: list[InsuranceName] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # names the site says it does not take
    telehealth: list[bool] = field(default_factory=list)
    offers_iop: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    quotes: list[Evidence] = field(default_factory=list)
    quoted_names: dict[str, InsuranceName] = field(default_factory=dict)
    retrieved_at: datetime | None = None

    def _cite(self, field_name: str, value, url: str, read_on: date, finding: Finding) -> None:
        """The first sentence that says each value is its evidence."""
        shown = str(value)
        if all(e.field != field_name or e.value != shown for e in self.evidence):
            self.evidence.append(Evidence(field=field_name, value=shown, url=url, read_on=read_on,
                                          sentence=finding.sentence, basis=finding.basis))

    def _quote(self, field_name: str, value, url: str, read_on: date, finding: Finding) -> None:
        """A finding of a class not published as a fact: kept in the site's words, once per sentence."""
        if len(self.quotes) < MAX_QUOTES and all(q.sentence != finding.sentence for q in self.quotes):
            self.quotes.append(Evidence(field=field_name, value=str(value), url=url, read_on=read_on,
                                        sentence=finding.sentence, basis=finding.basis))

    def add_page(self, url: str, retrieved_at: datetime, findings: PageFindings | None, schema: SchemaFacts,
                 phones: list[str]) -> None:
        """One page read; `findings` is None for an article, whose text says nothing about the facility."""
        self.pages += 1
        self.retrieved_at = max(self.retrieved_at or retrieved_at, retrieved_at)
        for name in ("name", "address", "location"):
            if getattr(self.schema, name) is None:
                setattr(self.schema, name, getattr(schema, name))
        for hours in schema.opening_hours:
            if hours not in self.schema.opening_hours and len(self.schema.opening_hours) < 14:
                self.schema.opening_hours.append(hours)
        for phone in schema.phones + phones:
            if phone not in self.phones and len(self.phones) < 10:
                self.phones.append(phone)
        if findings is None:
            return
        read_on = retrieved_at.date()
        for sentence in findings.iop:
            self.offers_iop = True
            self._cite("offers_iop", True, url, read_on, Finding(True, sentence, None))
        for finding in findings.schedules:
            schedule = finding.value
            if not published(finding.basis):
                self._quote("schedules", _describe(schedule), url, read_on, finding)
            elif schedule not in self.schedules and len(self.schedules) < 10:
                self.schedules.append(schedule)
                self._cite("schedules", _describe(schedule), url, read_on, finding)
        for finding in findings.hours_per_week:
            if not published(finding.basis):
                self._quote("hours_per_week", finding.value, url, read_on, finding)
                continue
            if finding.value not in self.weekly_totals and len(self.weekly_totals) < 5:
                self.weekly_totals.append(finding.value)
            self._cite("hours_per_week", finding.value, url, read_on, finding)
        for kind, found in (("insurance_carriers", findings.carriers), ("medicaid_plans", findings.medicaid_plans)):
            names = self.carriers if kind == "insurance_carriers" else self.medicaid_plans
            for finding in found:
                name = finding.value
                if not published(finding.basis):
                    self.quoted_names[name.name] = name
                    self._quote(kind, name.name, url, read_on, finding)
                elif name not in names:
                    names.append(name)
                    self._cite(kind, name.name, url, read_on, finding)
        self.refused.update(finding.value.name for finding in findings.refused)
        for finding in findings.telehealth:
            if not published(finding.basis):
                self._quote("telehealth", finding.value, url, read_on, finding)
                continue
            if finding.value not in self.telehealth:
                self.telehealth.append(finding.value)
            self._cite("telehealth", finding.value, url, read_on, finding)

    @property
    def stated_hours(self) -> float | None:
        """The program's weekly hours where the site states one total. Where it states several (two tracks', or
        a part's, "6 hours of group" beside "9 hours a week"), which is the program's is not said: none."""
        return self.weekly_totals[0] if len(self.weekly_totals) == 1 else None

    def facts(self, state: str | None) -> SiteFacts:
        """The site's facts for a facility in `state`: another state's Medicaid plans, and what the site
        takes in another state only, are not its own, and a name the site also says it does not take is
        not stated as taken."""
        derived = [hours for hours in map(weekly_hours, self.schedules) if hours]
        carriers = sorted({n.name for n in self.carriers if n.serves(state)} - self.refused)
        plans = sorted({n.name for n in self.medicaid_plans if n.serves(state)} - self.refused)
        named = {"insurance_carriers": carriers, "medicaid_plans": plans}
        evidence = [e for e in self.evidence if e.field not in named or e.value in named[e.field]]
        # A quote of a plan another state runs, or of one the site says it does not take, says nothing of it.
        quotes = [q for q in self.quotes if q.field not in named or (
            q.value not in self.refused and self.quoted_names[q.value].serves(state))]
        if len(self.weekly_totals) > 1:  # totals that disagree are shown as the site says them, not as a fact
            quotes += [e for e in evidence if e.field == "hours_per_week"]
            evidence = [e for e in evidence if e.field != "hours_per_week"]
        return SiteFacts(
            url=self.url, pages=self.pages, name=self.schema.name, phones=self.phones,
            address=self.schema.address, location=self.schema.location,
            offers_iop=self.offers_iop, schedules=self.schedules,
            evening=any(s.evening for s in self.schedules), weekend=any(s.weekend for s in self.schedules),
            hours_per_week=self.stated_hours or (derived[0] if derived and derived[0] <= 80 and not self.weekly_totals
                                                 else None),
            insurance_carriers=carriers, medicaid_plans=plans,
            # A site that says both (e.g. "no telehealth for detox", "virtual IOP groups") offers some.
            telehealth=True if True in self.telehealth else False if self.telehealth else None,
            opening_hours=self.schema.opening_hours, evidence=evidence, quotes=quotes,
            retrieved_at=self.retrieved_at,
        )


def _describe(schedule: Schedule) -> str:
    days = ", ".join(day.capitalize() for day in schedule.days)  # in week order, as read
    hours = f"{schedule.starts}-{schedule.ends}" if schedule.starts else ""
    return " ".join(part for part in (days, hours) if part)
