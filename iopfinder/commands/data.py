"""`iopfinder data`: the official source files, fetched and checked."""

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from iopfinder.console import console, fail, report_error, settings
from iopfinder.elasticsearch_node import NodeSettings

app = typer.Typer(help="Fetch the official source files, checked against pinned checksums.", no_args_is_help=True)


@app.command("fetch")
def data_fetch(
    edition: Annotated[str, typer.Option(
        help="the National Directory's edition: a pinned year, latest (the newest pinned) or all")] = "latest",
    base_url: Annotated[str | None, typer.Option(
        help="fetch every file from this URL + the file's URL path instead of from its publisher")] = None,
    dest: Annotated[Path | None, typer.Option(help="folder to store the files in (default: the cache's data/)")]
    = None,
) -> None:
    """Download the official source files into the cache, check each against its pinned SHA-256, print the folder."""
    from iopfinder import data_files

    try:
        files = data_files.catalogue(edition)
    except data_files.DataFileError as error:
        fail(str(error))
    dest = dest or settings(NodeSettings).cache_dir / "data"
    report = data_files.fetch(files, dest, base_url, console)
    console.print(f"Data files in {dest}", highlight=False)
    table = Table(show_header=False)
    table.add_row("fetched", str(len(report.fetched)))
    table.add_row("already present and verified", str(len(report.present)))
    table.add_row("failed", str(len(report.failed)))
    console.print(table)
    for message in report.failed:
        report_error(message)
    if report.failed:
        raise typer.Exit(1)
    print(dest)
