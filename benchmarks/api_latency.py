"""Search API latency under a fixed offered rate (open loop), and how it grows with the data.

A realistic mix: the site's near-me page, which asks for facet counts (facets=true): a ZIP with 1–3
filters (40%), a city by name (10%); and API clients' searches without counts: SAMHSA codes near a
ZIP or in a state, some with match_all (10%), state browse (15%), text search with typo forgiveness
(15%), facility by id (10%). Requests are sent on schedule whether or not earlier
ones have answered, and latency counts from the scheduled time, so a stall is never hidden.

Over the real 2022 index, then over synthetic indices of each `--docs` size (jittered copies of
the real records, made by index_throughput.py's generator), at 100 req/s:
- real use: requests freshly drawn from the mix, so that only what people would repeat (state
  pages, common words, popular cities) repeats, through the API with its answer cache on;
- the API's own overhead: the same requests again, each with `Cache-Control: no-cache` so that
  none is answered from the cache, then the same Elasticsearch bodies straight to Elasticsearch
  (which bodies a radius search sends depends on its band: they are worked out by running each
  once); the overhead ratio is the two p50s'.
Over the real index also: steps up in rate (real use) to find the highest with p99 ≤ 100 ms, and
every facility exported as NDJSON (the whole country, then the biggest state) while the mix runs
at 50 req/s: the export's time and the API process's peak RSS; and the HSDS API (/hsds/) at 100
req/s (IOP services changed after a date, a page at a time; services and organizations by id;
services near a postcode), then every IOP service as HSDS NDJSON under the same 50 req/s. Each phase shows how busy the
machine's CPUs were (other processes included), how much time the hypervisor stole, and the CPU
seconds the API process and Elasticsearch spent per 1,000 requests (from /proc).

    .venv/bin/python benchmarks/api_latency.py [--seconds 30] [--docs 100000 [1000000]]
"""

import argparse
import asyncio
import gc
import json
import os
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import aiohttp
import psutil
from elasticsearch import Elasticsearch

from directory_2022 import import_2022
from index_throughput import synthesize
from load import Outcome, by_status, offered_load, percentile, start_api
from facility.geo import zip_point
from facility.hsds import hsds_id, term_id
from facility.places import Place, PlaceNotFound, resolve
from facility.staging import write_staged
from facility.tally import Tally
from indexer.build import BuildOptions, build
from indexer.records import read_records
from iopfinder.elasticsearch_node import elasticsearch_url_for_run, free_port
from search_api.band import searches
from search_api.query import Point, Search, search_body

ALIAS = "bench-api"
WORDS = ["recovery", "behavioral", "counseling", "health", "center", "services", "treatment",
         "family", "community", "addiction", "hope", "new", "life", "wellness", "clinic"]
FILTERS = [("level", "iop"), ("level", "php"), ("payment", "medicaid"), ("payment", "private"),
           ("payment", "medicare"), ("assistance", "sliding_fee"), ("language", "spanish"),
           ("service", "telehealth"), ("service", "mat_buprenorphine"), ("age", "children_adolescents"),
           ("population", "veterans")]
CODES = ["GCO", "FCO", "ACC", "DAUT", "CM", "TA", "CCC", "MOA", "PMAT", "NAUT", "OIT", "ODT"]
RATE = 100
KNEE_MS = 100
FRESH = {"Cache-Control": "no-cache"}
CACHE_HITS = re.compile(rb'^iopfinder_api_cache_lookups_total\{[^}]*"hit"[^}]*\} ([0-9.e+]+)$', re.MULTILINE)


