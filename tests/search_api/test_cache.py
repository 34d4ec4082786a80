"""The answer cache: its bounds and generations, the alias it follows, and the routes that use it
(offline, Elasticsearch answering from recordings that allow each call once; then against a real
node, where the new index answers soon after an alias swap)."""

import asyncio
import json
import random
import time
from contextlib import contextmanager

import pytest
from elasticsearch import Elasticsearch, NotFoundError
from fastapi.testclient import TestClient

from facility import defaults
from facility.elasticsearch_access import Access
from facility.filter_groups import NOTICES, SERVICES, has_service
from facility.tally import Tally
from indexer.build import BuildOptions, build
from search_api.cache import AnswerCache
from search_api.main import create_app
from search_api.params import SearchParams
from search_api.query import search_key
from search_api.results import passed
from search_api.settings import ApiSettings
from tests.facility.factories import make_facility
from tests.search_api.recorded_elasticsearch import RECORDED, SCENARIOS, Replay, api


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def cache(**options) -> AnswerCache:
    answers = AnswerCache(**options)
    answers.learn("facilities-1")
    return answers


def test_the_least_recently_used_answer_leaves_first():
    answers = cache(max_entries=2)
    answers.put("a", "facilities-1", b"A")
    answers.put("b", "facilities-1", b"B")
    assert answers.get("a") == b"A"  # now b is the least recently used
    answers.put("c", "facilities-1", b"C")
    assert (answers.get("a"), answers.get("b"), answers.get("c")) == (b"A", None, b"C")


def test_bytes_are_bounded_too():
    answers = cache(max_bytes=10)
    answers.put("a", "facilities-1", b"x" * 6)
    answers.put("b", "facilities-1", b"y" * 6)
    assert answers.get("a") is None and answers.get("b") == b"y" * 6 and answers.size == 6
    answers.put("huge", "facilities-1", b"z" * 11)
    assert answers.get("huge") is None and answers.get("b") == b"y" * 6
    answers.put("b", "facilities-1", b"w" * 4)  # replacing an answer counts its bytes once
    assert answers.size == 4 and len(answers) == 1


def test_an_answer_expires_after_its_time_to_live():
    clock = Clock()
    answers = cache(ttl_s=60, clock=clock)
    answers.put("a", "facilities-1", b"A")
    clock.now = 59.9
    assert answers.get("a") == b"A"
    clock.now = 60
    assert answers.get("a") is None and len(answers) == 0 and answers.size == 0


def test_another_index_behind_the_alias_empties_it():
    answers = cache()
    answers.put("a", "facilities-1", b"A")
    answers.learn("facilities-1")  # the same index: kept
    assert answers.get("a") == b"A"
    answers.learn("facilities-2")
    assert answers.get("a") is None and len(answers) == 0 and answers.size == 0
    answers.put("b", "facilities-1", b"B")  # read from the old index while the alias moved: not kept
    assert answers.get("b") is None


def test_nothing_is_kept_or_served_while_the_alias_is_unknown():
    answers = cache()
    answers.put("a", "facilities-1", b"A")
    answers.learn(None)
    answers.put("b", None, b"B")
    assert answers.get("a") is None and answers.get("b") is None and len(answers) == 0


def test_answer_keeps_what_was_computed_but_never_a_failure():
    lookups = []
    answers = cache(on_lookup=lookups.append)
    computed = []

    async def compute() -> bytes:
        computed.append(1)
        if len(computed) == 1:
            raise RuntimeError("Elasticsearch failed")
        return b"A"

    async def scenario():
        with pytest.raises(RuntimeError):
            await answers.answer("a", compute)
        assert len(answers) == 0
        assert await answers.answer("a", compute) == b"A"
        assert await answers.answer("a", compute) == b"A"
        assert await answers.answer("a", compute, fresh=True) == b"A"  # asked for fresh: computed again

    asyncio.run(scenario())
    assert len(computed) == 3 and lookups == [False, False, True, False]


def test_an_answer_read_across_a_swap_is_not_kept():
    answers = cache()

    async def compute() -> bytes:
        answers.learn("facilities-2")  # the watcher saw the swap while the search ran
        return b"old"

    assert asyncio.run(answers.answer("a", compute)) == b"old"
    assert len(answers) == 0


