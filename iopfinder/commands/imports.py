"""`iopfinder import`: official source files into staged Facility records."""

from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import typer

from iopfinder.console import fail, progress_bar, settings
from iopfinder.settings import JobSettings

app = typer.Typer(help="Import official source files into staged Facility records.", no_args_is_help=True)


@app.command("samhsa-directory")
def import_samhsa_directory(
    xlsx: Annotated[list[Path], typer.Argument(help="SAMHSA National Directory workbooks (.xlsx), one or more "
                                                    "editions: imported oldest first")],
    out: Annotated[Path, typer.Option("--out", help="staged Facility records (JSON Lines): the history of "
                                                    "every edition imported into it")],
    coords: Annotated[Path | None, typer.Option(help="SAMHSA locator export CSV with coordinates")] = None,
    edition: Annotated[str | None, typer.Option(
        help="the edition's year, when the file name holds none (e.g. 2023; one workbook only)")] = None,
    fresh: Annotated[bool, typer.Option(
        help="start a new history: replace --out instead of adding the editions to it")] = False,
) -> None:
    """Import editions of SAMHSA's National Directory into staged Facility records, oldest first: each
    added to the editions already in --out (newer editions only), which marks what it no longer lists as
    retired (not replaced when more rows than IOPFINDER_IMPORT_MAX_FAILURE_SHARE are dropped)."""
    from crawler.importers.samhsa_directory import edition_in_name, parse_edition

    if edition is not None and len(xlsx) > 1:
        fail("--edition names the year of one workbook; give the workbooks one at a time")
    try:
        year = parse_edition(edition) if edition is not None else None
    except ValueError as error:
        fail(f"--edition: {error}")
    workbooks = sorted(xlsx, key=lambda path: edition_in_name(path) or 0)
    for first, later in zip(workbooks, workbooks[1:]):
        if edition_in_name(first) == edition_in_name(later):
            fail(f"{first.name} and {later.name}: one edition twice (or no year in their names)")
    for index, workbook in enumerate(workbooks):
        import_edition(workbook, year, out, coords, fresh=fresh and index == 0)


def import_edition(xlsx: Path, year: int | None, out: Path, coords: Path | None, fresh: bool) -> None:
    """One edition added to the history in `out` (or starting it)."""
    from crawler.importers import SourceFileError
    from crawler.importers.locator_coords import LocatorCoordinates
    from crawler.importers.samhsa_directory import Directory, import_directory
    from facility.editions import add_edition
    from facility.staging import StagedWriter
    from iopfinder.job_stats import job_run

    threshold = settings(JobSettings).import_max_failure_share
    with job_run("import samhsa-directory", out, threshold) as job:
        tally = job.tally
        try:
            directory = Directory(xlsx, year)
            history = [] if fresh else read_history(out, directory.edition)
            locator = LocatorCoordinates.from_csv(coords, tally) if coords else None
        except SourceFileError as error:
            fail(str(error))
        survey = directory.survey
        with progress_bar(f"importing edition {directory.edition}", None) as advance:
            records = []
            for record in import_directory(directory, datetime.now(timezone.utc), tally, locator):
                records.append(record)
                advance()
        changes: Counter[str] = Counter()
        if history:
            records, changes = add_edition(history, records, str(directory.edition), survey.reference_date)
        listed = Counter(record.status for record in records if "iop" in record.levels_of_care)
        if job.verdict():
            tally.written = 0  # the previous file stays; the stats say why
        else:
            with StagedWriter(out, tally) as staged:
                for record in records:
                    staged.write(record)
        job.summary(f"Imported {xlsx.name} → {out}", {
            "records with level iop": listed["listed"],
            "edition": f"{directory.edition} (survey of {survey.year})",
            "as of": f"{survey.reference_date}" + ("" if survey.confirmed else " (date not confirmed)"),
            **({"editions in the history": ", ".join(sorted(editions_of(history) | {str(directory.edition)})),
                **{f"facilities {kind}": changes[kind] for kind in ("new", "retired", "returned", "changed",
                                                                    "unchanged")},
                "retired with level iop": listed["retired"]} if history else {})})


def editions_of(history) -> set[str]:
    from facility.model import DIRECTORY

    return {source.edition for record in history for source in record.sources
            if source.name == DIRECTORY and source.edition}


def read_history(path: Path, edition: int) -> list:
    """The records already imported into `path`, when it exists and every edition in it is older."""
    from crawler.importers import SourceFileError
    from facility.model import Facility
    from facility.staging import read_staged
    from facility.tally import Tally

    if not path.exists():
        return []
    tally = Tally()
    history = [record for record in read_staged([path], tally) if isinstance(record, Facility)]
    if tally.dropped or len(history) != tally.read:
        raise SourceFileError(f"{path}: holds lines that are no staged facility records, so it is no history to "
                              f"add edition {edition} to (--fresh replaces it)")
    newest = max(map(int, editions_of(history)), default=None)
    if newest == edition:
        raise SourceFileError(f"{path}: edition {edition} is already imported into it; nothing changed "
                              f"(--fresh starts a new history)")
    if newest is not None and edition < newest:
        raise SourceFileError(f"{path}: edition {edition} is older than edition {newest}, already imported into "
                              f"it; import editions oldest first, or start a new history with --fresh")
    return history