class Mix:
    """Requests drawn from the realistic mix: (API path, query parameters, the search it asks, or
    None for a facility by id)."""

    def __init__(self, records: list[dict], facility_ids: list[str], seed: int):
        self.zips = sorted({r["address"]["zip"] for r in records if zip_point(r["address"]["zip"])})
        self.states = sorted({r["address"]["state"] for r in records})
        self.cities = [(r["address"]["city"], r["address"]["state"]) for r in records]
        self.facility_ids = facility_ids
        self.rng = random.Random(seed)
        self.places: dict[tuple[str, str], Place | None] = {}

    def __iter__(self):
        return self

    def __next__(self) -> tuple[str, list, Search | None]:
        rng, kind = self.rng, self.rng.random()
        if kind < 0.4:
            code = rng.choice(self.zips)
            point = zip_point(code)
            chosen = rng.sample(FILTERS, rng.randint(1, 3))
            filters: dict[str, tuple] = {}
            for param, value in chosen:
                filters[param] = filters.get(param, ()) + (value,)
            return ("/v1/facilities", [("zip", code), ("facets", "true")] + chosen,
                    Search(point=Point(point.lat, point.lon), filters=filters, sort="distance"))
        if kind < 0.5:
            place = None
            while place is None:
                place = self.place(rng.choice(self.cities))
            return ("/v1/facilities", [("place", place.name), ("level", "iop"), ("facets", "true")],
                    Search(point=Point(place.lat, place.lon), filters={"level": ("iop",)}, sort="distance"))
        if kind < 0.6:
            codes = tuple(rng.sample(CODES, 2))
            if rng.random() < 0.5:
                zip_code = rng.choice(self.zips)
                point = zip_point(zip_code)
                return ("/v1/facilities", [("zip", zip_code), ("code", codes[0]), ("code", codes[1])],
                        Search(point=Point(point.lat, point.lon), filters={"code": codes}, sort="distance"))
            state = rng.choice(self.states)
            return ("/v1/facilities", [("state", state), ("code", codes[0]), ("code", codes[1]), ("match_all", "code")],
                    Search(filters={"state": (state,), "code": codes}, match_all=frozenset({"code"})))
        if kind < 0.75:
            state, page = rng.choice(self.states), rng.randint(1, 3)
            return ("/v1/facilities", [("state", state), ("level", "iop"), ("sort", "name"), ("page", page)],
                    Search(filters={"state": (state,), "level": ("iop",)}, sort="name", offset=(page - 1) * 20))
        if kind < 0.9:
            word = rng.choice(WORDS)
            return "/v1/facilities", [("q", word)], Search(text=word, sort="relevance")
        return f"/v1/facilities/{rng.choice(self.facility_ids)}", [], None

    def place(self, city: tuple[str, str]) -> Place | None:
        """The place a city's name resolves to; None for the few that name none (e.g. an island's)."""
        if city not in self.places:
            try:
                self.places[city] = resolve(", ".join(city)).place
            except PlaceNotFound:
                self.places[city] = None
        return self.places[city]

    def take(self, count: int) -> list[tuple[str, list, Search | None]]:
        return list(islice(self, count))


def hsds_mix(records: list[dict], count: int, seed: int) -> list[tuple[str, dict, None]]:
    """HSDS requests as a 211 system's sync and lookups make them: IOP services changed after a
    date, a random page of them; one service or organization by id; services near a postcode."""
    rng = random.Random(seed)
    iops = [r for r in records if "iop" in r["levels_of_care"]]
    zips = sorted({r["address"]["zip"] for r in iops if zip_point(r["address"]["zip"])})
    found = []
    for _ in range(count):
        record = rng.choice(iops)
        kind = rng.random()
        if kind < 0.5:
            since = f"20{rng.randint(10, 26)}-0{rng.randint(1, 9)}-01"
            found.append(("/hsds/services", {"taxonomy_term_id": term_id("OIT"), "page": rng.randint(1, 100),
                                             "modified_after": since}, None))
        elif kind < 0.7:
            found.append((f"/hsds/services/{hsds_id('service', record['id'], 'iop')}", {}, None))
        elif kind < 0.8:
            found.append((f"/hsds/organizations/{hsds_id('organization', record['id'])}", {}, None))
        else:
            found.append(("/hsds/service_at_locations", {"taxonomy_term_id": term_id("OIT"),
                                                         "postcode": rng.choice(zips), "proximity": 40_000}, None))
    return found


def bodies_sent(es: Elasticsearch, alias: str, path: str, params: list, search: Search | None) -> list[dict]:
    """The Elasticsearch bodies the API sends for one request (a second search when the radius's
    band needs it)."""
    if search is None:
        return [{"query": {"ids": {"values": [path.rsplit("/", 1)[1]]}}}]
    facets = ("facets", "true") in params
    if search.point is None:
        return [search_body(search, facets)]
    conversation = searches(search, facets)
    sent = [next(conversation)]
    try:
        while True:
            sent.append(conversation.send(es.search(index=alias, **sent[-1]).body))
    except StopIteration:
        return sent


