"""The Facility record: the one contract between importers, spiders, indexer, API and site."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from facility.states import STATE_NAMES

# Source names (facility.provenance says them in words): the directory, and the sources that list facilities.
DIRECTORY = "samhsa-national-directory"
FINDTREATMENT = "samhsa-findtreatment"
LISTINGS = (DIRECTORY, FINDTREATMENT)


class Record(BaseModel):
    # Cleaning happens before records are built (facility.normalize); the model checks shape.
    model_config = ConfigDict(extra="forbid")


class Address(Record):
    street1: str | None = None
    street2: str | None = None
    city: str = Field(min_length=1)
    state: str
    zip: str = Field(pattern=r"^\d{5}$")

    @field_validator("state")
    @classmethod
    def known_state(cls, value: str) -> str:
        if value not in STATE_NAMES:
            raise ValueError(f"{value!r} is not a US state or territory code")
        return value


class Phone(Record):
    kind: Literal["main", "intake", "hotline"]
    number: str = Field(pattern=r"^\+1[2-9]\d{9}$", description="E.164")
    extension: str | None = Field(default=None, pattern=r"^\d{1,6}$")


class GeoPoint(Record):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Source(Record):
    name: str = Field(min_length=1, description="e.g. samhsa-national-directory")
    edition: str | None = None
    record_id: str | None = Field(default=None, description="the source's own id or row")
    url: str | None = None
    retrieved_at: datetime = Field(description="when we read the source")
    as_of: date = Field(description="when its content was true: a directory edition's survey date, a crawl's day")


Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Evidence(Record):
    """Where a finding on a facility's website came from: the page, the day we read it, the sentence,
    and the class of sentence it is (crawler.websites.evidence.Basis)."""
    field: str
    value: str
    url: str
    read_on: date
    sentence: str
    basis: str | None = None


class Schedule(Record):
    """One program track a facility's website states, e.g. Mon/Tue/Thu 18:00-21:00."""
    days: list[Day] = []
    starts: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")
    ends: str | None = Field(default=None, pattern=r"^\d\d:\d\d$")
    evening: bool = False
    weekend: bool = False


class SiteFacts(Record):
    """What a facility's own website says, each finding backed by evidence."""
    url: str = Field(pattern=r"^https?://\S+$", description="the site crawled")
    pages: int = Field(ge=0, description="pages read")
    name: str | None = Field(default=None, description="as the site's schema.org data gives it")
    phones: list[str] = Field(default=[], description="E.164 numbers the site publishes")
    address: Address | None = None
    location: GeoPoint | None = None
    offers_iop: bool = False
    schedules: list[Schedule] = []
    evening: bool = False
    weekend: bool = False
    hours_per_week: float | None = Field(default=None, gt=0, le=80)
    insurance_carriers: list[str] = []
    medicaid_plans: list[str] = []
    telehealth: bool | None = None
    opening_hours: list[str] = Field(default=[], description="schema.org openingHours, as given")
    evidence: list[Evidence] = []
    quotes: list[Evidence] = Field(default=[], description="what the site says in a class of sentence read too "
                                   "unreliably to state as a fact: shown in its words, never filtered on")
    retrieved_at: datetime


class Change(Record):
    """What one directory edition changed in a facility's listing, as of that edition's survey date."""
    edition: str
    as_of: date
    kind: Literal["new", "retired", "returned", "added", "removed"]
    field: str | None = Field(default=None, description="for added/removed: the facet group (e.g. payment)")
    values: list[str] = []


class Enrichment(Record):
    """A crawl's findings about one facility that is already listed (keyed by its id)."""
    facility_id: str = Field(pattern=r"^[0-9a-f]{16}$")
    matched_by: Literal["domain", "phone", "address"]
    site: SiteFacts
    source: Source


