"""HSDS 3.1's tabular form as the specification describes it: its tables (`schema/compiled/tabular.json`:
each table's file, columns and types), the objects nested in each (`schema/<table>.json`), and how a
nested HSDS object becomes rows of those tables.

The specification is read in place from a copy of Open Referral's specification repository (by
default `../shared/hsds` beside the checkout); none of it is copied here, so a new edition of it
brings its tables and columns without a change here. Keys follow the specification's own rule for its
data package (`schemas-to-datapackage` in Open Referral's hsds_schema_tools): every table's primary key
is `id`; a table nested as a list under table X points back at it with `X_id`, and a table nesting
one object of table Y points at it with `Y_id`. Attributes and metadata describe objects of any
table, so they point with `link_id`/`resource_id` and have no foreign key.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

SPECIFICATION = Path(__file__).resolve().parents[1].parent / "shared" / "hsds"
# The tables whose rows describe an object of any table: the columns naming its id and its table.
DESCRIBING = {"attribute": ("link_id", "link_entity"), "metadata": ("resource_id", "resource_type")}
STRING_FORMATS = {"uuid", "email", "uri"}  # those of the specification's formats a Table Schema knows


class SpecificationError(Exception):
    """The HSDS specification cannot be read (the message says where and why)."""


@dataclass(frozen=True)
class Table:
    name: str  # "service"
    resource: dict  # the table's data package resource, as the specification gives it, without its schema
    fields: tuple[dict, ...]  # Table Schema field descriptors, in the specification's order
    nested: dict[str, str]  # property → the table of the objects nested there
    single: frozenset[str]  # of those properties, the ones holding one object, not a list

    @property
    def path(self) -> str:
        return self.resource["path"]

    @cached_property
    def columns(self) -> tuple[str, ...]:
        return tuple(field["name"] for field in self.fields)


def field_descriptor(prop: dict, required: set[str]) -> dict:
    """A column of the specification as a Table Schema field: dates and times as their own types."""
    found = {"name": prop["name"], "type": prop.get("datapackage_type") or prop["type"]}
    if "datapackage_type" not in prop and prop.get("format") in STRING_FORMATS:
        found["format"] = prop["format"]
    found |= {key: prop[key] for key in ("title", "description") if key in prop}
    found["constraints"] = {"required": prop["name"] in required,
                            "unique": prop.get("constraints", {}).get("unique", False)}
    if "enum" in prop:
        found["constraints"]["enum"] = prop["enum"]
    if found["constraints"]["required"] and found["type"] == "string" and "format" not in found:
        # Empty text is a value there (HSDS's JSON allows ""), and a CSV cell cannot tell it from a missing one.
        found["missingValues"] = []
    return found


def nested_tables(schema: dict) -> tuple[dict[str, str], frozenset[str]]:
    nested, single = {}, set()
    for name, prop in schema["properties"].items():
        if ref := prop.get("$ref"):
            single.add(name)
        elif not (ref := prop.get("items", {}).get("$ref")):
            continue
        nested[name] = ref.removesuffix(".json")
    return nested, frozenset(single)


def load_tables(specification: Path = SPECIFICATION) -> dict[str, Table]:
    """Every table of the specification, in its order."""
    schemas = specification / "schema"
    try:
        tabular = json.loads((schemas / "compiled" / "tabular.json").read_text(encoding="utf-8"))["properties"]
        tables = []
        for name, entry in tabular.items():
            item = entry["items"]
            required = set(item.get("required", [])) | set(item.get("tabular_required", []))
            columns = [prop for prop in item["properties"].values() if prop["type"] not in ("array", "object")]
            nested, single = nested_tables(json.loads((schemas / f"{name}.json").read_text(encoding="utf-8")))
            metadata = item["datapackage_metadata"]
            resource = {"name": name, "path": item["path"], "description": item.get("description", "")} | {
                key: value for key, value in metadata.items() if key != "order"}
            tables.append((metadata["order"], Table(name, resource, tuple(field_descriptor(prop, required)
                                                                          for prop in columns), nested, single)))
    except (OSError, ValueError, KeyError) as error:
        raise SpecificationError(f"cannot read the HSDS specification in {specification} "
                                 f"({type(error).__name__}: {error})") from None
    return {table.name: table for _, table in sorted(tables, key=lambda pair: pair[0])}


def foreign_keys(tables: dict[str, Table]) -> dict[str, list[dict]]:
    """Each table's foreign keys, by the specification's rule (see the module's docstring)."""
    keys: dict[str, dict[str, str]] = {name: {} for name in tables}  # table → column → table it points at
    for table in tables.values():
        for prop, target in table.nested.items():
            if prop in table.single:
                keys[table.name][f"{target}_id"] = target
            elif target not in DESCRIBING:
                keys[target][f"{table.name}_id"] = table.name
    return {name: [{"fields": column, "reference": {"resource": target, "fields": "id"}}
                   for column, target in pointing.items() if column in tables[name].columns]
            for name, pointing in keys.items()}


def package_descriptor(tables: dict[str, Table], about: dict) -> dict:
    """datapackage.json: `about` (name, title, ...) and a tabular resource per table."""
    keys = foreign_keys(tables)
    return about | {"profile": "tabular-data-package", "resources": [
        table.resource | {"encoding": "utf-8", "schema": {
            "fields": list(table.fields), "primaryKey": "id",
            **({"foreignKeys": keys[table.name]} if keys[table.name] else {})}}
        for table in tables.values()]}


class Flattener:
    """HSDS objects as rows of the tables: every object nested in another is a row of its own table,
    pointing at the object it is nested in (a list's items) or pointed at by it (one object). Objects
    of a table that is ever nested as one object (organizations, locations, taxonomy terms) are shared
    by the objects nesting them, so each is a row once, however often it is met."""

    def __init__(self, tables: dict[str, Table]):
        self.tables = tables
        self.shared = {table.nested[prop] for table in tables.values() for prop in table.single}
        self.seen: set[tuple[str, str]] = set()  # (table, id) of the shared objects met

    def rows(self, table: str, found: dict, parent: tuple[str, str] | None = None) -> Iterator[tuple[Table, dict]]:
        """(table, row) for `found` (nested in `parent`, (its table, its id), if any) and each object in it."""
        if table in self.shared:
            if (table, found["id"]) in self.seen:
                return
            self.seen.add((table, found["id"]))
        spec = self.tables[table]
        row = {column: found.get(column) for column in spec.columns}
        if parent:
            link, entity = DESCRIBING.get(table, (f"{parent[0]}_id", None))
            if link in row and row[link] is None:
                row[link] = parent[1]
                if entity and row[entity] is None:
                    row[entity] = parent[0]
        for prop in spec.single:
            if (link := f"{spec.nested[prop]}_id") in row and row[link] is None and found.get(prop):
                row[link] = found[prop]["id"]
        yield spec, row
        for prop, nested in spec.nested.items():
            items = [found[prop]] if prop in spec.single and found.get(prop) else found.get(prop) or []
            for item in items:
                yield from self.rows(nested, item, None if prop in spec.single else (table, row["id"]))