def summarize(outcomes: list[Outcome], rate: float) -> dict:
    ok = [o.latency_ms for o in outcomes if o.status == "200"]
    failures = {status: count for status, count in by_status(outcomes).items() if status != "200"}
    return {"rate": rate, "sent": len(outcomes), "latencies": ok, "failures": failures}


def report(label: str, result: dict, note: str = "") -> None:
    lat = result["latencies"]
    print(f"{label:<34} {result['rate']:>5.0f} req/s  sent {result['sent']:>5}  "
          f"p50 {percentile(lat, 0.5):6.1f} ms  p99 {percentile(lat, 0.99):6.1f} ms  "
          f"errors {sum(result['failures'].values())} {result['failures'] or ''}{note}", flush=True)


@contextmanager
def machine_load():
    """The share of the machine's CPU time that was busy (anyone's) and stolen while the block ran."""
    found = {}
    before = psutil.cpu_times()
    yield found
    after = psutil.cpu_times()
    # guest time is counted in user time already
    spent = {field: getattr(after, field) - getattr(before, field) for field in after._fields
             if field not in ("guest", "guest_nice")}
    total = sum(spent.values()) or 1
    found["busy"] = 100 * (total - spent["idle"] - spent.get("iowait", 0)) / total
    found["steal"] = 100 * spent.get("steal", 0) / total


@contextmanager
def api_server(es_url: str, alias: str):
    port = free_port()
    # One load generator is one client: the per-client rate limit is off for the measurement.
    env = dict(os.environ, ELASTICSEARCH_URL=es_url, IOPFINDER_ALIAS=alias, IOPFINDER_RATE_LIMIT_PER_MINUTE="0")
    process = start_api(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children so far (/proc/PID/stat)."""
    process = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in (process, *process.children(recursive=True)))


class Driver:
    """Sends the mix's requests through the API or straight to Elasticsearch, one phase at a time."""

    def __init__(self, session: aiohttp.ClientSession, api_url: str, api_pid: int, es_url: str, alias: str):
        self.session, self.api_url, self.api_pid, self.es_url, self.alias = session, api_url, api_pid, es_url, alias
        nodes = Elasticsearch(es_url).nodes.info(metric="process")["nodes"].values()
        self.es_pids = [node["process"]["id"] for node in nodes]

    async def via_api(self, item, headers: dict | None = None):
        path, params = item[0], item[1]
        async with self.session.get(self.api_url + path, params=params, headers=headers) as response:
            await response.read()
            return response.status, None

    async def fresh(self, item):
        return await self.via_api(item, FRESH)

    async def direct(self, item):
        status = 200
        for body in item[2]:
            async with self.session.post(f"{self.es_url}/{self.alias}/_search", data=json.dumps(body),
                                         headers={"Content-Type": "application/json"}) as response:
                await response.read()
                status = response.status if response.status != 200 else status
        return status, None

    async def cache_hits(self) -> float | None:
        """The API's count of answers served from its cache (None: it has no such count)."""
        async with self.session.get(self.api_url + "/metrics") as response:
            found = CACHE_HITS.search(await response.read()) if response.status == 200 else None
        return float(found[1]) if found else None

    async def phase(self, label: str, send, items: list, rate: float, seconds: float, counted: bool = False) -> dict:
        hits = await self.cache_hits() if counted else None
        api_cpu, es_cpu = cpu_seconds(self.api_pid), sum(map(cpu_seconds, self.es_pids))
        with machine_load() as load:
            result = summarize(await offered_load(send, items, rate, seconds), rate)
        per_thousand = 1000 / max(1, result["sent"])
        result["cpu_api"] = (cpu_seconds(self.api_pid) - api_cpu) * per_thousand
        result["cpu_es"] = (sum(map(cpu_seconds, self.es_pids)) - es_cpu) * per_thousand
        note = (f"  CPU s per 1,000: API {result['cpu_api']:.1f}, ES {result['cpu_es']:.1f}"
                f"  [machine busy {load['busy']:.0f}%, steal {load['steal']:.1f}%]")
        if hits is not None:
            result["hit_share"] = (await self.cache_hits() - hits) / max(1, result["sent"])
            note = f"  from cache {result['hit_share']:.0%}" + note
        report(label, result, note)
        return result


async def measure(driver: Driver, real_use: Mix, overhead_mix: list, seconds: float, steps: bool) -> dict:
    """Real use (answer cache on), then the overhead ratio (cache bypassed); with `steps`, the knee."""
    # Warm-up, not reported: the index was just built (segments still merging) and both processes
    # are cold; measuring at once reported the warm-up, not the service.
    await offered_load(driver.via_api, real_use.take(int(RATE * seconds / 2)), RATE, seconds / 2)
    await offered_load(driver.direct, overhead_mix, RATE, 5)
    print(f"{'':<34} offered      sent      latency from the scheduled send time")
    figures = {"real": await driver.phase("API, real use", driver.via_api,
                                          real_use.take(int(RATE * seconds)), RATE, seconds, counted=True),
               "fresh": await driver.phase("API, none from the cache", driver.fresh, overhead_mix, RATE, seconds),
               "direct": await driver.phase("same bodies straight to ES", driver.direct, overhead_mix, RATE, seconds)}
    figures["ratio"] = percentile(figures["fresh"]["latencies"], 0.5) / percentile(figures["direct"]["latencies"], 0.5)
    if steps:
        figures["knee"] = None
        for rate in (150, 200, 250, 300, 400, 500, 600, 800):
            step = await driver.phase("API, step (real use)", driver.via_api, real_use.take(rate * 10), rate, 10)
            if step["failures"] or percentile(step["latencies"], 0.99) > KNEE_MS:
                break
            figures["knee"] = rate
    return figures


async def measure_export(driver: Driver, pid: int, real_use: Mix, path: str, params: dict, label: str) -> None:
    """One NDJSON export under a 50 req/s search load, sampling the API's RSS every 20 ms."""
    api_process = psutil.Process(pid)
    resting = api_process.memory_info().rss
    peak = resting

    async def export() -> tuple[int, int, float]:
        started = time.perf_counter()
        lines = size = 0
        async with driver.session.get(driver.api_url + path, params=params,
                                      timeout=aiohttp.ClientTimeout(total=120)) as response:
            async for line in response.content:
                lines += 1
                size += len(line)
        return lines, size, time.perf_counter() - started

    async def sample(done: asyncio.Event) -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, api_process.memory_info().rss)
            await asyncio.sleep(0.02)

    done = asyncio.Event()
    sampler = asyncio.create_task(sample(done))
    load = asyncio.create_task(offered_load(driver.via_api, real_use.take(500), 50, 10))
    lines, size, seconds = await export()
    done.set()
    await sampler
    searches_during = summarize(await load, 50)
    mb = 1024 * 1024
    print(f"NDJSON export, {label}: {lines:,} lines, {size / mb:.1f} MB in {seconds:.1f} s; "
          f"API RSS {resting / mb:.0f} MB at rest, peak {peak / mb:.0f} MB (+{(peak - resting) / mb:.0f} MB)")
    report("API, searches during the export", searches_during)


