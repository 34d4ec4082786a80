"""SAMHSA FindTreatment listing rows → Facility records (cleaning only; the spider extracts).

A row names its services, not their codes: each name is mapped back to a code through the
taxonomy (SAMHSA's service names and our labels), then through `aliases.csv` (beside this module)
for names older editions of the locator used. Names no table knows are counted, not fatal.

A row has no id of its facility: `_irow` is its place in one answer and `frid` differs between the
rows of one facility, so a facility is known by its name and address (facility.identity). The
locator lists a facility once per type of care (SA, MH, OTP): `united` makes its rows one record.
"""

import csv
from datetime import datetime
from functools import cache
from importlib import resources

from crawler.rows import phones, placed
from facility.identity import facility_id
from facility.model import Facility, GeoPoint, Source
from facility.normalize import clean_text, match_key
from facility.provenance import FINDTREATMENT
from facility.tally import Tally
from facility.taxonomy import Taxonomy, facets_from_codes

PHONE_FIELDS = (("phone", "main"), ("intake1", "intake"), ("hotline1", "hotline"))


@cache
def _aliases() -> dict[str, str]:
    with resources.files("crawler.findtreatment").joinpath("aliases.csv").open(encoding="utf-8") as handle:
        return {match_key(row["name"]): row["code"] for row in csv.DictReader(handle)}


def service_codes(services: list[dict] | None, taxonomy: Taxonomy, tally: Tally) -> list[str]:
    codes: list[str] = []
    for group in services or []:
        for name in str(group.get("f3") or "").split(";"):
            name = clean_text(name)
            if not name:
                continue
            code = taxonomy.code_for_name(name) or _aliases().get(match_key(name))
            if code is None:
                tally.note(f"service names without a code ({group.get('f2')}): {name}")
            elif code not in codes:
                codes.append(code)
    return codes


def _point(row: dict) -> GeoPoint | None:
    try:
        return GeoPoint(lat=float(row["latitude"]), lon=float(row["longitude"]))
    except (TypeError, ValueError, KeyError):
        return None


def _coded(codes: list[str], taxonomy: Taxonomy) -> dict:
    """The fields a record's service codes decide."""
    facets, unknown = facets_from_codes(codes, taxonomy)
    return {**facets, "telehealth": "TELE" in codes, "co_occurring": "SUMH" in codes or "CO" in codes,
            "service_codes": codes, "unknown_codes": unknown}


def facility_from_row(row: dict, url: str, retrieved_at: datetime, taxonomy: Taxonomy, tally: Tally) -> Facility:
    kind = clean_text(row.get("typeFacility") or row.get("type_facility")) or "unknown"  # spelled both ways
    tally.note(f"rows of type {kind}")
    if row.get("services") is None:  # as the locator lists opioid treatment programs
        tally.note(f"rows without services: {kind}")
    name, state, zip_code = placed(row.get("name1"), row.get("city"), row.get("state"), row.get("zip"))
    city = clean_text(row.get("city"))
    name2, street1, street2 = (clean_text(row.get(k)) for k in ("name2", "street1", "street2"))
    website = clean_text(row.get("website"))
    if website and not website.lower().startswith(("http://", "https://")):
        website = "http://" + website if "." in website and " " not in website else None
    point = _point(row)
    if point is None:
        tally.note("rows without coordinates")
    return Facility(
        id=facility_id(name, name2, street1, street2, city, state, zip_code),
        name=name, name2=name2,
        address={"street1": street1, "street2": street2, "city": city, "state": state, "zip": zip_code},
        phones=phones(row, PHONE_FIELDS, tally), website=website,
        location=point, location_precision="address" if point else "none",
        geo_source="SAMHSA FindTreatment locator" if point else None,
        **_coded(service_codes(row.get("services"), taxonomy, tally), taxonomy),
        sources=[Source(name=FINDTREATMENT, url=url, retrieved_at=retrieved_at, as_of=retrieved_at.date())],
        updated_at=retrieved_at,
    )


def united(kept: Facility, other: Facility, taxonomy: Taxonomy) -> Facility:
    """Two rows of one facility as one record: the services, phones and sources of both, the rest from
    `kept` unless it left them empty."""
    merged, extra = kept.model_dump(), other.model_dump()
    numbers = {(phone.number, phone.extension) for phone in kept.phones}
    merged["phones"] += [phone.model_dump() for phone in other.phones if (phone.number, phone.extension) not in numbers]
    merged["website"] = merged["website"] or extra["website"]
    if kept.location is None:
        merged.update({field: extra[field] for field in ("location", "location_precision", "geo_source")})
    merged.update(_coded(list(dict.fromkeys(kept.service_codes + other.service_codes)), taxonomy))
    merged["sources"] += [source for source in extra["sources"] if source not in merged["sources"]]
    merged["updated_at"] = max(kept.updated_at, other.updated_at)
    merged["verified_on"] = None  # the validator sets it from the sources
    return Facility.model_validate(merged)
