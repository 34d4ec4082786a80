"""Resilience under load, against a real local Elasticsearch node and the real API process.

Six scenarios, each with a bounded fixed-rate load that stops by itself. On one node:
1. rebuild under load: a full reindex and alias swap while 50 req/s of searches run;
2. interrupted rebuild: the indexer is SIGKILLed mid-load; the next run completes and cleans up;
3. Elasticsearch killed under load: 503 + Retry-After within 2 s (or, for the few seconds until the
   API notices, a correct answer from its cache), /healthz 200, /readyz 503, then searches succeed
   again within 30 s of the restart without restarting the API;
4. overload at twice the highest sustainable rate: only 200/429/503, none past 5 s, and recovery.
Then on a three-node cluster (`iopfinder es start --nodes 3`'s layout), the index with one replica
and the API given every node's URL:
5. a node SIGKILLed under 50 req/s: no failed search, and the cluster green again within 60 s of
   restarting the node;
6. a full rebuild (one replica) while a node is down, under load, with one core kept busy by
   another process for the whole scenario (as a neighbour would): it completes and swaps, no
   failed search.
Prints a table and exits non-zero when any scenario fails.

    .venv/bin/python benchmarks/resilience.py
"""

import asyncio
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from elasticsearch import Elasticsearch

from directory_2022 import import_2022
from facility.geo import zip_point
from facility.staging import write_staged
from facility.tally import Tally
from indexer.build import live_indices
from iopfinder.elasticsearch_node import LocalNode, NodeSettings, free_port
from iopfinder.local_cluster import LocalCluster
from load import Outcome, by_status, offered_load, percentile, search_mix, start_api

ALIAS = "resilience"
RATE = 50
CLIENT_TIMEOUT_S = 6
CLUSTER_NODES = 3
GREEN_WITHIN_S = 60
BUSY_CORE = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"
SUSTAINED_BY_BENCHMARK = 100  # req/s with p99 ≤ 100 ms in benchmarks/api_latency.py on these machines


def searches(records: list[dict], count: int, rng: random.Random) -> list[list[tuple]]:
    """Realistic searches: ZIP near-me with filters, state browse, text."""
    zips = sorted({r["address"]["zip"] for r in records if zip_point(r["address"]["zip"])})
    states = sorted({r["address"]["state"] for r in records})
    return search_mix(states, zips, count, rng)


def index_run(env: dict, staged: Path, *options: str) -> subprocess.Popen:
    """`iopfinder index` of the staged file into the benchmark's alias, in a process of its own that
    writes what it says to `<staged>.index.log`."""
    with open(f"{staged}.index.log", "w") as log:
        return subprocess.Popen([sys.executable, "-m", "iopfinder.cli", "index", str(staged), "--alias", ALIAS,
                                 *options], env=dict(env, COLUMNS="200"), stdout=log, stderr=subprocess.STDOUT)


def index_error(staged: Path) -> str:
    """The error line of the last index run, if it wrote one."""
    lines = Path(f"{staged}.index.log").read_text(errors="replace").splitlines()
    return next((line for line in reversed(lines) if "error" in line.lower()), lines[-1] if lines else "no output")


