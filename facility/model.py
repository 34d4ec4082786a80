"""The Facility record: the one contract between importers, spiders, indexer, API and site."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from facility.states import STATE_NAMES


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
    retrieved_at: datetime


class Facility(Record):
    id: str = Field(pattern=r"^[0-9a-f]{16}$")
    name: str = Field(min_length=1)
    name2: str | None = None
    address: Address
    phones: list[Phone] = []
    website: str | None = Field(default=None, pattern=r"^https?://\S+$")
    location: GeoPoint | None = None
    geo_precision: Literal["address", "zip", "none"] = "none"
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
    sources: list[Source] = Field(min_length=1)
    updated_at: datetime

    @model_validator(mode="after")
    def precision_matches_location(self) -> "Facility":
        if (self.location is None) != (self.geo_precision == "none"):
            raise ValueError("geo_precision must be 'none' exactly when location is null")
        return self
