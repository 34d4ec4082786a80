"""Import + index throughput: the real 2022 directory, then a synthetic national-scale set.

Prints the wall time of import + index for SAMHSA's 2022 directory, and for N synthetic
facilities (jittered copies of the real ones with new ids, default 1,000,000) the documents per
second of `index` end to end (read JSONL, validate, bulk-load, check, swap) and the peak RSS of
the indexing process. Uses ELASTICSEARCH_URL, or starts a local node for the run. The code
measured is whichever `indexer` and `facility` Python imports (PYTHONPATH first), so another
checkout can be measured with this script: PYTHONPATH=/path/to/checkout.

    .venv/bin/python benchmarks/index_throughput.py [--count 1000000]
"""

import argparse
import hashlib
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from elasticsearch import Elasticsearch

import indexer
from facility.staging import write_staged
from facility.tally import Tally
from indexer.build import BuildOptions, build
from indexer.records import read_records
from directory_2022 import import_2022
from iopfinder.elasticsearch_node import elasticsearch_url_for_run

def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds(client: Elasticsearch) -> tuple[float, float]:
    """CPU time used so far by this process and by the cluster's nodes: unlike wall time, not
    inflated by other work on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    nodes = client.nodes.stats(metric="process")["nodes"].values()
    return usage.ru_utime + usage.ru_stime, sum(n["process"]["cpu"]["total_in_millis"] for n in nodes) / 1000


def import_and_index_2022(client: Elasticsearch, workdir: Path) -> Path:
    started = time.perf_counter()
    tally = Tally()
    staged = workdir / "samhsa-2022.jsonl"
    write_staged(staged, import_2022(tally), tally)
    imported = time.perf_counter()
    result = build(client, read_records([staged], Tally()), Tally(), BuildOptions(alias="bench-2022"))
    done = time.perf_counter()
    print(f"2022 directory: {tally.read:,} rows → {result.documents:,} documents; "
          f"import {imported - started:.1f} s + index {done - imported:.1f} s "
          f"= {done - started:.1f} s (target ≤ 30 s)")
    return staged


def synthesize(real: Path, out: Path, count: int) -> None:
    """Jittered copies of the real records (about a mile), each with a new id, streamed out."""
    lines = real.read_bytes().splitlines()
    rng = random.Random(2022)
    with open(out, "wb") as handle:
        for n in range(count):
            record = orjson.loads(lines[n % len(lines)])
            record["id"] = hashlib.sha256(f"{record['id']}/{n}".encode()).hexdigest()[:16]
            if record["location"]:
                lat = max(-90.0, min(90.0, record["location"]["lat"] + rng.uniform(-0.015, 0.015)))
                lon = max(-180.0, min(180.0, record["location"]["lon"] + rng.uniform(-0.015, 0.015)))
                record["location"] = {"lat": lat, "lon": lon}
            handle.write(orjson.dumps(record) + b"\n")


def index_synthetic(client: Elasticsearch, path: Path, count: int) -> None:
    tally = Tally()
    cpu_before = cpu_seconds(client)
    started = time.perf_counter()
    last = [started, 0]

    def progress(n: int) -> None:
        last[1] += n
        now = time.perf_counter()
        if now - last[0] >= 15:
            print(f"  … {last[1]:,} documents, {last[1] / (now - started):,.0f} docs/s, "
                  f"peak RSS {peak_rss_mb():.0f} MB", flush=True)
            last[0] = now

    result = build(client, read_records([path], tally), tally, BuildOptions(alias="bench-national"), progress)
    seconds = time.perf_counter() - started
    indexer_cpu, cluster_cpu = (after - before for after, before in zip(cpu_seconds(client), cpu_before))
    print(f"synthetic set: {result.documents:,} documents in {seconds:.1f} s = "
          f"{result.documents / seconds:,.0f} docs/s end to end (target ≥ 10,000)")
    print(f"  CPU per document: indexing process {indexer_cpu / count * 1e6:.0f} µs, "
          f"Elasticsearch {cluster_cpu / count * 1e6:.0f} µs")
    for what, n in sorted(tally.notes.items()):
        print(f"  {what}: {n:,}")
    assert result.documents == count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--index-only", type=Path, help=argparse.SUPPRESS)  # the measured child
    args = parser.parse_args()
    if args.index_only:
        # A process of its own, so that its peak RSS is the indexer's alone.
        client = Elasticsearch(os.environ["ELASTICSEARCH_URL"], request_timeout=120)
        index_synthetic(client, args.index_only, args.count)
        print(f"peak RSS of the indexing process: {peak_rss_mb():.0f} MB (target ≤ 400 MB)")
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"code measured: {Path(indexer.__file__).resolve().parents[1]}")
    workdir = Path(tempfile.mkdtemp(prefix="iopfinder-bench-"))
    try:
        with elasticsearch_url_for_run() as url:
            client = Elasticsearch(url, request_timeout=120)
            staged = import_and_index_2022(client, workdir)
            synthetic = workdir / "synthetic.jsonl"
            started = time.perf_counter()
            synthesize(staged, synthetic, args.count)
            print(f"generated {args.count:,} synthetic records in {time.perf_counter() - started:.0f} s "
                  f"({synthetic.stat().st_size / 1e9:.1f} GB)", flush=True)
            subprocess.run([sys.executable, __file__, "--index-only", str(synthetic), "--count", str(args.count)],
                           env=dict(os.environ, ELASTICSEARCH_URL=url), check=True)
            for alias in ("bench-2022", "bench-national"):
                for index in client.indices.get(index=f"{alias}-*"):
                    client.indices.delete(index=index)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