class Stack:
    """The node, the API process and the staged 2022 records for all scenarios."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.es_port = free_port()
        # Its own temporary directory: the node's unprivileged user cannot enter root's private ones.
        self.node = LocalNode(NodeSettings.from_env(), Path(tempfile.mkdtemp(prefix="iopfinder-es-")))
        self.es_url = f"http://127.0.0.1:{self.es_port}"
        self.api_port = free_port()
        self.api_url = f"http://127.0.0.1:{self.api_port}"
        self.staged = workdir / "samhsa-2022.jsonl"
        self.api: subprocess.Popen | None = None

    def env(self) -> dict:
        return dict(os.environ, ELASTICSEARCH_URL=self.es_url, IOPFINDER_ALIAS=ALIAS,
                    IOPFINDER_RATE_LIMIT_PER_MINUTE="0")

    def start(self) -> list[dict]:
        self.node.start(port=self.es_port)
        records = list(import_2022(Tally()))
        write_staged(self.staged, records, Tally())
        self.index()
        self.api = start_api(self.env(), self.api_port)
        return [record.model_dump(mode="json") for record in records]

    def index_process(self) -> subprocess.Popen:
        return index_run(self.env(), self.staged)

    def index(self) -> None:
        process = self.index_process()
        if process.wait(timeout=300) != 0:
            raise RuntimeError("index run failed")

    def stop(self) -> None:
        if self.api:
            self.api.terminate()
            self.api.wait(timeout=10)
        self.node.stop()
        shutil.rmtree(self.node.workdir, ignore_errors=True)


class ClusterStack:
    """Three local nodes forming one cluster, the 2022 directory indexed with one replica, and an API
    process given every node's URL."""

    def __init__(self, staged: Path):
        self.root = Path(tempfile.mkdtemp(prefix="iopfinder-cluster-"))
        self.root.chmod(0o755)  # the nodes' unprivileged user must reach its node directories
        self.cluster = LocalCluster(NodeSettings.from_env().model_copy(update={"security": False}), self.root / "nodes")
        self.staged = staged
        self.api_port = free_port()
        self.api_url = f"http://127.0.0.1:{self.api_port}"
        self.api: subprocess.Popen | None = None
        self.es_url = ""

    def env(self) -> dict:
        return dict(os.environ, ELASTICSEARCH_URL=self.es_url, IOPFINDER_ALIAS=ALIAS, IOPFINDER_RATE_LIMIT_PER_MINUTE="0")

    def start(self) -> list[str]:
        """Starts everything; returns `_cat/nodes` as the cluster lists its nodes."""
        self.es_url = ",".join(self.cluster.start(CLUSTER_NODES, say=lambda message: None).urls)
        self.index()
        self.api = start_api(self.env(), self.api_port)
        return [row["name"] for row in self.client().cat.nodes(format="json", h="name")]

    def client(self) -> Elasticsearch:
        return Elasticsearch(self.es_url.split(","), max_retries=CLUSTER_NODES)

    def index_process(self) -> subprocess.Popen:
        return index_run(self.env(), self.staged, "--replicas", "1")

    def index(self) -> None:
        if self.index_process().wait(timeout=600) != 0:
            raise RuntimeError("index run on the cluster failed")

    def node_with_primary(self) -> LocalNode:
        """The node holding the live index's primary shard."""
        shards = self.client().cat.shards(index=ALIAS, format="json", h="prirep,node")
        holder = next(row["node"] for row in shards if row["prirep"] == "p")
        return next(node for node in self.cluster.nodes() if node.layout().name == holder)

    async def green_after(self, started: float) -> float | None:
        """Seconds from `started` until the cluster reports green with every node, or None past the limit."""
        client = self.client()
        while time.perf_counter() - started < GREEN_WITHIN_S:
            try:
                health = await asyncio.to_thread(client.cluster.health, wait_for_status="green", timeout="1s")
                if health["status"] == "green" and health["number_of_nodes"] == CLUSTER_NODES:
                    return time.perf_counter() - started
            except Exception:  # a node still joining may answer with an error; keep asking until the limit
                await asyncio.sleep(0.5)
        return None

    def stop(self) -> None:
        if self.api:
            self.api.terminate()
            self.api.wait(timeout=10)
        self.cluster.stop()
        shutil.rmtree(self.root, ignore_errors=True)


async def run_load(session: aiohttp.ClientSession, url: str, queries, rate: float, seconds: float) -> list[Outcome]:
    async def send(params):
        async with session.get(f"{url}/v1/facilities", params=params) as response:
            body = await response.json(content_type=None) if response.status == 200 else None
            return response.status, {"params": tuple(params), "total": body["total"] if body else None,
                                     "retry_after": response.headers.get("Retry-After")}
    return await offered_load(send, queries, rate, seconds)


def row(name: str, outcomes: list[Outcome], passed: bool, why: str) -> dict:
    latencies = [o.latency_ms for o in outcomes]
    return {"scenario": name, "sent": len(outcomes), "statuses": by_status(outcomes),
            "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99),
            "result": "PASS" if passed else "FAIL", "why": why}


async def baseline(session, url, queries) -> dict[tuple, int]:
    totals = {}
    for params in queries:
        async with session.get(f"{url}/v1/facilities", params=params) as response:
            totals[tuple(params)] = (await response.json())["total"]
    return totals


