import json

import pytest
from fastapi.testclient import TestClient

from facility.tally import Tally
from indexer.build import BuildOptions, build
from indexer.records import read_records
from search_api.app import create_app
from search_api.settings import ApiSettings

API_ALIAS = "test-api-2022"


@pytest.fixture(scope="session")
def records_2022(imported_2022) -> list[dict]:
    with open(imported_2022[0]) as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="session")
def api_index(es, imported_2022) -> str:
    """The real 2022 directory indexed once behind an alias of the API tests' own."""
    tally = Tally()
    result = build(es, read_records([imported_2022[0]], tally), tally,
                   BuildOptions(alias=API_ALIAS, allow_shrink=True))
    yield API_ALIAS
    for index in es.indices.get(index=f"{API_ALIAS}-*"):
        es.indices.delete(index=index)
    assert result.documents == 12_175


@pytest.fixture(scope="session")
def api(es_url, api_index) -> TestClient:
    with TestClient(create_app(ApiSettings(elasticsearch_url=es_url, alias=api_index))) as client:
        yield client