def test_after_a_swap_the_old_answers_stand_in_while_the_new_ones_are_read_one_at_a_time():
    clock = Clock()
    answers = cache(clock=clock, stale_s=60, refreshes_at_once=1)
    answers.put("a", "facilities-1", b"old A")
    answers.put("b", "facilities-1", b"old B")
    answers.learn("facilities-2")
    reads = []
    release = asyncio.Event()

    async def read(key):
        reads.append(key)
        await release.wait()
        return b"new " + key.encode()

    async def scenario():
        assert await answers.answer("a", lambda: read("a")) == b"old A"
        assert await answers.answer("b", lambda: read("b")) == b"old B"  # one read at a time: b waits
        unanswered = asyncio.create_task(answers.answer("c", lambda: read("c")))  # never answered: read now
        await asyncio.sleep(0)
        assert reads == ["a", "c"]
        release.set()
        assert await unanswered == b"new c"
        await asyncio.sleep(0.01)
        assert await answers.answer("a", lambda: read("a")) == b"new a"
        assert await answers.answer("b", lambda: read("b")) == b"old B"  # now read in the background
        await asyncio.sleep(0.01)
        assert await answers.answer("b", lambda: read("b")) == b"new b"
        assert await answers.answer("x", lambda: read("x"), fresh=True) == b"new x"

    asyncio.run(scenario())


def test_the_old_answers_stand_in_only_a_while_and_never_through_an_outage():
    clock = Clock()
    answers = cache(clock=clock, stale_s=60)

    async def never():
        raise RuntimeError("Elasticsearch is slow")

    async def scenario():
        answers.put("a", "facilities-1", b"old A")
        answers.learn("facilities-2")
        clock.now = 59
        assert await answers.answer("a", never) == b"old A"  # a failed background read leaves it standing
        await asyncio.sleep(0.01)
        assert await answers.answer("a", never) == b"old A"
        clock.now = 60
        with pytest.raises(RuntimeError):
            await answers.answer("a", never)
        answers.put("b", "facilities-2", b"B")
        answers.learn(None)  # the alias cannot be read: nothing stands in
        answers.learn("facilities-3")
        with pytest.raises(RuntimeError):
            await answers.answer("b", never)

    asyncio.run(scenario())


class Aliases:
    """Stands in for the client: get_alias answers from `steps`, one per call, the last repeated."""

    def __init__(self, *steps):
        self.steps = list(steps)
        self.indices = self

    async def get_alias(self, name: str):
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, Exception):
            raise step
        return type("Response", (), {"body": {index: {"aliases": {name: {}}} for index in step}})


def test_follow_learns_each_generation_and_forgets_on_failure_and_stop():
    answers = AnswerCache(check_every_s=0.01)
    missing = NotFoundError("alias [facilities] missing", meta=None, body={})
    client = Aliases(["facilities-1"], ["facilities-1"], missing, ["facilities-2"])
    seen = []

    async def scenario():
        task = asyncio.create_task(answers.follow(client, "facilities"))
        for _ in range(6):
            await asyncio.sleep(0.01)
            seen.append(answers.generation)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert list(dict.fromkeys(seen)) == ["facilities-1", None, "facilities-2"]
    assert answers.generation is None  # stopped: nothing kept unwatched


def test_two_ways_of_asking_one_search_share_a_key():
    def key(**given) -> tuple:
        asked = {"lat": None, "lon": None, "zip": None, "place": None, "radius_mi": 25.0, "q": None,
                 "filters": {}, "match_all": frozenset(), "sort": None, "size": 20, "page": 1, "cursor": None}
        return search_key(SearchParams(**(asked | given)).search()[0])

    near = key(zip="22902", filters={"level": ("iop", "php"), "payment": ("medicaid",)})
    assert near == key(zip="22902", filters={"payment": ("medicaid",), "level": ("php", "iop")},
                       match_all=frozenset({"payment"}))  # AND of one value is its OR
    assert near != key(zip="22902", filters={"level": ("iop", "php"), "payment": ("medicaid",)},
                       match_all=frozenset({"level"}))
    assert near != key(zip="22902", radius_mi=10, filters={"level": ("iop", "php"), "payment": ("medicaid",)})
    assert near != key(zip="22902", page=2, filters={"level": ("iop", "php"), "payment": ("medicaid",)})
    assert key(filters={"state": ("VT",)}) == key(filters={"state": ("VT",)}, radius_mi=50)  # no point: no radius
    assert key(q="Region  Ten ") == key(q="Region Ten") != key(q="Region Tan")


def test_a_results_services_and_notices_are_the_declared_tests():
    rng = random.Random(5)
    tests = {**SERVICES, **NOTICES}
    codes = sorted({code for test in tests.values() if test.field == "service_codes" for code in test.any_of})
    lists = {test.field: sorted(test.any_of) for test in tests.values()
             if test.field != "service_codes" and not isinstance(test.value, bool)}
    for _ in range(300):
        source = {"service_codes": rng.sample(codes + ["OIT", "ORT", "XYZ"], rng.randint(0, 12))}
        source |= {field: rng.sample(values + ["other"], rng.randint(0, len(values))) for field, values in lists.items()}
        source |= {field: rng.choice([True, False, None]) for field in ("co_occurring", "telehealth")}
        if rng.random() < 0.7:
            source["site"] = {"evening": rng.choice([True, False, None]), "weekend": rng.choice([True, None])}
        assert passed(source) == {name for name, test in tests.items() if has_service(source, test)}, source


