import pytest
from fastapi.testclient import TestClient

from facility.elasticsearch_access import Access
from search_api.main import create_app
from search_api.settings import ApiSettings


@pytest.fixture(scope="session")
def api(es_url, api_index) -> TestClient:
    with TestClient(create_app(ApiSettings(elasticsearch=Access((es_url,)), alias=api_index))) as client:
        yield client
