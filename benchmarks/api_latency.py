"""Search API latency under a fixed offered rate (open loop), against the real 2022 index.

A realistic mix: ZIP "near me" with 1–3 filters and facets (50%), state browse (20%), text
search (20%), facility by id (10%). Requests are sent on schedule whether or not earlier ones
have answered, and latency counts from the scheduled time, so a stall is never hidden.
First 100 req/s for 30 s through the API; then the same Elasticsearch bodies straight to
Elasticsearch at 100 req/s, for the API's own overhead (which bodies a radius search sends depends
on its band: the mix is built by running each once); then steps up to find the highest rate with
p99 ≤ 100 ms.

    .venv/bin/python benchmarks/api_latency.py [--seconds 30]
"""

import argparse
import asyncio
import gc
import json
import os
import random
from contextlib import contextmanager

import aiohttp
from elasticsearch import Elasticsearch

from directory_2022 import import_2022
from load import Outcome, by_status, offered_load, percentile, start_api
from facility.geo import zip_point
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
        if kind < 0.5:
            code = rng.choice(zips)
            point = zip_point(code)
            chosen = rng.sample(FILTERS, rng.randint(1, 3))
            filters: dict[str, tuple] = {}
            for param, value in chosen:
                filters[param] = filters.get(param, ()) + (value,)
            params = [("zip", code)] + chosen
            search = Search(point=Point(point.lat, point.lon), filters=filters, sort="distance")
            mix.append(("/v1/facilities", params, bodies_sent(es, search)))
        elif kind < 0.7:
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
        yield url
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    with elasticsearch_url_for_run() as es_url:
        records = load_index(es_url)
        mix = build_mix(Elasticsearch(es_url), records, 5000, random.Random(7))
        gc.freeze()  # the load generator's own full collections over the mix would stall its schedule
        with api_server(es_url) as api_url:
            asyncio.run(measure(api_url, es_url, mix, args.seconds))
        es = Elasticsearch(es_url)
        for index in es.indices.get(index=f"{ALIAS}-*"):
            es.indices.delete(index=index)


if __name__ == "__main__":
    main()
