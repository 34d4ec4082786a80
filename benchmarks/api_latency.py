"""Search API latency under a fixed offered rate (open loop), against the real 2022 index.

A realistic mix: ZIP "near me" with 1–3 filters and facets (40%), a city by name (10%), SAMHSA
codes near a ZIP or in a state, some with match_all (10%), state browse (15%), text search with
typo forgiveness (15%), facility by id (10%). Requests are sent on schedule whether or not earlier ones
have answered, and latency counts from the scheduled time, so a stall is never hidden.
First 100 req/s for 30 s through the API; then the same Elasticsearch bodies straight to
Elasticsearch at 100 req/s, for the API's own overhead (which bodies a radius search sends depends
on its band: the mix is built by running each once); then steps up to find the highest rate with
p99 ≤ 100 ms. Last, every facility exported as NDJSON (the whole country, then the biggest
state) while the mix runs at 50 req/s: the export's time and the API process's peak RSS, which
stays near its resting size because an export streams a batch at a time.

    .venv/bin/python benchmarks/api_latency.py [--seconds 30]
"""

import argparse
import asyncio
import gc
import json
import os
import random
import time
from collections import Counter
from contextlib import contextmanager

import aiohttp
import psutil
from elasticsearch import Elasticsearch

from directory_2022 import import_2022
from load import Outcome, by_status, offered_load, percentile, start_api
from facility.geo import zip_point
from facility.places import resolve
from facility.tally import Tally
from indexer.build import BuildOptions, build
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


def bodies_sent(es: Elasticsearch, search: Search) -> list[dict]:
    """The search bodies the API sends for one search (a second when the radius's band needs it)."""
    conversation = searches(search, facets=True)
    sent = [next(conversation)]
    try:
        while True:
            sent.append(conversation.send(es.search(index=ALIAS, **sent[-1]).body))
    except StopIteration:
        return sent


def build_mix(es: Elasticsearch, records: list[dict], count: int,
              rng: random.Random) -> list[tuple[str, dict, list[dict]]]:
    """(API path, query parameters, the Elasticsearch bodies the API sends) for each request."""
    zips = sorted({r["address"]["zip"] for r in records if zip_point(r["address"]["zip"])})
    states = sorted({r["address"]["state"] for r in records})
    mix = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.4:
            code = rng.choice(zips)
            point = zip_point(code)
            chosen = rng.sample(FILTERS, rng.randint(1, 3))
            filters: dict[str, tuple] = {}
            for param, value in chosen:
                filters[param] = filters.get(param, ()) + (value,)
            params = [("zip", code)] + chosen
            search = Search(point=Point(point.lat, point.lon), filters=filters, sort="distance")
            mix.append(("/v1/facilities", params, bodies_sent(es, search)))
        elif kind < 0.5:
            address = rng.choice(records)["address"]
            place = resolve(f"{address['city']}, {address['state']}").place
            search = Search(point=Point(place.lat, place.lon), filters={"level": ("iop",)}, sort="distance")
            mix.append(("/v1/facilities", [("place", place.name), ("level", "iop")], bodies_sent(es, search)))
        elif kind < 0.6:
            codes = tuple(rng.sample(CODES, 2))
            if rng.random() < 0.5:
                zip_code = rng.choice(zips)
                point = zip_point(zip_code)
                search = Search(point=Point(point.lat, point.lon), filters={"code": codes}, sort="distance")
                params = [("zip", zip_code), ("code", codes[0]), ("code", codes[1])]
                mix.append(("/v1/facilities", params, bodies_sent(es, search)))
            else:
                state = rng.choice(states)
                search = Search(filters={"state": (state,), "code": codes}, match_all=frozenset({"code"}))
                params = [("state", state), ("code", codes[0]), ("code", codes[1]), ("match_all", "code")]
                mix.append(("/v1/facilities", params, [search_body(search)]))
        elif kind < 0.75:
            state, page = rng.choice(states), rng.randint(1, 3)
            params = [("state", state), ("level", "iop"), ("sort", "name"), ("page", page)]
            search = Search(filters={"state": (state,), "level": ("iop",)}, sort="name", offset=(page - 1) * 20)
            mix.append(("/v1/facilities", params, [search_body(search)]))
        elif kind < 0.9:
            word = rng.choice(WORDS)
            search = Search(text=word, sort="relevance")
            mix.append(("/v1/facilities", [("q", word)], [search_body(search)]))
        else:
            facility_id = rng.choice(records)["id"]
            mix.append((f"/v1/facilities/{facility_id}", [], [{"query": {"ids": {"values": [facility_id]}}}]))
    return mix


def summarize(outcomes: list[Outcome], rate: float) -> dict:
    ok = [o.latency_ms for o in outcomes if o.status == "200"]
    failures = {status: count for status, count in by_status(outcomes).items() if status != "200"}
    return {"rate": rate, "sent": len(outcomes), "latencies": ok, "failures": failures}


