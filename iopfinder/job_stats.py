"""What every job (import, crawl, index, site build) leaves beside its output: a stats file, one JSON
object with the counts its summary prints, when it ran, its failure share against its threshold and
its outcome.

A job fails when it stops on an error, or when its failure share (what failed of what it tried: rows
dropped of rows read, requests failed of requests finished, pages failed of pages) passes its
threshold. Its stats then say why in one line, and the command exits with status 1."""

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from facility.staging import StagedWriter
from facility.tally import Tally
from iopfinder.console import Failed, fail, print_summary


class JobStats(BaseModel):
    """The stats file."""

    job: str
    output: str
    started_at: datetime
    finished_at: datetime
    duration_s: float
    read: int
    written: int
    dropped: int
    dropped_by_reason: dict[str, int]
    notes: dict[str, int]
    errors: dict[str, int]
    counts: dict[str, int | float | str | None]
    failed: int
    attempted: int
    unit: str
    failure_share: float
    threshold: float
    outcome: Literal["ok", "failed"]
    reason: str | None


def stats_path(output: Path) -> Path:
    return output.with_name(output.name + ".stats.json")


class Job:
    """A job as it runs: the Tally its summary prints, its errors by kind, its other counts, and what
    its failure share is made of (unless the job says otherwise, rows dropped of rows read)."""

    def __init__(self, name: str, output: Path | str, threshold: float, unit: str):
        self.name, self.output, self.threshold, self.unit = name, output, threshold, unit
        self.tally = Tally()
        self.errors: Counter[str] = Counter()
        self.counts: dict[str, int | float | str | None] = {}
        self.failed: int | None = None
        self.attempted: int | None = None
        self.reason: str | None = None  # set: the job failed, whatever its share
        self.started_at = datetime.now(timezone.utc)
        self.clock = time.monotonic()

    def summary(self, title: str, counts: dict[str, int | float | str | None] | None = None) -> None:
        """Print the summary; `counts` (beyond read, written, dropped and errors) go into the stats too."""
        self.counts.update(counts or {})
        print_summary(title, self.tally, {**self.counts, **self.errors})

    def failure_share(self) -> tuple[int, int, float]:
        failed = sum(self.tally.dropped.values()) if self.failed is None else self.failed
        attempted = self.tally.read if self.attempted is None else self.attempted
        return failed, attempted, failed / attempted if attempted else 0.0

    def verdict(self) -> str | None:
        """Why the job failed, or None: the reason it was given, else a failure share over its threshold."""
        failed, attempted, share = self.failure_share()
        if self.reason is None and share > self.threshold:
            return (f"{failed:,} of {attempted:,} {self.unit} failed ({share:.1%}, over the threshold "
                    f"of {self.threshold:.1%})")
        return self.reason

    def stats(self) -> JobStats:
        failed, attempted, share = self.failure_share()
        reason = self.verdict()
        finished_at = datetime.now(timezone.utc)
        return JobStats(
            job=self.name, output=str(self.output), started_at=self.started_at, finished_at=finished_at,
            duration_s=round(time.monotonic() - self.clock, 3), read=self.tally.read, written=self.tally.written,
            dropped=sum(self.tally.dropped.values()), dropped_by_reason=dict(self.tally.dropped),
            notes=dict(self.tally.notes), errors=dict(self.errors), counts=self.counts, failed=failed,
            attempted=attempted, unit=self.unit, failure_share=round(share, 6), threshold=self.threshold,
            outcome="failed" if reason else "ok", reason=reason)


def write_stats(path: Path, stats: JobStats) -> None:
    with StagedWriter(path, Tally()) as staged:  # whole or not at all, as staged records are
        staged.write(stats)


@contextmanager
def job_run(name: str, output: Path | str, threshold: float, unit: str = "rows",
            stats_file: Path | None = None) -> Iterator[Job]:
    """Run a job's body: its stats are written however it ends (to `stats_file`, by default
    `<output>.stats.json`), and one that failed ends the command with status 1, the reason on one line."""
    job = Job(name, output, threshold, unit)
    path = stats_file or stats_path(output)
    try:
        yield job
    except Failed as error:  # the command said why, on its line
        job.reason = error.message
        write_stats(path, job.stats())
        raise
    except BaseException as error:
        job.errors[type(error).__name__] += 1
        job.reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        write_stats(path, job.stats())
        raise
    stats = job.stats()
    write_stats(path, stats)
    if stats.reason:
        fail(stats.reason)
