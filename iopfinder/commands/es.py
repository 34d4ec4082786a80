"""`iopfinder es`: the local Elasticsearch node or cluster, and the API keys of a secured cluster."""

from typing import Annotated

import typer

from iopfinder.console import console, fail, settings
from iopfinder.elasticsearch_node import NodeError, NodeSettings, health, install

app = typer.Typer(help="Run a local Elasticsearch node or cluster for development and tests.", no_args_is_help=True)


def _local_cluster():
    from iopfinder.local_cluster import LocalCluster

    return LocalCluster(settings(NodeSettings))


@app.command("start")
def es_start(nodes: Annotated[int, typer.Option(min=1, max=9, help="nodes forming one cluster on 127.0.0.1")] = 1
             ) -> None:
    """Start the local node or cluster (fetching Elasticsearch on first use) and print its URLs.

    With IOPFINDER_ES_SECURITY=1: security and TLS on, and two API keys made (search: read only;
    jobs: write), which the other commands then use."""
    node_settings = settings(NodeSettings)
    if node_settings.elasticsearch_urls:
        console.print(f"ELASTICSEARCH_URL is set: using {','.join(node_settings.elasticsearch_urls)}, starting nothing")
        print(",".join(node_settings.elasticsearch_urls))
        return
    cluster = _local_cluster()
    try:
        access = cluster.start(nodes, say=console.print)
    except NodeError as error:
        fail(str(error))
    secured = f"security on; CA certificate {access.ca_certs}" if access.ca_certs else "security off"
    console.print(f"Elasticsearch {node_settings.version} is up: {nodes} node(s), {secured}")
    print(",".join(access.urls))


@app.command("install")
def es_install() -> None:
    """Fetch and unpack the pinned Elasticsearch distribution (once)."""
    try:
        home = install(settings(NodeSettings), say=console.print)
    except NodeError as error:
        fail(str(error))
    console.print(f"Elasticsearch distribution ready in {home}")


@app.command("stop")
def es_stop() -> None:
    """Stop every local node `iopfinder es start` started."""
    stopped = _local_cluster().stop()
    console.print(f"stopped {stopped} node(s)" if stopped else "no local node was running")


@app.command("status")
def es_status() -> None:
    """One line per local node (name, pid, URL, role, state); for ELASTICSEARCH_URL, the cluster's
    health. Exits 1 when Elasticsearch is not up."""
    node_settings = settings(NodeSettings)
    access = node_settings.elasticsearch_access
    if access:
        statuses = {url: health(url, access=access) for url in access.urls}
        for url, status in statuses.items():
            print(f"{url}  {'cluster health ' + status if status else 'unreachable'}")
        if not any(statuses.values()):
            raise typer.Exit(1)
        return
    rows = _local_cluster().status()
    if not rows:
        print("Elasticsearch is not running")
        raise typer.Exit(1)
    for row in rows:
        print(f"{row.name}  pid {row.pid or '-'}  {row.url}  role {row.role}  {row.state}")
    if not any(row.state == "up" for row in rows):
        raise typer.Exit(1)


@app.command("url")
def es_url() -> None:
    """Print the URLs of the Elasticsearch in use, comma-separated (exit 1 when none)."""
    from iopfinder.cluster import access_in_use

    access = access_in_use()
    if not access:
        console.print("Elasticsearch is not running")
        raise typer.Exit(1)
    print(",".join(access.urls))


@app.command("keys")
def es_keys() -> None:
    """Make the API's read-only key and the jobs' key on the cluster at ELASTICSEARCH_URL, as the
    `elastic` user (ELASTIC_PASSWORD), and print them as lines for an env file."""
    import os

    from elasticsearch import ApiError, Elasticsearch
    from elastic_transport import TransportError

    from facility import defaults
    from iopfinder.access import create_keys

    access = settings(NodeSettings).elasticsearch_access
    password = os.environ.get("ELASTIC_PASSWORD")
    if not access or not password:
        fail("`iopfinder es keys` needs ELASTICSEARCH_URL and ELASTIC_PASSWORD (and ELASTICSEARCH_CA_CERTS for https)")
    options = access.client_options() | {"basic_auth": ("elastic", password)}
    options.pop("api_key", None)
    try:
        with Elasticsearch(**options) as admin:
            keys = create_keys(admin, defaults.INDEX_ALIAS)
    except (ApiError, TransportError) as error:
        fail(f"could not create the keys: {error}")
    print(f"IOPFINDER_SEARCH_API_KEY={keys['search']}")
    print(f"IOPFINDER_JOBS_API_KEY={keys['jobs']}")