def report(label: str, result: dict) -> None:
    lat = result["latencies"]
    print(f"{label:<34} {result['rate']:>5.0f} req/s  sent {result['sent']:>5}  "
          f"p50 {percentile(lat, 0.5):6.1f} ms  p99 {percentile(lat, 0.99):6.1f} ms  "
          f"errors {sum(result['failures'].values())} {result['failures'] or ''}", flush=True)


@contextmanager
def api_server(es_url: str):
    port = free_port()
    # One load generator is one client: the per-client rate limit is off for the measurement.
    env = dict(os.environ, ELASTICSEARCH_URL=es_url, IOPFINDER_ALIAS=ALIAS, IOPFINDER_RATE_LIMIT_PER_MINUTE="0")
    process = start_api(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def load_index(es_url: str) -> list[dict]:
    records = list(import_2022(Tally()))
    build(Elasticsearch(es_url), iter(records), Tally(), BuildOptions(alias=ALIAS, allow_shrink=True))
    return [record.model_dump(mode="json") for record in records]


async def measure(api_url: str, es_url: str, mix, seconds: float) -> None:
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        async def via_api(item):
            path, params, _ = item
            async with session.get(api_url + path, params=params) as response:
                await response.read()
                return response.status, None

        async def direct(item):
            status = 200
            for body in item[2]:
                async with session.post(f"{es_url}/{ALIAS}/_search", data=json.dumps(body),
                                        headers={"Content-Type": "application/json"}) as response:
                    await response.read()
                    status = response.status if response.status != 200 else status
            return status, None

        # Warm-up, not reported: the index was just built (segments still merging) and both
        # processes are cold; measuring at once reported the warm-up, not the service.
        await offered_load(via_api, mix, 100, 15)
        await offered_load(direct, mix, 100, 5)
        print(f"{'':<34} offered      sent      latency from the scheduled send time")
        api = summarize(await offered_load(via_api, mix, 100, seconds), 100)
        report("API, realistic mix", api)
        es = summarize(await offered_load(direct, mix, 100, seconds), 100)
        report("same bodies straight to ES", es)
        knee = None
        for rate in (150, 200, 250, 300, 400, 500, 600, 800):
            step = summarize(await offered_load(via_api, mix, rate, 10), rate)
            report("API, step", step)
            if step["failures"] or percentile(step["latencies"], 0.99) > 100:
                break
            knee = rate
        ratio = percentile(api["latencies"], 0.5) / percentile(es["latencies"], 0.5)
        print(f"knee (highest step with p99 ≤ 100 ms and no errors): {knee or 'below 150'} req/s")
        print(f"API overhead ratio at 100 req/s: API p50 / direct ES p50 = {ratio:.2f} (aim ≤ 1.5)")
        print("targets at 100 req/s: p50 ≤ 15 ms, p99 ≤ 50 ms, zero errors")


async def measure_export(api_url: str, pid: int, mix, params: dict, label: str) -> None:
    """One NDJSON export under a 50 req/s search load, sampling the API's RSS every 20 ms."""
    api_process = psutil.Process(pid)
    resting = api_process.memory_info().rss
    peak = resting
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        async def via_api(item):
            path, query, _ = item
            async with session.get(api_url + path, params=query) as response:
                await response.read()
                return response.status, None

        async def export() -> tuple[int, int, float]:
            started = time.perf_counter()
            lines = size = 0
            async with session.get(api_url + "/v1/facilities.ndjson", params=params) as response:
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
        load = asyncio.create_task(offered_load(via_api, mix, 50, 10))
        lines, size, seconds = await export()
        done.set()
        await sampler
        searches = summarize(await load, 50)
    mb = 1024 * 1024
    print(f"NDJSON export, {label}: {lines:,} facilities, {size / mb:.1f} MB in {seconds:.1f} s; "
          f"API RSS {resting / mb:.0f} MB at rest, peak {peak / mb:.0f} MB (+{(peak - resting) / mb:.0f} MB)")
    report("API, searches during the export", searches)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    with elasticsearch_url_for_run() as es_url:
        records = load_index(es_url)
        mix = build_mix(Elasticsearch(es_url), records, 5000, random.Random(7))
        gc.freeze()  # the load generator's own full collections over the mix would stall its schedule
        biggest = Counter(record["address"]["state"] for record in records).most_common(1)[0][0]
        with api_server(es_url) as (api_url, pid):
            asyncio.run(measure(api_url, es_url, mix, args.seconds))
            asyncio.run(measure_export(api_url, pid, mix, {}, "every facility"))
            asyncio.run(measure_export(api_url, pid, mix, {"state": biggest}, f"all of {biggest}"))
        es = Elasticsearch(es_url)
        for index in es.indices.get(index=f"{ALIAS}-*"):
            es.indices.delete(index=index)


if __name__ == "__main__":
    main()
