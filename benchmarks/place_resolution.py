"""Place resolution speed and the cost of its tables: how long a search waits to know where a typed
place is, over the typed places of tests/facility/typed_places.csv, by kind of text.

Targets: p99 under 1 ms for names (cities, boroughs, neighbourhoods, nicknames, "city st"), under
5 ms for misspellings. Also prints the time to build the tables (paid once, when the API starts)
and the process's resident memory before and after.

    .venv/bin/python benchmarks/place_resolution.py
"""

import csv
import statistics
import time
from pathlib import Path

import psutil

from facility import places

TABLE = Path(__file__).resolve().parents[1] / "tests" / "facility" / "typed_places.csv"
ROUNDS = 20
TARGETS_MS = {"names": 1.0, "misspellings": 5.0, "addresses": 5.0}


def kind(form: str) -> str | None:
    return {"misspelling": "misspellings", "address": "addresses", "no-place": None}.get(form, "names")


def main() -> None:
    process = psutil.Process()
    before = process.memory_info().rss
    started = time.perf_counter()
    places.warm()
    print(f"tables built in {time.perf_counter() - started:.2f} s; resident memory "
          f"{before / 2**20:.0f} MiB before, {process.memory_info().rss / 2**20:.0f} MiB after")

    rows = list(csv.DictReader(TABLE.open(encoding="utf-8")))
    timings: dict[str, list[float]] = {}
    for _ in range(ROUNDS):
        for row in rows:
            if (group := kind(row["form"])) is None:
                continue
            started = time.perf_counter()
            places.resolve(row["typed"])
            timings.setdefault(group, []).append((time.perf_counter() - started) * 1000)
    for group, times in timings.items():
        cuts = statistics.quantiles(times, n=100)
        verdict = "ok" if cuts[98] < TARGETS_MS[group] else "MISSED"
        print(f"{group:<13} {len(times):>6} resolutions: p50 {cuts[49]:.3f} ms, p99 {cuts[98]:.3f} ms "
              f"(target p99 < {TARGETS_MS[group]:g} ms: {verdict})")


if __name__ == "__main__":
    main()
