"""Answers to searches kept a while, so that a search asked again is answered without Elasticsearch.

An answer is kept under the search as understood (validated, with its defaults: two URLs that mean
the same search share it) and the index generation it was read from, the concrete index behind the
alias. `follow` re-reads the alias every `check_every_s`: when it names another index (a rebuild
was swapped in) or cannot be read (Elasticsearch down, no alias), every kept answer is dropped, and
while the alias cannot be read nothing is kept or served. So answers kept before an outage are
served at most `check_every_s` into it, no longer.

After a swap, the old index's answers stand in for `stale_s` while the new index's are read in the
background, `refreshes_at_once` at a time: a rebuild then never meets the whole search traffic at
once on a cold index (on two cores that made searches time out). A search the old index never
answered is read at once, as always.

Bounded: at most `max_entries` answers and `max_bytes` of them, the least recently used leaving
first (and, for `stale_s` after a swap, as many again of the old index's); none older than `ttl_s`.
Only whole, successful answers are kept: a failed search raises before anything is stored. A
request with `Cache-Control: no-cache` is answered from Elasticsearch (and its answer kept for the next).
"""

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from contextlib import asynccontextmanager, suppress

from elastic_transport import TransportError
from elasticsearch import ApiError, AsyncElasticsearch
from starlette.datastructures import Headers

from facility import defaults


class AnswerCache:
    """`on_lookup(hit)` is told of every lookup: answered from here (True) or not (False)."""

    def __init__(self, max_entries: int = defaults.ANSWER_CACHE_ENTRIES,
                 max_bytes: int = defaults.ANSWER_CACHE_BYTES, ttl_s: float = defaults.ANSWER_CACHE_TTL_S,
                 check_every_s: float = defaults.ANSWER_CACHE_CHECK_S,
                 stale_s: float = defaults.ANSWER_CACHE_STALE_S,
                 refreshes_at_once: int = defaults.ANSWER_CACHE_REFRESHES_AT_ONCE,
                 on_lookup: Callable[[bool], None] = lambda hit: None, clock: Callable[[], float] = time.monotonic):
        self.max_entries, self.max_bytes, self.ttl_s = max_entries, max_bytes, ttl_s
        self.check_every_s, self.on_lookup, self.clock = check_every_s, on_lookup, clock
        self.stale_s, self.refreshes_at_once = stale_s, refreshes_at_once
        self.generation: str | None = None  # the index behind the alias; None: unknown, nothing kept
        self.entries: OrderedDict[tuple, tuple[float, bytes]] = OrderedDict()  # oldest use first
        self.size = 0  # bytes held
        self.stale: dict[Hashable, bytes] = {}  # the swapped-out index's answers, until `stale_until`
        self.stale_until = 0.0
        self.refreshing: dict[Hashable, asyncio.Task] = {}  # keys read from the new index in the background

    def __len__(self) -> int:
        return len(self.entries)

    def learn(self, generation: str | None) -> None:
        """The index behind the alias as just read (None: could not be read)."""
        if generation != self.generation:
            swapped = self.generation is not None and generation is not None
            now = self.clock()
            self.stale = {key: answer for (_, key), (expires, answer) in self.entries.items()
                          if expires > now} if swapped else {}
            self.stale_until = now + self.stale_s
            self.entries.clear()
            self.size = 0
            self.generation = generation

    def get(self, key: Hashable) -> bytes | None:
        full_key = (self.generation, key)
        found = self.entries.get(full_key) if self.generation is not None else None
        if found is not None and found[0] <= self.clock():
            self._drop(full_key)
            found = None
        elif found is not None:
            self.entries.move_to_end(full_key)
        self.on_lookup(found is not None)
        return None if found is None else found[1]

    def put(self, key: Hashable, generation: str | None, answer: bytes) -> None:
        """Keep `answer`, read while `generation` was live, unless the live index changed since."""
        if generation is None or generation != self.generation or len(answer) > self.max_bytes:
            return
        full_key = (generation, key)
        if full_key in self.entries:
            self._drop(full_key)
        self.entries[full_key] = (self.clock() + self.ttl_s, answer)
        self.size += len(answer)
        while len(self.entries) > self.max_entries or self.size > self.max_bytes:
            self._drop(next(iter(self.entries)))

    def _drop(self, full_key: tuple) -> None:
        self.size -= len(self.entries.pop(full_key)[1])

    async def answer(self, key: Hashable, compute: Callable[[], Awaitable[bytes]], fresh: bool = False) -> bytes:
        """The kept answer for `key`, else the swapped-out index's while the new one's is read in the
        background, else `compute()`'s, kept; `fresh`: never a kept one."""
        generation = self.generation  # as the search starts: a swap while it runs must not mislabel it
        found = None if fresh else self.get(key)
        if found is not None:
            return found
        if fresh:
            self.on_lookup(False)
        elif (stale := self._stale(key)) is not None:
            self._refresh(key, compute, generation)
            return stale
        answer = await compute()
        self.put(key, generation, answer)
        return answer

    def _stale(self, key: Hashable) -> bytes | None:
        if self.stale and self.clock() >= self.stale_until:
            self.stale = {}
        return self.stale.get(key)

    def _refresh(self, key: Hashable, compute: Callable[[], Awaitable[bytes]], generation: str | None) -> None:
        """Read `key`'s answer from the new index in the background, unless enough reads run already."""
        if key in self.refreshing or len(self.refreshing) >= self.refreshes_at_once:
            return

        async def read() -> None:
            try:
                self.put(key, generation, await compute())
                self.stale.pop(key, None)
            except Exception:  # the stale answer stands; the next asker tries again
                pass
            finally:
                del self.refreshing[key]
        self.refreshing[key] = asyncio.create_task(read())

    async def follow(self, client: AsyncElasticsearch, alias: str) -> None:
        """Read the index behind `alias` now and every `check_every_s`, until cancelled."""
        try:
            while True:
                try:
                    indices = (await client.indices.get_alias(name=alias)).body
                    self.learn(",".join(sorted(indices)))
                except (TransportError, ApiError):
                    self.learn(None)
                await asyncio.sleep(self.check_every_s)
        finally:  # stopped, for whatever reason: nothing is kept that no one watches
            self.learn(None)


@asynccontextmanager
async def following(answers: AnswerCache, client: AsyncElasticsearch, alias: str):
    """`answers.follow` for as long as the block runs (the app's lifespan)."""
    task = asyncio.create_task(answers.follow(client, alias))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task


def wants_fresh(headers: Headers) -> bool:
    """`Cache-Control: no-cache`: the client asks for an answer read now, not a kept one."""
    return "no-cache" in headers.get("cache-control", "").lower()