async def run_size(es_url: str, alias: str, records: list[dict], facility_ids: list[str], seconds: float,
                   full: bool) -> dict:
    """Every phase over the index behind `alias`; `full`: also the knee and the exports."""
    es = Elasticsearch(es_url, request_timeout=60)
    overhead_mix = [(path, params, bodies_sent(es, alias, path, params, search))
                    for path, params, search in Mix(records, facility_ids, seed=7).take(int(RATE * seconds))]
    real_use = Mix(records, facility_ids, seed=11)
    gc.collect()
    gc.freeze()  # the load generator's own full collections over the mix would stall its schedule
    timeout = aiohttp.ClientTimeout(total=10)
    with api_server(es_url, alias) as (api_url, pid):
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
            driver = Driver(session, api_url, pid, es_url, alias)
            figures = await measure(driver, real_use, overhead_mix, seconds, steps=full)
            if full:
                biggest = Counter(record["address"]["state"] for record in records).most_common(1)[0][0]
                await measure_export(driver, pid, real_use, "/v1/facilities.ndjson", {}, "every facility")
                await measure_export(driver, pid, real_use, "/v1/facilities.ndjson", {"state": biggest},
                                     f"all of {biggest}")
                await driver.phase("HSDS API", driver.via_api, hsds_mix(records, int(RATE * seconds), seed=13),
                                   RATE, seconds)
                await measure_export(driver, pid, real_use, "/hsds/services", {
                    "taxonomy_term_id": term_id("OIT"), "modified_after": "2020-01-01", "format": "ndjson",
                    "full": "true"}, "HSDS, every IOP service whole")
    gc.unfreeze()
    return figures


