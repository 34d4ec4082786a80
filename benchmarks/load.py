"""An open-loop load generator: requests go out on schedule whether or not earlier ones have
answered, and latency counts from the scheduled time, so a stall is never hidden. Also the search
mix the resilience and compose benchmarks send."""

import asyncio
import random
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass

import aiohttp


@dataclass(frozen=True)
class Outcome:
    at: float  # seconds after the load began
    latency_ms: float
    status: str  # HTTP status, or the client error's name (a timeout, a refused connection)
    detail: object = None  # whatever `send` returned beside the status


async def offered_load(send, items: list, rate: float, seconds: float) -> list[Outcome]:
    """Call `send(item)` (→ (status, detail)) at `rate` per second for `seconds`; bounded by count.

    Each call starts as its time comes; making all of them up front cost the first ones their
    schedule."""
    outcomes: list[Outcome] = []
    start = time.perf_counter() + 0.1

    async def one(i: int, scheduled: float):
        try:
            status, detail = await send(items[i % len(items)])
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            status, detail = type(error).__name__, None
        outcomes.append(Outcome(scheduled - start, (time.perf_counter() - scheduled) * 1000, str(status), detail))

    calls = []
    for i in range(int(rate * seconds)):
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        calls.append(asyncio.create_task(one(i, scheduled)))
    await asyncio.gather(*calls)
    return sorted(outcomes, key=lambda outcome: outcome.at)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def by_status(outcomes: list[Outcome]) -> dict[str, int]:
    return dict(sorted(Counter(outcome.status for outcome in outcomes).items()))


def start_api(env: dict, port: int) -> subprocess.Popen:
    """`iopfinder serve` in a process of its own, returned once its /readyz answers.

    -P: the working directory is not put first on the module path, so that PYTHONPATH chooses the
    code served (a benchmark of another checkout runs with PYTHONPATH set to it)."""
    process = subprocess.Popen([sys.executable, "-P", "-m", "iopfinder.cli", "serve", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the API did not become ready")


def search_mix(states: list[str], zips: list[str], count: int, rng: random.Random) -> list[list[tuple[str, str]]]:
    """Searches as people make them: near a ZIP with filters, a state's IOPs by name, a word."""
    words = ["recovery", "behavioral", "counseling", "health", "center", "family", "hope"]
    mix = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.6:
            mix.append([("zip", rng.choice(zips)), ("level", "iop"),
                        *rng.sample([("payment", "medicaid"), ("payment", "private"), ("language", "spanish"),
                                     ("service", "telehealth")], rng.randint(0, 2))])
        elif kind < 0.8:
            mix.append([("state", rng.choice(states)), ("level", "iop"), ("sort", "name")])
        else:
            mix.append([("q", rng.choice(words))])
    return mix