def same_totals(outcomes: list[Outcome], expected: dict[tuple, int]) -> tuple[bool, str]:
    failed = [o for o in outcomes if o.status != "200"]
    wrong = [o for o in outcomes if o.status == "200" and o.detail["total"] != expected[o.detail["params"]]]
    empty = [o for o in wrong if o.detail["total"] == 0]
    why = f"{len(failed)} failed, {len(wrong)} with another count ({len(empty)} empty)"
    return not failed and not wrong, why


async def rebuild_under_load(stack: Stack, session, queries, expected) -> dict:
    before = live_indices(Elasticsearch(stack.es_url), ALIAS)
    load = asyncio.create_task(run_load(session, stack.api_url, queries, RATE, 35))
    await asyncio.sleep(3)
    indexer = stack.index_process()
    code = await asyncio.to_thread(indexer.wait, 300)
    outcomes = await load
    after = live_indices(Elasticsearch(stack.es_url), ALIAS)
    ok, why = same_totals(outcomes, expected)
    after_totals = await baseline(session, stack.api_url, queries)
    swapped = code == 0 and after != before
    return row("1 rebuild under load", outcomes, ok and swapped and after_totals == expected,
               f"{why}; swapped {before[0][-6:]}→{after[0][-6:]}; counts after {'equal' if after_totals == expected else 'DIFFER'}")


