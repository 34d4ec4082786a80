"""`iopfinder es`: the local Elasticsearch node."""

import socket

import typer

from iopfinder.cluster import local_node, url_in_use
from iopfinder.console import console, fail, settings
from iopfinder.elasticsearch_node import NodeError, NodeSettings, health, install

app = typer.Typer(help="Run a local Elasticsearch node for development and tests.", no_args_is_help=True)


@app.command("start")
def es_start() -> None:
    """Start the local node (fetching Elasticsearch on first use) and print its URL."""
    node_settings = settings(NodeSettings)
    if node_settings.external_url:
        console.print(f"ELASTICSEARCH_URL is set: using {node_settings.external_url}, starting nothing")
        print(node_settings.external_url)
        return
    node = local_node(node_settings)
    node.workdir.mkdir(parents=True, exist_ok=True)
    port = 9200 if _port_free(9200) else None
    try:
        url = node.start(port=port, say=console.print)
    except NodeError as error:
        fail(str(error))
    console.print(f"Elasticsearch {node_settings.version} is up")
    print(url)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


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
    """Stop the local node started by `iopfinder es start`."""
    console.print("stopped" if local_node(settings(NodeSettings)).stop() else "no local node was running")


@app.command("status")
def es_status() -> None:
    """Say whether Elasticsearch is up (exit 1 when not)."""
    url = url_in_use()
    status = health(url) if url else None
    if status is None:
        print("Elasticsearch is not running")
        raise typer.Exit(1)
    print(f"Elasticsearch is up at {url} (cluster health {status})")


@app.command("url")
def es_url() -> None:
    """Print the URL of the Elasticsearch in use (exit 1 when none)."""
    url = url_in_use()
    if not url:
        console.print("Elasticsearch is not running")
        raise typer.Exit(1)
    print(url)