class Facility(Record):
    id: str = Field(pattern=r"^[0-9a-f]{16}$")
    name: str = Field(min_length=1)
    name2: str | None = None
    address: Address
    phones: list[Phone] = []
    website: str | None = Field(default=None, pattern=r"^https?://\S+$")
    location: GeoPoint | None = None
    location_precision: Literal["address", "zip", "none"] = "none"
    geo_source: str | None = None
    levels_of_care: list[str] = []
    care_types: list[str] = []
    payment: list[str] = []
    payment_assistance: list[str] = []
    ages: list[str] = []
    genders: list[str] = []
    populations: list[str] = []
    languages: list[str] = []
    opioid_medications: list[str] = []
    opioid_treatment: list[str] = []
    medications: list[str] = []
    therapies: list[str] = []
    operated_by: list[str] = []
    accreditations: list[str] = []
    other_services: list[str] = []
    telehealth: bool = False
    co_occurring: bool = False
    service_codes: list[str] = Field(default=[], description="every SAMHSA code, as given")
    unknown_codes: list[str] = Field(default=[], description="codes no taxonomy knows")
    site: SiteFacts | None = Field(default=None, description="from the facility's own website")
    sources: list[Source] = Field(min_length=1)
    changes: list[Change] = Field(default=[], description="between directory editions, oldest first")
    status: Literal["listed", "retired"] = Field(
        default="listed", description="retired: the newest directory edition lacks it and no newer listing has it")
    last_listed: str | None = Field(default=None, description="the newest directory edition that lists it")
    modified_on: date | None = Field(default=None, description="as of when its listing last changed (or began)")
    fields_by_source: dict[str, list[str]] = Field(
        default={}, description="source label -> the fields it gave, for every source but the newest, "
                                "which gave every other non-empty field (facility.provenance)")
    updated_at: datetime
    verified_on: date | None = Field(default=None, description="the newest as_of of its sources")

    @model_validator(mode="after")
    def precision_matches_location(self) -> "Facility":
        if (self.location is None) != (self.location_precision == "none"):
            raise ValueError("location_precision must be 'none' exactly when location is null")
        return self

    @model_validator(mode="before")
    @classmethod
    def fields_by_source_from_field_sources(cls, data):
        """Staged files written before `fields_by_source` map every field to its source (`field_sources`)."""
        if isinstance(data, dict) and "field_sources" in data:
            data = dict(data)
            data.setdefault("fields_by_source", grouped_by_label(data.pop("field_sources")))
        return data

    @model_validator(mode="after")
    def provenance(self) -> "Facility":
        # A record fresh from one source has no fields_by_source: every field came from there.
        if self.fields_by_source:
            unknown = sorted({field for fields in self.fields_by_source.values() for field in fields}
                             - set(DESCRIBED_FIELDS))
            if unknown:
                raise ValueError(f"fields_by_source names fields a facility does not have: {', '.join(unknown)}")
            self.fields_by_source.pop(source_label(newest_source(self.sources)), None)
        if self.verified_on is None:
            self.verified_on = newest_source(self.sources).as_of
        return self

    @model_validator(mode="after")
    def listing_status(self) -> "Facility":
        """Derived from the changes and sources, whatever a stored record said: a facility the
        directory retired stays retired until a source newer than that edition lists it."""
        editions = [s.edition for s in self.sources if s.name == DIRECTORY and s.edition]
        self.last_listed = max(editions, key=int) if editions else None
        last = self.changes[-1] if self.changes else None
        retired = last is not None and last.kind == "retired" and not any(
            s.name != DIRECTORY and s.name in LISTINGS and s.as_of > last.as_of for s in self.sources)
        self.status = "retired" if retired else "listed"
        self.modified_on = last.as_of if last else min(s.as_of for s in self.sources)
        return self

    def field_sources(self) -> dict[str, str]:
        """Every non-empty described field → the label of the source it came from."""
        return source_of_each_field(vars(self), self.sources, self.fields_by_source)


# Fields that describe the facility (not its bookkeeping): those whose source is kept.
DESCRIBED_FIELDS = tuple(name for name in Facility.model_fields
                         if name not in {"id", "sources", "changes", "status", "last_listed", "modified_on",
                                      "fields_by_source", "updated_at", "verified_on"})


def newest_source(sources: list[Source]) -> Source:
    """The source whose content is the most recent (as_of; the later read breaks a tie)."""
    return max(sources, key=lambda source: (source.as_of, source.retrieved_at))


def source_label(source: Source | dict) -> str:
    """"name:edition", or the name alone: how fields_by_source names a source."""
    name, edition = (source["name"], source.get("edition")) if isinstance(source, dict) else \
        (source.name, source.edition)
    return f"{name}:{edition}" if edition else name


def grouped_by_label(field_labels: dict[str, str]) -> dict[str, list[str]]:
    """field → label, turned into label → fields."""
    fields_of: dict[str, list[str]] = {}
    for field, label in field_labels.items():
        fields_of.setdefault(label, []).append(field)
    return fields_of


def source_of_each_field(values: dict, sources: list[Source], fields_by_source: dict[str, list[str]],
                         ) -> dict[str, str]:
    """Every non-empty described field of `values` (a record's fields, or a stored record) → the
    label of its source: as `fields_by_source` says, else the newest source's."""
    newest = source_label(newest_source(sources))
    given = {field: label for label, fields in fields_by_source.items() for field in fields}
    return {name: given.get(name, newest) for name in DESCRIBED_FIELDS if values.get(name) not in (None, [])}


def compact_sources(field_labels: dict[str, str], sources: list[Source]) -> dict[str, list[str]]:
    """`field_labels` as a record keeps them (fields_by_source): the fields of every source but the newest."""
    newest = source_label(newest_source(sources))
    return grouped_by_label({field: label for field, label in field_labels.items() if label != newest})
