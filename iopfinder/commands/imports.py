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
    xlsx: Annotated[Path, typer.Argument(help="SAMHSA National Directory workbook (.xlsx)")],
    out: Annotated[Path, typer.Option("--out", help="staged Facility records (JSON Lines)")],
    coords: Annotated[Path | None, typer.Option(help="SAMHSA locator export CSV with coordinates")] = None,
    edition: Annotated[str | None, typer.Option(
        help="the edition's year, when the file name holds none (e.g. 2023)")] = None,
) -> None:
    """Import SAMHSA's National Directory into staged Facility records (not replaced when more rows
    than IOPFINDER_IMPORT_MAX_FAILURE_SHARE are dropped)."""
    from crawler.importers import SourceFileError
    from crawler.importers.locator_coords import LocatorCoordinates
    from crawler.importers.samhsa_directory import Directory, import_directory, parse_edition
    from facility.staging import StagedWriter
    from iopfinder.job_stats import job_run

    try:
        year = parse_edition(edition) if edition is not None else None
    except ValueError as error:
        fail(f"--edition: {error}")
    threshold = settings(JobSettings).import_max_failure_share
    with job_run("import samhsa-directory", out, threshold) as job:
        tally = job.tally
        try:
            directory = Directory(xlsx, year)
            locator = LocatorCoordinates.from_csv(coords, tally) if coords else None
        except SourceFileError as error:
            fail(str(error))
        levels: Counter[str] = Counter()
        staged = StagedWriter(out, tally)
        try:
            with progress_bar("importing rows", None) as advance:
                for record in import_directory(directory, datetime.now(timezone.utc), tally, locator):
                    staged.write(record)
                    levels.update(record.levels_of_care)
                    advance()
        except BaseException:
            staged.discard()
            raise
        if job.verdict():
            staged.discard()  # the previous file stays; the stats say why
            tally.written = 0
        else:
            staged.commit()
        survey = directory.survey
        job.summary(f"Imported {xlsx.name} → {out}", {
            "records with level iop": levels.get("iop", 0),
            "edition": f"{directory.edition} (survey of {survey.year})",
            "as of": f"{survey.reference_date}" + ("" if survey.confirmed else " (date not confirmed)")})
