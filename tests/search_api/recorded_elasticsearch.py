"""Elasticsearch's answers, recorded once from a real node and replayed to the API in route tests.

A scenario is one request to the API and its exchanges with Elasticsearch: each call the API made
(method and arguments) and what came back (a body, or an error's status and body). `Replay`
answers the API from them and fails on any call that differs from the recorded one; when the
query builders change, record again against a node holding the 2022 directory under the alias
`facilities` (as `make demo` leaves it):

    ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python -m tests.search_api.recorded_elasticsearch
"""

import json
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig, ObjectApiResponse
from elasticsearch import ApiError, AsyncElasticsearch
from elasticsearch.exceptions import HTTP_EXCEPTIONS
from fastapi import Request
from fastapi.testclient import TestClient
from httpx import Response

from facility import defaults
from facility.elasticsearch_access import Access
from search_api.deps import get_client
from search_api.main import create_app
from search_api.settings import ApiSettings

RECORDED = Path(__file__).parent / "recorded"
MISSING_ALIAS = "no-such-alias"


@dataclass(frozen=True)
class Scenario:
    path: str
    params: dict = field(default_factory=dict)
    alias: str = defaults.INDEX_ALIAS


# Kept small: few hits, a radius with few facilities.
SCENARIOS = {
    "search_near_zip": Scenario("/v1/facilities", {"zip": "22902", "radius_mi": 10, "level": "iop", "size": 1,
                                                   "facets": "true"}),
    "search_text_in_state": Scenario("/v1/facilities", {"q": "Region Ten", "state": "VA", "size": 1,
                                                        "facets": "true"}),
    "search_by_therapy": Scenario("/v1/facilities", {"therapy": "trauma_counseling", "state": "VT", "size": 1,
                                                     "facets": "true"}),
    "search_place": Scenario("/v1/facilities", {"place": "Charlottesvile, VA", "level": "iop", "size": 1}),
    "search_codes_all": Scenario("/v1/facilities", {"code": ["OIT", "ODT"], "match_all": "code", "state": "VT",
                                                    "size": 1, "facets": "true"}),
    "csv_near_zip": Scenario("/v1/facilities.csv", {"zip": "22902", "radius_mi": 5, "level": "iop"}),
    "ndjson_in_state": Scenario("/v1/facilities.ndjson", {"state": "VT", "level": "iop", "service": "telehealth"}),
    "facility": Scenario("/v1/facilities/07f51516406bea36"),
    "facility_unknown": Scenario("/v1/facilities/0000000000000000"),
    "states": Scenario("/v1/states"),
    "ready": Scenario("/readyz"),
    "search_without_index": Scenario("/v1/facilities", alias=MISSING_ALIAS),
    "facility_without_index": Scenario("/v1/facilities/0000000000000000", alias=MISSING_ALIAS),
    "ready_without_alias": Scenario("/readyz", alias=MISSING_ALIAS),
}


class Indices:
    def __init__(self, client: "Calls"):
        self.client = client

    async def get_alias(self, **arguments):
        return await self.client.call("indices.get_alias", arguments)


class Calls:
    """The part of AsyncElasticsearch the API uses, each call going through `call`."""

    def __init__(self):
        self.indices = Indices(self)

    async def search(self, **arguments):
        return await self.call("search", arguments)

    async def get(self, **arguments):
        return await self.call("get", arguments)

    async def open_point_in_time(self, **arguments):
        return await self.call("open_point_in_time", arguments)

    async def close_point_in_time(self, **arguments):
        return await self.call("close_point_in_time", arguments)

    async def call(self, method: str, arguments: dict):
        raise NotImplementedError


def _plain(data: dict) -> dict:
    """A copy as JSON has it (tuples become lists), for the recording and comparison with it."""
    return json.loads(json.dumps(data))


def _meta(status: int) -> ApiResponseMeta:
    return ApiResponseMeta(status=status, http_version="1.1", headers=HttpHeaders(), duration=0.0,
                           node=NodeConfig("http", "127.0.0.1", 9200))


class Replay(Calls):
    def __init__(self, exchanges: list[dict]):
        super().__init__()
        self.exchanges = list(exchanges)

    async def call(self, method: str, arguments: dict):
        assert self.exchanges, f"the API made a call that was not recorded: {method}"
        exchange = self.exchanges.pop(0)
        assert (method, _plain(arguments)) == (exchange["method"], exchange["arguments"]), \
            "the API's call differs from the recording: record again (see this module's docstring)"
        if "error" in exchange:
            error = exchange["error"]
            raise HTTP_EXCEPTIONS.get(error["status"], ApiError)(
                message=error["message"], meta=_meta(error["status"]), body=error["body"])
        return ObjectApiResponse(body=exchange["body"], meta=_meta(200))


class Recorder(Calls):
    def __init__(self, client: AsyncElasticsearch, exchanges: list[dict]):
        super().__init__()
        self.client, self.exchanges = client, exchanges

    async def call(self, method: str, arguments: dict):
        exchange = {"method": method, "arguments": _plain(arguments)}
        self.exchanges.append(exchange)
        try:
            response = await attrgetter(method)(self.client)(**arguments)
        except ApiError as error:
            exchange["error"] = {"status": error.meta.status, "message": error.message, "body": error.body}
            raise
        exchange["body"] = _plain(response.body)  # a copy: the API changes the body it is given
        return response


def api(client: Calls, alias: str = defaults.INDEX_ALIAS, **settings) -> TestClient:
    """The API, its Elasticsearch client replaced by `client` (the one it makes never connects)."""
    app = create_app(ApiSettings(elasticsearch=Access(("http://127.0.0.1:9",)), alias=alias, **settings))
    app.dependency_overrides[get_client] = lambda: client
    return TestClient(app)


def replayed(name: str) -> Response:
    """The API's response to a scenario's request, Elasticsearch answering from the recording."""
    scenario = SCENARIOS[name]
    replay = Replay(json.loads((RECORDED / f"{name}.json").read_text())["exchanges"])
    with api(replay, scenario.alias) as client:
        response = client.get(scenario.path, params=scenario.params)
    assert not replay.exchanges, "the API made fewer calls than recorded"
    return response


def record_all(settings: ApiSettings) -> None:
    RECORDED.mkdir(exist_ok=True)
    for name, scenario in SCENARIOS.items():
        exchanges: list[dict] = []
        app = create_app(settings.model_copy(update={"alias": scenario.alias}))

        async def recording(request: Request) -> Recorder:  # around the client the app made
            return Recorder(request.app.state.es, exchanges)

        app.dependency_overrides[get_client] = recording
        with TestClient(app) as client:
            status = client.get(scenario.path, params=scenario.params).status_code
        recording_file = {"request": {"path": scenario.path, "params": scenario.params, "alias": scenario.alias},
                          "status": status, "exchanges": exchanges}
        (RECORDED / f"{name}.json").write_text(json.dumps(recording_file, indent=1, ensure_ascii=False) + "\n")
        print(f"{name}: {status}, {len(exchanges)} call(s)")


if __name__ == "__main__":
    record_all(ApiSettings.from_env())
