"""The HSDS 3.1 specification, read in place from ../shared/hsds: its compiled schemas as validators
(jsonschema-rs: fast enough to check every object of a whole directory) and its OpenAPI description."""

import json

import jsonschema_rs

from tests.conftest import SHARED_DATA

SPECIFICATION = SHARED_DATA.parent / "hsds" / "schema"


def validator(name: str):
    """compiled/<name>.json as a validator; `iter_errors(object)` gives what is wrong with an object."""
    return jsonschema_rs.validator_for(json.loads((SPECIFICATION / "compiled" / f"{name}.json").read_text()),
                                       validate_formats=True)


def problems(check, found: dict) -> list[str]:
    return [f"{found.get('id')}: {'/'.join(map(str, e.instance_path))}: {e.message}" for e in check.iter_errors(found)]


def openapi() -> dict:
    return json.loads((SPECIFICATION / "openapi.json").read_text())
