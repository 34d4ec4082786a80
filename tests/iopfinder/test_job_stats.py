"""Every job's stats file and exit status: the module on its own, then the import command (whose
threshold is a share of rows dropped) on workbooks written for these tests."""

import json
from contextlib import nullcontext

import pytest
import typer
from typer.testing import CliRunner

from facility import defaults
from iopfinder.cli import app
from iopfinder.job_stats import job_run
from tests.crawler.importers.workbooks import row, write_workbook


def stats_of(path):
    return json.loads(path.with_name(path.name + ".stats.json").read_text())


@pytest.mark.parametrize("dropped, outcome", [(1, "ok"), (2, "ok"), (3, "failed")])
def test_a_job_fails_only_when_its_share_passes_the_threshold(tmp_path, dropped, outcome):
    out = tmp_path / "out.jsonl"
    with pytest.raises(typer.Exit) if outcome == "failed" else nullcontext():
        with job_run("import test", out, threshold=0.5) as job:
            job.tally.read = 4
            for _ in range(dropped):
                job.tally.drop("bad zip")
    stats = stats_of(out)
    assert (stats["outcome"], stats["failed"], stats["attempted"]) == (outcome, dropped, 4)
    assert stats["failure_share"] == dropped / 4 and stats["dropped_by_reason"] == {"bad zip": dropped}
    assert stats["reason"] == (None if outcome == "ok" else "3 of 4 rows failed (75.0%, over the threshold of 50.0%)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl.stats.json"]  # written whole, nothing left over


def test_an_unexpected_error_is_recorded_and_raised(tmp_path):
    with pytest.raises(ZeroDivisionError):
        with job_run("site build", tmp_path / "www", threshold=0.0, unit="pages") as job:
            job.tally.read = 7
            1 / 0
    stats = json.loads((tmp_path / "www.stats.json").read_text())
    assert stats["outcome"] == "failed" and stats["reason"] == "ZeroDivisionError: division by zero"
    assert stats["errors"] == {"ZeroDivisionError": 1} and stats["read"] == 7


def test_a_job_given_a_reason_fails_whatever_its_share(tmp_path):
    with pytest.raises(typer.Exit) as ended:
        with job_run("crawl findtreatment", tmp_path / "out.jsonl", 0.1, "requests",
                     stats_file=tmp_path / "elsewhere" / "crawl.json") as job:
            job.failed, job.attempted = 0, 12
            job.reason = "the crawl closed early, closespider_timeout: its time limit ran out"
    assert ended.value.exit_code == 1
    stats = json.loads((tmp_path / "elsewhere" / "crawl.json").read_text())
    assert (stats["failure_share"], stats["outcome"]) == (0.0, "failed") and stats["reason"].endswith("ran out")


def import_directory(*args, **env):
    return CliRunner().invoke(app, ["import", "samhsa-directory", *map(str, args)], env=env)


def test_an_import_dropping_too_many_rows_fails_and_keeps_the_previous_file(tmp_path):
    workbook = write_workbook(tmp_path / "d-2022.xlsx", [row(), row(name1="Other Place"), row(zip="ABCDE")])
    out = tmp_path / "staged.jsonl"
    out.write_text("the previous import\n")
    result = import_directory(workbook, "--out", out, "--fresh")
    assert result.exit_code == 1
    reason = f"1 of 3 rows failed (33.3%, over the threshold of {defaults.IMPORT_MAX_FAILURE_SHARE:.1%})"
    assert result.stderr.strip().splitlines()[-1] == f"error: {reason}"
    assert out.read_text() == "the previous import\n" and not out.with_name("staged.jsonl.partial").exists()
    stats = stats_of(out)
    assert (stats["job"], stats["outcome"], stats["reason"]) == ("import samhsa-directory", "failed", reason)
    assert (stats["read"], stats["written"], stats["dropped_by_reason"]) == (3, 0, {"bad zip": 1})
    assert stats["counts"]["records with level iop"] == 2  # the summary's counts, as printed
    assert "records with level iop │ 2 " in " ".join(result.stderr.split())

    result = import_directory(workbook, "--out", out, "--fresh", IOPFINDER_IMPORT_MAX_FAILURE_SHARE="0.5")
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 2
    stats = stats_of(out)
    assert (stats["outcome"], stats["reason"], stats["threshold"], stats["written"]) == ("ok", None, 0.5, 2)


def test_an_import_that_cannot_start_says_why_in_its_stats(tmp_path):
    out = tmp_path / "staged.jsonl"
    result = import_directory(tmp_path / "missing.xlsx", "--out", out)
    assert result.exit_code == 1 and result.stderr.strip() == f"error: {tmp_path / 'missing.xlsx'}: file not found"
    stats = stats_of(out)
    assert stats["outcome"] == "failed" and stats["reason"] == f"{tmp_path / 'missing.xlsx'}: file not found"
    assert not out.exists()
