"""A secured local cluster: TLS on HTTP, and the search API's credentials can read and nothing else."""

import shutil
import tempfile
from pathlib import Path

import pytest
from elasticsearch import AuthorizationException, Elasticsearch
from fastapi.testclient import TestClient

from facility.tally import Tally
from indexer.build import BuildOptions, build
from iopfinder.access import key_roles
from iopfinder.elasticsearch_node import NodeSettings, health
from iopfinder.local_cluster import LocalCluster
from search_api.main import create_app
from search_api.settings import ApiSettings
from tests.facility.factories import make_facility

pytestmark = pytest.mark.integration
ALIAS = "facilities"


@pytest.fixture(scope="module")
def secured():
    root = Path(tempfile.mkdtemp(prefix="iopfinder-test-secured-"))
    root.chmod(0o755)  # the nodes' unprivileged user must reach its node directories
    cluster = LocalCluster(NodeSettings(security=True), root / "cluster")
    try:
        cluster.start(1, say=lambda message: None)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def client(cluster: LocalCluster, purpose: str) -> Elasticsearch:
    return Elasticsearch(**cluster.access(purpose).client_options())


def test_the_node_speaks_tls_only_and_asks_for_credentials(secured):
    access = secured.access("search")
    assert all(url.startswith("https://127.0.0.1:") for url in access.urls)
    assert health(access.urls[0].replace("https://", "http://")) is None  # no plain HTTP
    assert health(access.urls[0], access=access.__class__(access.urls, ca_certs=access.ca_certs)) is None  # no anonymous
    assert health(access.urls[0], access=secured.access("admin")) in ("green", "yellow")


def test_jobs_build_and_the_api_searches_with_read_only_credentials(secured):
    with client(secured, "jobs") as jobs:
        build(jobs, iter([make_facility(name=f"Program {n}") for n in range(5)]), Tally(), BuildOptions(alias=ALIAS))
    settings = ApiSettings(elasticsearch=secured.access("search"), alias=ALIAS)
    with TestClient(create_app(settings)) as api:
        assert api.get("/v1/facilities", params={"zip": "22902"}).json()["total"] == 5
        assert api.get("/readyz").status_code == 200


@pytest.mark.parametrize("attempt", [
    lambda es, index: es.index(index=index, document={"name": "x"}),
    lambda es, index: es.indices.create(index=f"{ALIAS}-made-by-search"),
    lambda es, index: es.indices.delete(index=index),
    lambda es, index: es.delete(index=index, id="0000000000000000"),
    lambda es, index: es.indices.update_aliases(actions=[{"remove": {"index": index, "alias": ALIAS}}]),
    lambda es, index: es.cluster.put_settings(persistent={"cluster.routing.allocation.enable": "all"}),
    lambda es, index: es.search(index="other"),
], ids=["index a document", "create an index", "delete the index", "delete a document", "move the alias",
        "change cluster settings", "read another index"])
def test_the_search_credentials_get_403_on_anything_but_reading(secured, attempt):
    with client(secured, "jobs") as jobs:
        if not jobs.indices.exists_alias(name=ALIAS):
            build(jobs, iter([make_facility()]), Tally(), BuildOptions(alias=ALIAS))
        index = next(iter(jobs.indices.get_alias(name=ALIAS)))
        before = jobs.count(index=ALIAS)["count"]
    with client(secured, "search") as search, pytest.raises(AuthorizationException) as refused:
        attempt(search, index)
    assert refused.value.meta.status == 403
    with client(secured, "jobs") as jobs:
        assert jobs.count(index=ALIAS)["count"] == before
        assert next(iter(jobs.indices.get_alias(name=ALIAS))) == index


def test_the_search_role_is_the_one_api_keys_carry():
    roles = key_roles(ALIAS)
    assert roles["search"] == {"indices": [{"names": [ALIAS, f"{ALIAS}-*"],
                                            "privileges": ["read", "view_index_metadata", "monitor"]}]}
    assert "cluster" not in roles["search"]
