"""`iopfinder export`: the directory in the open formats other directories read."""

import shutil
import time
from pathlib import Path
from typing import Annotated

import typer

from facility import defaults
from indexer.hsds_package import SPECIFICATION
from iopfinder.cluster import elasticsearch_client
from iopfinder.console import fail, progress_bar

app = typer.Typer(help="Export the directory in open formats.", no_args_is_help=True)


@app.command("hsds")
def export_hsds(
    out: Annotated[Path, typer.Option("--out", help="directory to write the export into (replaced whole when done)")],
    alias: Annotated[str, typer.Option(help="the alias to read facilities from")] = defaults.INDEX_ALIAS,
    include_retired: Annotated[bool, typer.Option(
        help="also export facilities the newest directory edition no longer lists, as inactive services")] = False,
    spec: Annotated[Path, typer.Option(
        help="a copy of Open Referral's HSDS specification repository (its schema/ folder is read)")]
    = SPECIFICATION,
) -> None:
    """Write every facility as Open Referral HSDS 3.1: the tabular data package (a CSV file per table and
    datapackage.json) and the JSON form (json/*.ndjson). docs/hsds.md describes both."""
    from elastic_transport import ConnectionError as TransportConnectionError
    from elasticsearch import ApiError

    from indexer.hsds_export import (ExportError, facility_counts, move_into_place, staging_directory,
                                     stored_facilities, write_export)
    from indexer.hsds_package import SpecificationError, load_tables
    from iopfinder.job_stats import job_run

    try:
        tables = load_tables(spec)
    except SpecificationError as error:
        fail(f"{error}; pass --spec DIR")
    out = out.resolve()
    try:
        staging = staging_directory(out)
    except ExportError as error:
        fail(str(error))
    started = time.monotonic()
    try:
        with job_run("export hsds", out, 0.0, "facilities") as job:
            client = elasticsearch_client()
            try:
                listed, retired = facility_counts(client, alias)
                total = listed + retired if include_retired else listed
                if not total:
                    fail(f"alias {alias!r} holds no facilities to export; {out} is unchanged")
                with progress_bar("exporting facilities", total) as advance:
                    summary = write_export(stored_facilities(client, alias, include_retired), tables, staging, advance)
                move_into_place(staging, out)
            except ExportError as error:
                fail(str(error))
            except (TransportConnectionError, ApiError) as error:
                job.errors[type(error).__name__] += 1
                fail(f"Elasticsearch failed during the export ({error}); {out} is unchanged")
            except OSError as error:
                job.errors[type(error).__name__] += 1
                fail(f"cannot write the export into {out} ({error.strerror or error}); {out} is unchanged")
            job.tally.read = job.tally.written = summary.facilities
            job.summary(f"Exported {alias!r} as HSDS 3.1 into {out}", {
                "retired facilities " + ("included (inactive services)" if include_retired
                                         else "left out (--include-retired adds them)"): retired,
                "services": summary.services,
                **{f"rows in {table.path}": summary.rows[table.path] for table in tables.values()
                   if summary.rows[table.path]},
                "tables with no rows": len(tables) - len(summary.rows),
                **{f"objects in json/{name}": count for name, count in summary.objects.items()},
                "files written": summary.files,
                "seconds": round(time.monotonic() - started, 1),
            })
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # moved into place already, unless the export failed
