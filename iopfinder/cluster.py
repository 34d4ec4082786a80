"""The Elasticsearch the commands use: ELASTICSEARCH_URL (with its key and CA) when set, else the
local node or cluster `iopfinder es start` runs."""

from typing import TYPE_CHECKING

from facility import defaults
from facility.elasticsearch_access import Access
from iopfinder.console import fail, settings
from iopfinder.elasticsearch_node import NodeSettings
from iopfinder.local_cluster import LocalCluster

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


def access_in_use(purpose: str = "jobs") -> Access | None:
    """`purpose` is "jobs" or "search": which of a secured local cluster's keys to use."""
    node_settings = settings(NodeSettings)
    return node_settings.elasticsearch_access or LocalCluster(node_settings).access(purpose)


def elasticsearch_access(purpose: str = "jobs") -> Access:
    access = access_in_use(purpose)
    if not access:
        fail("Elasticsearch is not running: start it with `iopfinder es start` or set ELASTICSEARCH_URL")
    return access


def elasticsearch_client() -> "Elasticsearch":
    """A client of a cluster that answers (failing over between its nodes); ends the command with an
    error when none does."""
    from elastic_transport import ConnectionError as TransportConnectionError
    from elasticsearch import ApiError, Elasticsearch

    access = elasticsearch_access()
    client = Elasticsearch(**access.client_options(), request_timeout=defaults.ELASTICSEARCH_REQUEST_TIMEOUT_S,
                           retry_on_timeout=True, max_retries=len(access.urls))
    try:
        client.cluster.health()
    except (TransportConnectionError, ApiError) as error:
        fail(f"Elasticsearch at {', '.join(access.urls)} is unreachable ({error.__class__.__name__})")
    return client