async def mid_load(client: Elasticsearch, existing: set[str], documents: int = 3_000) -> bool:
    """Wait (≤ 60 s) until a new index has taken `documents` documents: then it is being loaded.
    A fixed delay was not enough: on a quiet machine the whole build ended before it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        stats = (await asyncio.to_thread(client.indices.stats, index=f"{ALIAS}-*", metric="indexing")).body
        if any(name not in existing and index["primaries"]["indexing"]["index_total"] >= documents
               for name, index in stats["indices"].items()):
            return True
        await asyncio.sleep(0.25)
    return False


async def interrupted_rebuild(stack: Stack, session, queries, expected) -> dict:
    client = Elasticsearch(stack.es_url)
    live_before = live_indices(client, ALIAS)
    existing = set(client.indices.get(index=f"{ALIAS}-*"))
    load = asyncio.create_task(run_load(session, stack.api_url, queries, RATE, 20))
    await asyncio.sleep(3)
    indexer = stack.index_process()
    loading = await mid_load(client, existing)
    os.kill(indexer.pid, signal.SIGKILL)
    indexer.wait()
    mappings = client.indices.get_mapping(index=f"{ALIAS}-*").body
    leftovers = [name for name, body in mappings.items() if not body["mappings"].get("_meta", {}).get("complete")]
    outcomes = await load
    still_live = live_indices(client, ALIAS) == live_before
    stack.index()
    remaining = set(client.indices.get(index=f"{ALIAS}-*"))
    cleaned = not (set(leftovers) & remaining) and len(remaining) == 2
    ok, why = same_totals(outcomes, expected)
    return row("2 interrupted rebuild", outcomes, ok and loading and still_live and bool(leftovers) and cleaned,
               f"{why}; killed {'mid-load' if loading else 'after 60 s without seeing the load'}, "
               f"leaving {len(leftovers)} half-built; alias kept: {still_live}; next run cleaned up: {cleaned}")


async def elasticsearch_killed(stack: Stack, session, queries, expected) -> dict:
    # While down: a bounded load across the kill. After the restart (however long the node takes to
    # start on a busy machine): a second bounded load that must see searches succeed within 30 s.
    load_began = time.perf_counter() + 0.1  # offered_load starts its clock 0.1 s after it is called
    load = asyncio.create_task(run_load(session, stack.api_url, queries, RATE, 15))
    await asyncio.sleep(3)
    killed_at = time.perf_counter()
    os.killpg(stack.node.state()["pid"], signal.SIGKILL)
    while_down = await load
    async with session.get(f"{stack.api_url}/healthz") as health, session.get(f"{stack.api_url}/readyz") as ready:
        probes = (health.status, ready.status)
    restarted_at = time.perf_counter()
    await asyncio.to_thread(stack.node.start, stack.es_port, lambda message: None)
    restart_s = time.perf_counter() - restarted_at
    after = await run_load(session, stack.api_url, queries, RATE, 30)
    down = [o for o in while_down if o.at >= killed_at - load_began + 0.5]
    # Until the API sees the alias gone (every 2 s) it may still answer from its cache: a 200 with the
    # right count is as good as it gets; anything else must be a quick 503 with Retry-After.
    cached = [o for o in down if o.status == "200" and o.detail["total"] == expected[o.detail["params"]]]
    bad_down = [o for o in down if o not in cached and
                (o.status != "503" or o.latency_ms > 2000 or not o.detail["retry_after"])]
    # Recovered = from the first request after which every search succeeded (a cold node may still
    # time out a few searches at first); that must come within 30 s and hold to the end of the load.
    failures_after = [o.at for o in after if o.status != "200"]
    steady = [o for o in after if not failures_after or o.at > failures_after[-1]]
    recovery_s = steady[0].at if steady else None
    first_ok = next((o.at for o in after if o.status == "200"), None)
    outcomes = while_down + after
    passed = (down and not bad_down and probes == (200, 503) and recovery_s is not None and recovery_s <= 25
              and not any(o.status.startswith("5") and o.status != "503" for o in outcomes))
    return row("3 Elasticsearch killed", outcomes, passed,
               f"{len(down)} requests while down ({len(cached)} answered from the cache), {len(bad_down)} neither "
               f"that nor a 503+Retry-After within 2 s; "
               f"/healthz {probes[0]}, /readyz {probes[1]}; node restart took {restart_s:.1f} s, "
               f"first search back {first_ok and round(first_ok, 1)} s after it was up, all succeeding from "
               f"{recovery_s and round(recovery_s, 1)} s on ({len(failures_after)} cold-start 503s before; "
               f"the API was not restarted)")


async def overload(stack: Stack, session, queries) -> dict:
    await run_load(session, stack.api_url, queries, RATE, 10)  # warm up after the restart
    sustainable = 0
    for rate in (50, 100, 150, 200, 300):
        step = await run_load(session, stack.api_url, queries, rate, 5)
        ok = [o.latency_ms for o in step if o.status == "200"]
        if len(ok) < len(step) or percentile(ok, 0.99) > 100:
            break
        sustainable = rate
    # Twice the highest sustainable rate, and never below twice what benchmarks/api_latency.py sustains here.
    offered = 2 * max(sustainable, SUSTAINED_BY_BENCHMARK)
    outcomes = await run_load(session, stack.api_url, queries, offered, 15)
    await asyncio.sleep(2)
    calm = await run_load(session, stack.api_url, queries, 10, 8)
    allowed = {"200", "429", "503"}
    bad = [o for o in outcomes if o.status not in allowed or o.latency_ms > 5000]
    shed = sum(o.status in ("429", "503") for o in outcomes)
    recovered = all(o.status == "200" for o in calm)
    return row(f"4 overload at {offered} req/s", outcomes + calm, not bad and recovered,
               f"highest sustainable step {sustainable} req/s; {shed} shed, {len(bad)} other or past 5 s; "
               f"recovered at 10 req/s: {recovered}")


async def node_killed(stack: ClusterStack, session, queries, expected) -> dict:
    victim = stack.node_with_primary()
    load = asyncio.create_task(run_load(session, stack.api_url, queries, RATE, 40))
    await asyncio.sleep(5)
    await asyncio.to_thread(victim.kill)
    await asyncio.sleep(10)
    restarted_at = time.perf_counter()
    await asyncio.to_thread(victim.launch, lambda message: None)
    green_s = await stack.green_after(restarted_at)
    outcomes = await load
    ok, why = same_totals(outcomes, expected)
    return row("5 cluster node killed", outcomes, ok and green_s is not None,
               f"{why}; killed {victim.layout().name} (the live index's primary) 5 s in, restarted it 10 s later; "
               f"green with {CLUSTER_NODES} nodes {f'{green_s:.1f} s' if green_s else f'not within {GREEN_WITHIN_S} s'} "
               f"after the restart")


async def rebuild_with_node_down(stack: ClusterStack, session, queries, expected) -> dict:
    client = stack.client()
    before = live_indices(client, ALIAS)
    down = stack.cluster.nodes()[-1]
    await asyncio.to_thread(down.stop)
    # Bounded: it ends by itself even if this process dies; stopped at the scenario's end anyway.
    busy = subprocess.Popen([sys.executable, "-c", BUSY_CORE.format(seconds=600)])
    try:
        load = asyncio.create_task(run_load(session, stack.api_url, queries, RATE, 30))
        await asyncio.sleep(3)
        code = await asyncio.to_thread(stack.index_process().wait, 600)
        outcomes = await load
    finally:
        busy.kill()
        busy.wait()
    after = live_indices(client, ALIAS)
    built = client.indices.get_settings(index=after[0], name="index.number_of_replicas")
    replicas = built[after[0]]["settings"]["index"]["number_of_replicas"]
    ok, why = same_totals(outcomes, expected)
    restarted_at = time.perf_counter()
    await asyncio.to_thread(down.launch, lambda message: None)
    green_s = await stack.green_after(restarted_at)
    swapped = code == 0 and after != before
    return row("6 rebuild, a node down", outcomes, ok and swapped and green_s is not None,
               f"{why}; {down.layout().name} stopped, one core kept busy; index run exited {code}"
               f"{f' ({index_error(stack.staged)})' if code else ''}, swapped {before[0][-6:]}→"
               f"{after[0][-6:]} with {replicas} replica; green again "
               f"{f'{green_s:.1f} s' if green_s else f'not within {GREEN_WITHIN_S} s'} after the node's restart")


async def scenarios(stack: Stack, records: list[dict]) -> list[dict]:
    queries = searches(records, 300, random.Random(11))
    timeout = aiohttp.ClientTimeout(total=CLIENT_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        expected = await baseline(session, stack.api_url, queries)
        assert any(expected.values()), "the baseline found nothing"
        rows = []
        for scenario, arguments in ((rebuild_under_load, (expected,)), (interrupted_rebuild, (expected,)),
                                    (elasticsearch_killed, (expected,)), (overload, ())):
            print(f"running {scenario.__name__.replace('_', ' ')} ...", flush=True)
            rows.append(await scenario(stack, session, queries, *arguments))
            print(f"  {rows[-1]['result']}: {rows[-1]['why']}", flush=True)
        return rows


async def cluster_scenarios(stack: ClusterStack, records: list[dict]) -> list[dict]:
    queries = searches(records, 300, random.Random(12))
    timeout = aiohttp.ClientTimeout(total=CLIENT_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        expected = await baseline(session, stack.api_url, queries)
        rows = []
        for scenario in (node_killed, rebuild_with_node_down):
            print(f"running {scenario.__name__.replace('_', ' ')} ...", flush=True)
            rows.append(await scenario(stack, session, queries, expected))
            print(f"  {rows[-1]['result']}: {rows[-1]['why']}", flush=True)
        return rows


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="iopfinder-resilience-"))
    stack = Stack(workdir)
    try:
        print("starting Elasticsearch, importing and indexing the 2022 directory, starting the API ...", flush=True)
        records = stack.start()
        rows = asyncio.run(scenarios(stack, records))
        stack.stop()  # one Elasticsearch at a time on these two cores
        cluster = ClusterStack(stack.staged)
        try:
            print(f"starting a {CLUSTER_NODES}-node cluster, indexing with one replica, starting the API ...", flush=True)
            print(f"  _cat/nodes: {', '.join(sorted(cluster.start()))}", flush=True)
            rows += asyncio.run(cluster_scenarios(cluster, records))
        finally:
            cluster.stop()
    finally:
        stack.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\n{'scenario':<28} {'sent':>6}  {'by status':<32} {'p50 ms':>8} {'p99 ms':>8}  result")
    for r in rows:
        statuses = " ".join(f"{k}:{v}" for k, v in r["statuses"].items())
        print(f"{r['scenario']:<28} {r['sent']:>6}  {statuses:<32} {r['p50']:>8.1f} {r['p99']:>8.1f}  {r['result']}")
        print(f"{'':<28} {r['why']}")
    failed = [r["scenario"] for r in rows if r["result"] != "PASS"]
    print(f"\nresilience: {len(rows) - len(failed)} of {len(rows)} scenarios held")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
