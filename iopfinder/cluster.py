"""The Elasticsearch the commands use: ELASTICSEARCH_URL when set, else the local node's."""

from typing import TYPE_CHECKING

from facility import defaults
from iopfinder.console import fail, settings
from iopfinder.elasticsearch_node import LocalNode, NodeSettings

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


def local_node(node_settings: NodeSettings) -> LocalNode:
    return LocalNode(node_settings, node_settings.default_workdir)


def url_in_use() -> str | None:
    node_settings = settings(NodeSettings)
    return node_settings.external_url or local_node(node_settings).url


def elasticsearch_url() -> str:
    url = url_in_use()
    if not url:
        fail("Elasticsearch is not running: start it with `iopfinder es start` or set ELASTICSEARCH_URL")
    return url


def elasticsearch_client() -> "Elasticsearch":
    """A client of a cluster that answers; ends the command with an error when none does."""
    from elastic_transport import ConnectionError as TransportConnectionError
    from elasticsearch import ApiError, Elasticsearch

    url = elasticsearch_url()
    client = Elasticsearch(url, request_timeout=defaults.ELASTICSEARCH_REQUEST_TIMEOUT_S)
    try:
        client.cluster.health()
    except (TransportConnectionError, ApiError) as error:
        fail(f"Elasticsearch at {url} is unreachable ({error.__class__.__name__})")
    return client
