"""`iopfinder serve`: the search API (and, for the demo, a built site)."""

import logging
from pathlib import Path
from typing import Annotated

import typer

from facility.settings import SettingsError
from iopfinder.cluster import elasticsearch_access
from iopfinder.console import console, fail


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    site: Annotated[Path | None, typer.Option(help="also serve this built site at / (for the demo)")] = None,
) -> None:
    """Run the search API against ELASTICSEARCH_URL or the local node."""
    import uvicorn

    from search_api.logs import log_handler
    from search_api.main import create_app
    from search_api.settings import ApiSettings

    try:
        settings = ApiSettings.from_env(elasticsearch=elasticsearch_access("search"))
    except SettingsError as error:
        fail(str(error))
    logging.basicConfig(level=logging.INFO, handlers=[log_handler(settings.log_format)])
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)
    if site and not (site / "index.html").is_file():
        fail(f"{site}: no built site here (run `iopfinder site build --out {site}`)")
    api = create_app(settings, site)
    where = (f"IOP Finder: open http://{host}:{port}/ (API under /v1, OpenAPI: /openapi.json)" if site
             else f"IOP Finder API on http://{host}:{port}/v1/facilities (OpenAPI: /openapi.json)")
    if settings.log_format == "json":  # every line the process writes is then a log record, this one too
        logging.getLogger("iopfinder").info(where)
    else:
        console.print(where)
    # uvicorn's own access log would record client addresses; the app logs requests itself.
    # log_config=None: uvicorn's lines go through the handler above, in the same format.
    uvicorn.run(api, host=host, port=port, access_log=False, proxy_headers=False, log_config=None)
