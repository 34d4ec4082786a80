"""The indexer's inputs: staged files checked before a build, their facilities and enrichments apart."""

from collections.abc import Iterator
from pathlib import Path

from facility.model import Enrichment, Facility
from facility.staging import read_staged
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
    for record in read_staged(paths, tally):
        if isinstance(record, Facility):
            yield record
        elif enrichments is None:
            tally.drop("enrichment record where only facilities are read")
        else:
            enrichments.append(record)
