"""Static site build speed from the real 2022 index: pages written, seconds, pages per second.

Targets: at least 300 pages/s and the full build within 30 s. Uses ELASTICSEARCH_URL, or starts
a local node and indexes the 2022 directory into it first (not timed).

    .venv/bin/python benchmarks/site_build.py
"""

import shutil
import tempfile
import time
from pathlib import Path

from elasticsearch import Elasticsearch

from directory_2022 import import_2022
from facility.tally import Tally
from indexer.build import BuildOptions, build
from iopfinder.elasticsearch_node import elasticsearch_url_for_run
from sitegen.build import build_site
from sitegen.data import iop_facilities

ALIAS = "bench-site"


def main() -> None:
    with elasticsearch_url_for_run() as url:
        client = Elasticsearch(url, request_timeout=120)
        build(client, import_2022(Tally()), Tally(), BuildOptions(alias=ALIAS, allow_shrink=True))
        out = Path(tempfile.mkdtemp(prefix="iopfinder-bench-site-")) / "www"
        try:
            runs = []
            for run in range(3):
                started = time.perf_counter()
                facilities = list(iop_facilities(client, ALIAS))
                summary = build_site(facilities, out, api_url="", base_url="https://iopfinder.example")
                seconds = time.perf_counter() - started
                runs.append(seconds)
                print(f"run {run + 1}: {summary.pages:,} pages ({summary.facilities:,} facilities, "
                      f"{summary.cities:,} cities, {summary.states} states) in {seconds:.1f} s "
                      f"= {summary.pages / seconds:,.0f} pages/s (reading the index included)", flush=True)
            median = sorted(runs)[1]
            print(f"median: {median:.1f} s, {summary.pages / median:,.0f} pages/s "
                  f"(targets: ≥ 300 pages/s, full build ≤ 30 s)")
        finally:
            shutil.rmtree(out.parent, ignore_errors=True)
            for index in client.indices.get(index=f"{ALIAS}-*"):
                client.indices.delete(index=index)


if __name__ == "__main__":
    main()
