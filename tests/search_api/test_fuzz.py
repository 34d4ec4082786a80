"""Property-based requests generated from the OpenAPI schema, valid and invalid: no response may
be a 5xx. Runs against a real API server and the real 2022 index."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from facility.elasticsearch_access import Access
from search_api.main import create_app
from search_api.settings import ApiSettings
from tests.search_api.live_server import live_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def live_api(es_url, api_index):
    with live_server(create_app(ApiSettings(elasticsearch=Access((es_url,)), alias=api_index))) as url:
        yield url


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(live_api, mode):
    schema = schemathesis.openapi.from_url(f"{live_api}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 22  # 11 of our own, 11 of HSDS (search_api/routes/hsds.py)

    for operation in operations:
        parameters = operation.definition.raw.get("parameters") or []
        # Nothing to get wrong: no parameters, or only an id that may be any text (an unknown one is a 404).
        if mode == GenerationMode.NEGATIVE and all(
                p["in"] == "path" and p["schema"].keys() - {"title"} == {"type"} for p in parameters):
            continue
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def no_5xx(case):
            response = case.call(base_url=live_api)
            assert response.status_code < 500, (operation.label, case.query, case.path_parameters,
                                                response.status_code, response.text[:300])

        no_5xx()
