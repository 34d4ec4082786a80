"""Reading staged JSON Lines: one validation step that drops and counts bad lines by reason."""

from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from facility.model import Enrichment, Facility
from facility.tally import Tally
from indexer import BuildError


def check_inputs(paths: list[Path]) -> None:
    """Fail before anything is built when an input is missing or unreadable."""
    if not paths:
        raise BuildError("no input files given")
    for path in paths:
        if not path.is_file():
            raise BuildError(f"{path}: file not found")
        try:
            with open(path, "rb") as handle:
                handle.read(1)
        except OSError as error:
            raise BuildError(f"{path}: cannot be read ({error.strerror})") from None


def read_records(paths: list[Path], tally: Tally, enrichments: list[Enrichment] | None = None,
                 ) -> Iterator[Facility]:
    """Facility records, one per valid line. Enrichment lines (from `crawl sites`) are appended
    to `enrichments` as they are read, for the build to apply once the facilities are in."""
    for path in paths:
        with open(path, "rb") as handle:
            for line in handle:
                if not line.strip():
                    continue
                tally.read += 1
                try:
                    # Only an Enrichment has this key; inside a string the quotes would be escaped.
                    if b'"facility_id"' in line:
                        if enrichments is None:
                            tally.drop("enrichment record where only facilities are read")
                        else:
                            enrichments.append(Enrichment.model_validate_json(line))
                        continue
                    yield Facility.model_validate_json(line)
                except ValidationError as error:
                    first = error.errors()[0]
                    if first["type"] == "json_invalid":
                        tally.drop("not valid JSON")
                    else:
                        where = ".".join(map(str, first["loc"])) or "record"
                        tally.drop(f"invalid {where}: {first['msg']}")
