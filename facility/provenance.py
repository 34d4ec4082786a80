"""Where a record's facts come from, said plainly: each source's statement with the date its
content was true (`as_of`), and which sources gave a group of fields (via `fields_by_source`).

Works on records as stored (plain dicts with ISO dates), so the API and the site share it.
Statements are in the reader's language when given the `facility` domain's gettext (`_`).
"""

from facility.hours import Translate, english
from facility.model import DIRECTORY, FINDTREATMENT, Source, grouped_by_label, source_label, source_of_each_field

WEBSITE = "facility-website"


def statement(source: dict, _: Translate = english) -> str:
    """One sentence naming the source and when its content was true."""
    as_of = str(source["as_of"])[:10]
    if source["name"] == DIRECTORY and source.get("edition"):
        return _("Listed in SAMHSA's %(edition)s directory (survey of %(year)s)") % {
            "edition": source["edition"], "year": as_of[:4]}
    if source["name"] == DIRECTORY:
        return _("Listed in SAMHSA's directory (survey of %(year)s)") % {"year": as_of[:4]}
    if source["name"] == FINDTREATMENT:
        return _("Listed on SAMHSA's FindTreatment.gov locator, read on %(date)s") % {"date": as_of}
    if source["name"] == WEBSITE:
        return _("Read on the facility's website on %(date)s") % {"date": as_of}
    return _("%(source)s, as of %(date)s") % {"source": source["name"], "date": as_of}


def _field_sources(record: dict) -> dict[str, str]:
    sources = [Source.model_validate(source) for source in record.get("sources") or []]
    return source_of_each_field(record, sources, record.get("fields_by_source") or {}) if sources else {}


def sources_of(record: dict, fields: tuple[str, ...], _: Translate = english) -> list[dict]:
    """The sources that gave any of `fields` (the newest of each label), as
    {"statement", "as_of"}, newest first."""
    labels = _field_sources(record)
    wanted = {labels[field] for field in fields if field in labels}
    newest: dict[str, dict] = {}
    for source in record.get("sources") or []:
        label = source_label(source)
        if label in wanted and (label not in newest or str(source["as_of"]) > str(newest[label]["as_of"])):
            newest[label] = source
    ordered = sorted(newest.values(), key=lambda source: str(source["as_of"]), reverse=True)
    return [{"statement": statement(source, _), "as_of": str(source["as_of"])[:10]} for source in ordered]


def by_source(record: dict) -> list[dict]:
    """Every source of the record with its statement, dates and the fields it gave."""
    fields_of = grouped_by_label(_field_sources(record))
    return [{"name": source["name"], "edition": source.get("edition"), "statement": statement(source),
             "as_of": str(source["as_of"])[:10], "retrieved_at": source["retrieved_at"],
             "fields": fields_of.get(source_label(source), [])}
            for source in record.get("sources") or []]
