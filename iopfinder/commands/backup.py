"""`iopfinder backup`: snapshots of the live index, listed, and restored behind the alias."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.table import Table

from facility import defaults
from iopfinder.cluster import elasticsearch_client
from iopfinder.console import console, fail, progress_bar

app = typer.Typer(help="Back up the live index to a snapshot repository, list the snapshots, restore one.",
                  no_args_is_help=True)

Alias = Annotated[str, typer.Option(help="the alias searches use")]
Repository = Annotated[str, typer.Option(
    help="the snapshot repository: a folder of this name under path.repo, which every node must reach")]


@contextmanager
def _reported_errors() -> Iterator[None]:
    from elastic_transport import ConnectionError as TransportConnectionError
    from elasticsearch import ApiError

    from indexer.backup import BackupError

    try:
        yield
    except BackupError as error:
        fail(str(error))
    except (TransportConnectionError, ApiError) as error:
        fail(f"Elasticsearch failed ({error}); the live alias is unchanged")


def _in_percent(advance: Callable[[int], None]) -> Callable[[float], None]:
    reported = 0

    def report(done: float) -> None:
        nonlocal reported
        percent = int(done * 100)
        if percent > reported:
            advance(percent - reported)
            reported = percent

    return report


def _size(size_bytes: int | None) -> str:
    from rich.filesize import decimal

    return "?" if size_bytes is None else decimal(size_bytes)


@app.command("create")
def backup_create(
    alias: Alias = defaults.INDEX_ALIAS,
    repository: Repository = defaults.SNAPSHOT_REPOSITORY,
    keep: Annotated[int | None, typer.Option(
        min=1, help="then delete the alias's snapshots older than its newest N successful ones")] = None,
    take_over: Annotated[bool, typer.Option(
        help="write to a repository this cluster registered read-only (to restore another cluster's backups)")]
    = False,
) -> None:
    """Snapshot the index the alias points at (named by UTC time), print its name."""
    from indexer.backup import create

    client = elasticsearch_client()
    with _reported_errors(), progress_bar(f"snapshot of {alias!r}", 100) as advance:
        result = create(client, alias, repository, keep, take_over, _in_percent(advance))
    snapshot = result.snapshot
    console.print(f"Snapshot {snapshot.name} is complete", highlight=False)
    table = Table(show_header=False)
    table.add_row("repository", repository)
    table.add_row("index", snapshot.indices[0])
    table.add_row("documents", f"{snapshot.documents:,}")
    table.add_row("size", _size(snapshot.size_bytes))
    table.add_row("duration", f"{snapshot.duration_s:.1f} s")
    if keep:
        table.add_row("older snapshots deleted", str(len(result.pruned)))
    console.print(table)
    print(snapshot.name)


@app.command("list")
def backup_list(repository: Repository = defaults.SNAPSHOT_REPOSITORY) -> None:
    """One line per snapshot, oldest first: name, state, indices, documents, start (UTC), size."""
    from indexer.backup import snapshots

    with _reported_errors():
        found = snapshots(elasticsearch_client(), repository)
    if not found:
        console.print(f"no snapshots in repository {repository!r}", highlight=False)
        return
    rows = [("snapshot", "state", "indices", "documents", "started (UTC)", "size")]
    rows += [(s.name, s.state, ",".join(s.indices), "?" if s.documents is None else f"{s.documents:,}",
              f"{s.started:%Y-%m-%d %H:%M:%S}", _size(s.size_bytes)) for s in found]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


@app.command("restore")
def backup_restore(
    name: Annotated[str | None, typer.Argument(help="the snapshot (default: the alias's newest successful one)")]
    = None,
    alias: Alias = defaults.INDEX_ALIAS,
    repository: Repository = defaults.SNAPSHOT_REPOSITORY,
) -> None:
    """Restore a snapshot into a new index, check it, then point the alias at it (the previous index is kept)."""
    from indexer.backup import chosen_snapshot, restore

    client = elasticsearch_client()
    with _reported_errors():
        snapshot = chosen_snapshot(client, name, alias, repository)
        with progress_bar(f"restoring {snapshot.name}", 100) as advance:
            result = restore(client, snapshot, alias, repository, _in_percent(advance))
    console.print(f"Restored {snapshot.name} into {result.index}; alias {alias!r} now points at it",
                  highlight=False)
    table = Table(show_header=False)
    table.add_row("documents (as in the snapshot)", f"{result.documents:,}")
    table.add_row("previous index (kept for `index --rollback`)", result.previous or "none")
    table.add_row("duration", f"{result.duration_s:.1f} s")
    console.print(table)
