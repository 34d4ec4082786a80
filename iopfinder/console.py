"""What every `iopfinder` command prints through: errors on one line, progress bars, summaries."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from facility.settings import Settings, SettingsError, read_settings
from facility.tally import Tally

console = Console(stderr=True)


def report_error(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)  # one line, however long


class Failed(typer.Exit):
    """How fail() ends a command (exit status 1), with the line it printed, which a job's stats keep."""

    def __init__(self, message: str):
        super().__init__(1)
        self.message = message


def fail(message: str) -> None:
    report_error(message)
    raise Failed(message)


def settings(kind: type[Settings], **given) -> Settings:
    """`kind` read from the environment; a bad value ends the command with a one-line error."""
    try:
        return read_settings(kind, **given)
    except SettingsError as error:
        fail(str(error))


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator:
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=not sys.stderr.isatty()) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def print_summary(title: str, tally: Tally, extra: dict[str, object] | None = None) -> None:
    console.print(title, highlight=False)
    table = Table(show_header=False)
    table.add_row("read", f"{tally.read:,}")
    table.add_row("written", f"{tally.written:,}")
    table.add_row("dropped", f"{sum(tally.dropped.values()):,}")
    for reason, count in tally.dropped.most_common():
        table.add_row(f"  dropped: {reason}", f"{count:,}")
    for what, count in sorted(tally.notes.items()):
        table.add_row(what, f"{count:,}")
    for what, value in (extra or {}).items():
        table.add_row(what, f"{value:,}" if type(value) is int else str(value))
    console.print(table)
