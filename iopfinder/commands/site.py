"""`iopfinder site`: the static site, rendered from the index."""

from pathlib import Path
from typing import Annotated

import typer

from facility import defaults
from iopfinder.cluster import elasticsearch_client
from iopfinder.console import fail, progress_bar, settings
from iopfinder.settings import JobSettings

app = typer.Typer(help="Build the static site.", no_args_is_help=True)


@app.command("build")
def site_build(
    out: Annotated[Path, typer.Option("--out", help="directory to write the site into (replaced whole)")],
    api_url: Annotated[str, typer.Option(help="the search API's base URL as the browser reaches it "
                                                "(empty: the site's own origin)")] = "",
    base_url: Annotated[str, typer.Option(help="the site's public address, for canonical links and the sitemap")]
    = "http://127.0.0.1:8000",
    alias: Annotated[str, typer.Option(help="the alias to read facilities from")] = defaults.INDEX_ALIAS,
) -> None:
    """Render the static site from the index."""
    from elastic_transport import ConnectionError as TransportConnectionError
    from elasticsearch import ApiError

    from iopfinder.job_stats import job_run
    from sitegen.build import CHECKOUT_SITE_DIR, build_site
    from sitegen.data import iop_facilities

    site_dir = settings(JobSettings).site_dir or CHECKOUT_SITE_DIR
    # The site is rendered whole or not at all: a page that fails stops the build, the old site stays.
    with job_run("site build", out, defaults.SITE_BUILD_MAX_FAILURE_SHARE, "pages") as job:
        client = elasticsearch_client()
        try:
            facilities = list(iop_facilities(client, alias))
        except (TransportConnectionError, ApiError) as error:
            job.errors[type(error).__name__] += 1
            fail(f"cannot read facilities from {alias!r}: {error}")
        if not facilities:
            fail(f"alias {alias!r} holds no IOP facilities: build the index first")
        job.tally.read = len(facilities)
        with progress_bar("rendering pages", None) as bar:
            def advance(pages: int = 1) -> None:
                job.tally.written += pages
                bar(pages)

            try:
                summary = build_site(facilities, out, api_url, base_url, advance, site_dir)
            except Exception:
                job.failed, job.attempted = 1, job.tally.written + 1  # the page it stopped at
                raise
        job.failed, job.attempted = 0, summary.pages
        job.summary(f"Built the site in {out}", {
            "languages": summary.languages, "states": summary.states, "cities": summary.cities,
            "facilities": summary.facilities,
            "seconds": round(summary.seconds, 1), "pages per second": round(summary.pages / summary.seconds)})