def replay_doubled(name: str) -> Replay:
    """A scenario's recorded calls, each allowed twice (answered with a copy each time: the API
    changes the answers it is given)."""
    recorded = (RECORDED / f"{name}.json").read_text()
    return Replay([exchange for _ in range(2) for exchange in json.loads(recorded)["exchanges"]])


@contextmanager
def cached_offline(replay: Replay, alias: str = defaults.INDEX_ALIAS):
    """The API, Elasticsearch answering from `replay`. The app's own watcher follows the cache the app
    made (and finds no Elasticsearch); the routes get one whose generation only the test sets."""
    with api(replay, alias) as client:
        client.app.state.answers = cache()
        yield client


def test_a_search_asked_again_another_way_is_answered_from_the_cache():
    scenario = SCENARIOS["search_near_zip"]
    replay = replay_doubled("search_near_zip")
    with cached_offline(replay) as client:
        first = client.get(scenario.path, params=scenario.params)
        calls = len(replay.exchanges)
        again = client.get(scenario.path, params={**scenario.params, "level": ["iop", "iop"], "sort": "distance",
                                                  "page": 1, "radius_mi": "10.0", "lang": "en"})
        assert first.status_code == again.status_code == 200 and len(replay.exchanges) == calls
        assert {k: v for k, v in again.json().items() if k != "query"} == \
            {k: v for k, v in first.json().items() if k != "query"}
        assert again.json()["query"]["sort"] == "distance" and again.headers["content-language"] == "en"
        spanish = client.get(scenario.path, params={**scenario.params, "lang": "es"})  # another answer
        assert spanish.status_code == 200 and not replay.exchanges
        assert spanish.headers["content-language"] == "es"
        assert spanish.json()["facets"]["payment"]["label"] != first.json()["facets"]["payment"]["label"]


def test_cache_control_no_cache_asks_elasticsearch():
    scenario = SCENARIOS["search_near_zip"]
    replay = replay_doubled("search_near_zip")
    with cached_offline(replay) as client:
        first = client.get(scenario.path, params=scenario.params)
        fresh = client.get(scenario.path, params=scenario.params, headers={"Cache-Control": "no-cache"})
        assert not replay.exchanges and fresh.json() == first.json()
        assert client.get(scenario.path, params=scenario.params).json() == first.json()  # kept: no call left


@pytest.mark.parametrize("name, status", [("search_without_index", 503), ("ndjson_in_state", 200)])
def test_failures_and_exports_are_never_answered_from_the_cache(name, status):
    scenario = SCENARIOS[name]
    replay = replay_doubled(name)
    with cached_offline(replay, scenario.alias) as client:
        assert [client.get(scenario.path, params=scenario.params).status_code for _ in range(2)] == [status] * 2
        assert not replay.exchanges and len(client.app.state.answers) == 0


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{what} not within {seconds} s"
        time.sleep(0.05)
    return found


def va_facilities(client: TestClient) -> int:
    return next(s["facilities"] for s in client.get("/v1/states").json()["states"] if s["code"] == "VA")


def test_after_an_alias_swap_the_new_index_answers(es: Elasticsearch, es_url: str, alias: str):
    """Against a real node: within one alias check of the swap, the old index's answers only stand in
    while the new index's are read, and are soon replaced."""
    first = build(es, iter([make_facility(name=f"Program {n}") for n in range(3)]), Tally(), BuildOptions(alias=alias))
    app = create_app(ApiSettings(elasticsearch=Access((es_url,)), alias=alias))
    search = {"zip": "22902", "level": "iop"}
    with TestClient(app) as client:
        answers: AnswerCache = app.state.answers
        wait_for(lambda: answers.generation == first.index, 5, "the first index")
        assert client.get("/v1/facilities", params=search).json()["total"] == 3 and va_facilities(client) == 3
        assert len(answers) == 2
        assert client.get("/v1/facilities", params=search).json()["total"] == 3 and va_facilities(client) == 3

        records = [make_facility(name=f"Program {n}") for n in range(5)]
        second = build(es, iter(records + [make_facility(name="Harbor House", city="Roanoke", zip_code="24016")]),
                       Tally(), BuildOptions(alias=alias))
        wait_for(lambda: client.get("/v1/facilities", params=search).json()["total"] == 6,
                 defaults.ANSWER_CACHE_CHECK_S + 2, "the new index's answer")
        wait_for(lambda: va_facilities(client) == 6, 2, "the new index's state counts")
        assert answers.generation == second.index
        scraped = client.get("/metrics").text
    hits = [line for line in scraped.splitlines()
            if line.startswith("iopfinder_api_cache_lookups_total") and '"hit"' in line]
    assert hits and float(hits[0].rsplit(" ", 1)[1]) >= 2, scraped
