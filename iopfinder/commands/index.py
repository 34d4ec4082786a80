"""`iopfinder index`: staged records into a new versioned index behind the alias."""

from pathlib import Path
from typing import Annotated

import typer

from facility import defaults
from iopfinder.cluster import elasticsearch_client
from iopfinder.console import console, fail, progress_bar, settings
from iopfinder.settings import JobSettings

STATS_FILE = "index.stats.json"


def index(
    files: Annotated[list[Path] | None,
                     typer.Argument(help="staged Facility and Enrichment records (JSON Lines)")] = None,
    rollback_: Annotated[bool, typer.Option("--rollback", help="point the alias back at the previous index")] = False,
    allow_shrink: Annotated[bool, typer.Option(help="swap even if the new index is much smaller")] = False,
    alias: Annotated[str, typer.Option(help="the alias searches use")] = defaults.INDEX_ALIAS,
    shards: Annotated[int | None, typer.Option(
        min=1, help=f"default: IOPFINDER_INDEX_SHARDS, else {defaults.INDEX_SHARDS}")] = None,
    replicas: Annotated[int | None, typer.Option(
        min=0, help=f"default: IOPFINDER_INDEX_REPLICAS, else {defaults.INDEX_REPLICAS}")] = None,
    stats: Annotated[Path | None, typer.Option(
        help=f"the build's stats file (default: {STATS_FILE} beside the first input)")] = None,
) -> None:
    """Build a new versioned index from staged records and swap the alias to it (refused when too
    many input lines are invalid)."""
    from elastic_transport import ConnectionError as TransportConnectionError
    from elasticsearch import ApiError

    from facility.model import Enrichment
    from indexer import BuildError
    from indexer.build import BuildOptions, build, rollback
    from indexer.records import check_inputs, read_records
    from iopfinder.job_stats import job_run

    if rollback_:
        if files:
            fail("--rollback takes no files")
        try:
            was, now = rollback(elasticsearch_client(), alias)
        except BuildError as error:
            fail(str(error))
        console.print(f"alias {alias!r} rolled back from {was} to {now}")
        return
    layout = settings(JobSettings)
    options = BuildOptions(alias=alias, allow_shrink=allow_shrink,
                           shards=layout.index_shards if shards is None else shards,
                           replicas=layout.index_replicas if replicas is None else replicas)
    if not files:
        fail("no input files given")
    with job_run("index", f"alias {alias}", defaults.MAX_INVALID_SHARE, "input lines",
                 stats or files[0].parent / STATS_FILE) as job:
        tally = job.tally
        try:
            check_inputs(files)
            client = elasticsearch_client()
            enrichments: list[Enrichment] = []
            with progress_bar("indexing facilities", None) as advance:
                result = build(client, read_records(files, tally, enrichments), tally, options, advance, enrichments)
        except BuildError as error:
            job.summary("Index build failed; the live alias is unchanged")
            fail(str(error))
        except (TransportConnectionError, ApiError) as error:
            job.errors[type(error).__name__] += 1
            fail(f"Elasticsearch failed during the build ({error}); the live alias is unchanged")
        job.summary(f"Built {result.index}; alias {alias!r} now points at it", {
            "index": result.index,
            "previous index (kept for --rollback)": result.previous or "none",
            "older indices pruned": len(result.pruned),
        })
