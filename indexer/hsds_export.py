"""The facilities behind an alias in Open Referral's HSDS 3.1 (`iopfinder export hsds`), as facility/hsds.py
describes them, in both of the specification's forms:

- the tabular data package: a CSV file per table of the specification (`organizations.csv`,
  `services.csv`, ...; every table, with the columns the specification gives, empty tables as a header)
  and `datapackage.json` describing them (indexer/hsds_package.py);
- the JSON form under `json/`, one object a line: `services.ndjson` (each service with everything
  nested in it), `organizations.ndjson` (each with its location and its services' own fields),
  `service_at_locations.ndjson` (each with its location), `taxonomies.ndjson` and `taxonomy_terms.ndjson`.

Every term of the taxonomy is listed once, whether a facility has it or not (in the JSON form once in
each language); an organization, a location or a term shared by several services is listed once.
Retired facilities (those the newest directory edition no longer lists) are left out, as the API leaves
them out, unless asked for: then their services are `inactive`. The export is written into a sibling
directory and renamed into place when complete, so the directory it replaces stays whole until then.
"""

import csv
import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import orjson
from elasticsearch import Elasticsearch, NotFoundError

from facility import defaults
from facility.hsds import organization_full, services, taxonomy, taxonomy_terms
from indexer.documents import SEARCH_ONLY_FIELDS
from indexer.hsds_package import Flattener, Table, package_descriptor

JSON_DIR = "json"
RETIRED = {"term": {"status": "retired"}}
# The tabular form's taxonomy_term.code is unique, so its terms are in one language: the one services'
# attributes name them in. The JSON form has every term in every language.
TABULAR_LANGUAGE = "en"
ABOUT = {
    "name": "iopfinder-hsds",
    "title": "IOP Finder: substance use treatment programs in Open Referral HSDS 3.1",
    "description": ("Substance use treatment facilities in the United States, with intensive outpatient "
                    "and other levels of care, from SAMHSA's National Directory of Substance Use Treatment "
                    "Facilities as IOP Finder lists them. Each service's metadata names its sources and "
                    "as-of dates. Always confirm services and insurance with the facility."),
}


class ExportError(Exception):
    """The export cannot run or finish (the message says why, in one line)."""


@dataclass
class ExportSummary:
    facilities: int = 0
    services: int = 0
    rows: Counter[str] = field(default_factory=Counter)  # CSV file → rows
    objects: Counter[str] = field(default_factory=Counter)  # JSON file → objects
    files: int = 0


def facility_counts(client: Elasticsearch, alias: str) -> tuple[int, int]:
    """(listed, retired) facilities behind the alias."""
    try:
        retired = client.count(index=alias, query=RETIRED)["count"]
    except NotFoundError:
        raise ExportError(f"alias {alias!r} does not exist: build the index first (`iopfinder index`)") from None
    return client.count(index=alias)["count"] - retired, retired


def stored_facilities(client: Elasticsearch, alias: str, include_retired: bool) -> Iterator[dict]:
    """Every facility behind the alias (without the retired ones, unless asked), in id order, from one
    point in time: an alias swap while it reads neither repeats nor skips a facility."""
    keep_alive = defaults.EXPORT_KEEP_ALIVE
    pit = client.open_point_in_time(index=alias, keep_alive=keep_alive)["id"]
    query = {"match_all": {}} if include_retired else {"bool": {"must_not": RETIRED}}
    try:
        after = None
        while True:
            response = client.search(pit={"id": pit, "keep_alive": keep_alive}, query=query, sort=[{"id": "asc"}],
                                     size=defaults.EXPORT_BATCH, search_after=after, track_total_hits=False,
                                     source_excludes=SEARCH_ONLY_FIELDS)
            pit = response.get("pit_id", pit)
            hits = response["hits"]["hits"]
            yield from (hit["_source"] for hit in hits)
            if len(hits) < defaults.EXPORT_BATCH:
                return
            after = hits[-1]["sort"]
    finally:
        client.close_point_in_time(id=pit)


def ndjson_line(found: dict) -> bytes:
    return orjson.dumps(found) + b"\n"


def write_export(facilities: Iterable[dict], tables: dict[str, Table], directory: Path,
                 advance: Callable[[int], None] = lambda n: None) -> ExportSummary:
    """Write the facilities' HSDS into `directory` (empty); `advance(1)` after each facility."""
    summary = ExportSummary()
    flattener = Flattener(tables)
    listed_once: set[tuple[str, str]] = set()  # (JSON file, id): shared objects are listed once
    (directory / JSON_DIR).mkdir()
    with ExitStack() as files:
        writers = {}
        for table in tables.values():
            writers[table.name] = csv.writer(files.enter_context(
                open(directory / table.path, "w", newline="", encoding="utf-8")))
            writers[table.name].writerow(table.columns)
        json_files = {name: files.enter_context(open(directory / JSON_DIR / name, "wb")) for name in (
            "services.ndjson", "organizations.ndjson", "service_at_locations.ndjson", "taxonomies.ndjson",
            "taxonomy_terms.ndjson")}

        def as_rows(rows: Iterator[tuple[Table, dict]]) -> None:
            for table, row in rows:
                writers[table.name].writerow(row.values())
                summary.rows[table.path] += 1

        def as_json(name: str, found: dict) -> None:
            if (name, found["id"]) not in listed_once:
                listed_once.add((name, found["id"]))
                json_files[name].write(ndjson_line(found))
                summary.objects[name] += 1

        as_json("taxonomies.ndjson", taxonomy())
        as_rows(flattener.rows("taxonomy", taxonomy()))
        for term in taxonomy_terms():
            as_json("taxonomy_terms.ndjson", term)
            if term["language"] == TABULAR_LANGUAGE:
                as_rows(flattener.rows("taxonomy_term", term))
        for facility in facilities:
            found = organization_full(facility)
            as_json("organizations.ndjson", found)
            as_rows(flattener.rows("organization", found))
            for service in services(facility):
                summary.services += 1
                as_json("services.ndjson", service)
                for at_location in service.get("service_at_locations") or []:
                    as_json("service_at_locations.ndjson", at_location)
                as_rows(flattener.rows("service", service))
            summary.facilities += 1
            advance(1)
    about = ABOUT | {"created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    (directory / "datapackage.json").write_text(json.dumps(package_descriptor(tables, about), indent=2) + "\n",
                                                encoding="utf-8")
    summary.files = len(tables) + len(json_files) + 1
    return summary


def staging_directory(out: Path) -> Path:
    """A new, empty sibling of `out` to write the export into (what a killed export left there is removed).
    `out` must be new, empty or an earlier export: it will be replaced whole."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} is a file, not a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / "datapackage.json").is_file():
        raise ExportError(f"--out {out} holds files but no earlier export (no datapackage.json): "
                          "name a new or empty directory")
    staging = out.with_name(out.name + ".partial")
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
    except OSError as error:
        raise ExportError(f"cannot write to --out {out}: {error.strerror or error}") from None
    return staging


def move_into_place(staging: Path, out: Path) -> None:
    """`staging` becomes `out`; the directory that was `out` is removed only once it has."""
    previous = out.with_name(out.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if out.exists():
        out.rename(previous)
    try:
        staging.rename(out)
    except OSError:
        if previous.exists():
            previous.rename(out)
        raise
    shutil.rmtree(previous, ignore_errors=True)