def build_index(es_url: str, staged: Path, alias: str, documents: int) -> None:
    es = Elasticsearch(es_url, request_timeout=120)
    started = last = time.perf_counter()
    done = 0

    def progress(count: int) -> None:
        nonlocal done, last
        done += count
        if time.perf_counter() - last >= 15:
            print(f"  … {done:,} of {documents:,} documents indexed", flush=True)
            last = time.perf_counter()

    tally = Tally()
    result = build(es, read_records([staged], tally), tally, BuildOptions(alias=alias, allow_shrink=True), progress)
    print(f"index {result.index}: {result.documents:,} documents in {time.perf_counter() - started:.0f} s", flush=True)


def drop_indices(es_url: str, alias: str) -> None:
    es = Elasticsearch(es_url, request_timeout=120)
    for index in es.indices.get(index=f"{alias}-*", allow_no_indices=True):
        es.indices.delete(index=index)


def first_ids(staged: Path, count: int) -> list[str]:
    with open(staged) as lines:
        return [json.loads(line)["id"] for line in islice(lines, count)]


def summary(rows: list[tuple[int, dict]], knee: int | None) -> None:
    print(f"\nAt {RATE} req/s (p50 / p99, ms; CPU seconds per 1,000 requests, API + Elasticsearch):")
    print(f"{'documents':>10}  {'real use':>24}  {'none from the cache':>20}  "
          f"{'straight to ES':>15}  overhead ratio  {'CPU, none from the cache':>25}  {'CPU, straight':>13}")
    for documents, figures in rows:
        def pair(result: dict) -> str:
            return f"{percentile(result['latencies'], 0.5):.1f} / {percentile(result['latencies'], 0.99):.1f}"

        hits = figures["real"].get("hit_share")
        cached = pair(figures["real"]) + (f" ({hits:.0%} cached)" if hits is not None else "")
        fresh, direct = figures["fresh"], figures["direct"]
        print(f"{documents:>10,}  {cached:>24}  {pair(fresh):>20}  {pair(direct):>15}  {figures['ratio']:>14.2f}  "
              f"{fresh['cpu_api']:>10.1f} + {fresh['cpu_es']:>5.1f} = {fresh['cpu_api'] + fresh['cpu_es']:>5.1f}  "
              f"{direct['cpu_es']:>13.1f}")
    print(f"knee over the real index (highest step with p99 ≤ {KNEE_MS} ms and no errors, real use): "
          f"{knee or 'below 150'} req/s")
    print("overhead ratio: API p50 with no answer from its cache / the same bodies' p50 straight to ES")
    print(f"targets at {RATE} req/s: real use p50 ≤ 10 ms, p99 ≤ 50 ms, no errors; ratio ≤ 1.3; knee ≥ 300 req/s; "
          f"at 1,000,000 documents p99 ≤ 100 ms and ≤ 3 × p99 at the real index")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="each measured phase's length")
    parser.add_argument("--docs", type=int, nargs="*", default=[100_000],
                        help="synthetic index sizes measured after the real index (none: the real index only)")
    args = parser.parse_args()
    if any(count < 1 for count in args.docs):
        parser.error("--docs: sizes must be positive numbers of documents")
    workdir = Path(tempfile.mkdtemp(prefix="iopfinder-bench-api-"))
    try:
        with elasticsearch_url_for_run() as es_url:
            tally = Tally()
            real = workdir / "samhsa-2022.jsonl"
            write_staged(real, import_2022(tally), tally)
            with open(real) as lines:
                records = [json.loads(line) for line in lines]
            rows = []
            build_index(es_url, real, ALIAS, len(records))
            print(f"\n== the real 2022 index: {len(records):,} documents")
            real_figures = asyncio.run(run_size(es_url, ALIAS, records, [r["id"] for r in records], args.seconds,
                                                full=True))
            rows.append((len(records), real_figures))
            drop_indices(es_url, ALIAS)
            for count in args.docs:
                alias, synthetic = f"bench-docs-{count}", workdir / f"synthetic-{count}.jsonl"
                print(f"\n== a synthetic index of {count:,} documents", flush=True)
                synthesize(real, synthetic, count)
                build_index(es_url, synthetic, alias, count)
                rows.append((count, asyncio.run(run_size(es_url, alias, records, first_ids(synthetic, 5000),
                                                         args.seconds, full=False))))
                drop_indices(es_url, alias)
                synthetic.unlink()
            summary(rows, real_figures["knee"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
