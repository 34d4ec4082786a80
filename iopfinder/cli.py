"""The `iopfinder` command: wires the parts together; each subcommand's work lives in its package."""

import logging
import socket
import sys
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from elastic_transport import ConnectionError as TransportConnectionError
from elasticsearch import ApiError, Elasticsearch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scrapy.crawler import CrawlerProcess

from crawler.findtreatment.spider import FindTreatmentSpider
from crawler.importers import SourceFileError
from crawler.importers.locator_coords import LocatorCoordinates
from crawler.importers.samhsa_directory import Directory, import_directory, parse_edition
from crawler.settings import crawl_settings
from crawler.websites.listed import listed_facilities
from crawler.websites.match import FacilityMatcher
from crawler.websites.pipeline import unmatched_path
from crawler.websites.spider import FacilitySiteSpider
from facility import defaults
from facility.geo import zip_point
from facility.model import Enrichment
from facility.staging import StagedWriter
from facility.states import STATE_FIPS
from facility.tally import Tally
from indexer import BuildError
from indexer.build import BuildOptions, build, rollback
from indexer.records import check_inputs, read_records
from iopfinder.elasticsearch_node import LocalNode, NodeError, NodeSettings, health, install
from search_api.main import create_app
from search_api.settings import ApiSettings
from sitegen.build import build_site
from sitegen.data import iop_facilities

app = typer.Typer(help="IOP Finder: a directory and search service for intensive outpatient programs.",
                  no_args_is_help=True, add_completion=False)
es_app = typer.Typer(help="Run a local Elasticsearch node for development and tests.", no_args_is_help=True)
import_app = typer.Typer(help="Import official source files into staged Facility records.", no_args_is_help=True)
site_app = typer.Typer(help="Build the static site.", no_args_is_help=True)
crawl_app = typer.Typer(help="Crawl live sources into staged Facility records.", no_args_is_help=True)
data_app = typer.Typer(help="Fetch the official source files, checked against pinned checksums.", no_args_is_help=True)
app.add_typer(es_app, name="es")
app.add_typer(crawl_app, name="crawl")
app.add_typer(import_app, name="import")
app.add_typer(site_app, name="site")
app.add_typer(data_app, name="data")
console = Console(stderr=True)


def report_error(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)  # one line, however long


def fail(message: str) -> None:
    report_error(message)
    raise typer.Exit(1)


def _node() -> LocalNode:
    settings = NodeSettings.from_env()
    return LocalNode(settings, settings.default_workdir)


def elasticsearch_url() -> str:
    settings = NodeSettings.from_env()
    url = settings.external_url or _node().url
    if not url:
        fail("Elasticsearch is not running: start it with `iopfinder es start` or set ELASTICSEARCH_URL")
    return url


def elasticsearch_client() -> Elasticsearch:
    url = elasticsearch_url()
    client = Elasticsearch(url, request_timeout=defaults.ELASTICSEARCH_REQUEST_TIMEOUT_S)
    try:
        client.cluster.health()
    except (TransportConnectionError, ApiError) as error:
        fail(f"Elasticsearch at {url} is unreachable ({error.__class__.__name__})")
    return client


@es_app.command("start")
def es_start() -> None:
    """Start the local node (fetching Elasticsearch on first use) and print its URL."""
    settings = NodeSettings.from_env()
    if settings.external_url:
        console.print(f"ELASTICSEARCH_URL is set: using {settings.external_url}, starting nothing")
        print(settings.external_url)
        return
    node = _node()
    node.workdir.mkdir(parents=True, exist_ok=True)
    port = 9200 if _port_free(9200) else None
    try:
        url = node.start(port=port, say=console.print)
    except NodeError as error:
        fail(str(error))
    console.print(f"Elasticsearch {settings.version} is up")
    print(url)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@es_app.command("install")
def es_install() -> None:
    """Fetch and unpack the pinned Elasticsearch distribution (once)."""
    try:
        home = install(NodeSettings.from_env(), say=console.print)
    except NodeError as error:
        fail(str(error))
    console.print(f"Elasticsearch distribution ready in {home}")


@es_app.command("stop")
def es_stop() -> None:
    """Stop the local node started by `iopfinder es start`."""
    console.print("stopped" if _node().stop() else "no local node was running")


@es_app.command("status")
def es_status() -> None:
    """Say whether Elasticsearch is up (exit 1 when not)."""
    url = NodeSettings.from_env().external_url or _node().url
    status = health(url) if url else None
    if status is None:
        print("Elasticsearch is not running")
        raise typer.Exit(1)
    print(f"Elasticsearch is up at {url} (cluster health {status})")


@es_app.command("url")
def es_url() -> None:
    """Print the URL of the Elasticsearch in use (exit 1 when none)."""
    url = NodeSettings.from_env().external_url or _node().url
    if not url:
        console.print("Elasticsearch is not running")
        raise typer.Exit(1)
    print(url)


@contextmanager
def progress_bar(description: str, total: int | None):
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=not sys.stderr.isatty()) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def print_summary(title: str, tally: Tally, extra: dict[str, object] | None = None) -> None:
    console.print(title, highlight=False)
    table = Table(show_header=False)
    table.add_row("read", f"{tally.read:,}")
    table.add_row("written", f"{tally.written:,}")
    table.add_row("dropped", f"{sum(tally.dropped.values()):,}")
    for reason, count in tally.dropped.most_common():
        table.add_row(f"  dropped: {reason}", f"{count:,}")
    for what, count in sorted(tally.notes.items()):
        table.add_row(what, f"{count:,}")
    for what, value in (extra or {}).items():
        table.add_row(what, str(value))
    console.print(table)


@import_app.command("samhsa-directory")
def import_samhsa_directory(
    xlsx: Annotated[Path, typer.Argument(help="SAMHSA National Directory workbook (.xlsx)")],
    out: Annotated[Path, typer.Option("--out", help="staged Facility records (JSON Lines)")],
    coords: Annotated[Path | None, typer.Option(help="SAMHSA locator export CSV with coordinates")] = None,
    edition: Annotated[str | None, typer.Option(
        help="the edition's year, when the file name holds none (e.g. 2023)")] = None,
) -> None:
    """Import SAMHSA's National Directory into staged Facility records."""
    tally = Tally()
    try:
        year = parse_edition(edition) if edition is not None else None
    except ValueError as error:
        fail(f"--edition: {error}")
    try:
        directory = Directory(xlsx, year)
        locator = LocatorCoordinates.from_csv(coords, tally) if coords else None
    except SourceFileError as error:
        fail(str(error))
    levels: Counter[str] = Counter()
    with StagedWriter(out, tally) as staged, progress_bar("importing rows", None) as advance:
        for record in import_directory(directory, datetime.now(timezone.utc), tally, locator):
            staged.write(record)
            levels.update(record.levels_of_care)
            advance()
    survey = directory.survey
    print_summary(f"Imported {xlsx.name} → {out}", tally, {
        "records with level iop": f"{levels.get('iop', 0):,}",
        "edition": f"{directory.edition} (survey of {survey.year})",
        "as of": f"{survey.reference_date}" + ("" if survey.confirmed else " (date not confirmed)")})


@data_app.command("fetch")
def data_fetch(
    edition: Annotated[int | None, typer.Option(help="the National Directory's edition (default: the newest pinned)")]
    = None,
    base_url: Annotated[str | None, typer.Option(
        help="fetch every file from this URL + the file's URL path instead of from its publisher")] = None,
    dest: Annotated[Path | None, typer.Option(help="folder to store the files in (default: the cache's data/)")]
    = None,
) -> None:
    """Download the official source files into the cache, check each against its pinned SHA-256, print the folder."""
    from iopfinder import data_files  # imported on use: no other command needs it

    try:
        files = data_files.catalogue(edition)
    except data_files.DataFileError as error:
        fail(str(error))
    dest = dest or data_files.default_dest()
    report = data_files.fetch(files, dest, base_url, console)
    console.print(f"Data files in {dest}", highlight=False)
    table = Table(show_header=False)
    table.add_row("fetched", str(len(report.fetched)))
    table.add_row("already present and verified", str(len(report.present)))
    table.add_row("failed", str(len(report.failed)))
    console.print(table)
    for message in report.failed:
        report_error(message)
    if report.failed:
        raise typer.Exit(1)
    print(dest)


def _overrides(settings: list[str] | None) -> dict:
    overrides = {}
    for pair in settings or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.isupper():
            fail(f"--set {pair!r}: expected NAME=VALUE with a Scrapy setting name")
        overrides[key] = value
    return overrides


SET_HELP = "override a Scrapy setting, NAME=VALUE (repeatable; e.g. DOWNLOAD_DELAY=0 for a local benchmark)"


def _crawl_settings(out: Path, set_: list[str] | None, **settings):
    """The project's settings, with a live progress line and a summary instead of Scrapy's log."""
    return crawl_settings(**{"LOG_LEVEL": "WARNING", "EXTENSIONS": {"crawler.progress.CrawlProgress": 500},
                             "FACILITY_OUT": str(out), **settings, **_overrides(set_)})


def run_crawl(spider, settings, title: str, **arguments) -> dict:
    """Run one spider; print the summary; return Scrapy's stats."""
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **arguments)
    process.start()
    stats = crawler.stats.get_stats()
    extracted = stats.get("item_scraped_count", 0) + stats.get("item_dropped_count", 0)
    counts = {
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("response_received_count", 0),
        "items extracted": extracted,
        "robots.txt blocked": stats.get("robotstxt/forbidden", 0),
        "repeated requests skipped": stats.get("dupefilter/filtered", 0),
    }
    tally = Tally(read=extracted, written=stats.get("records/written", 0))
    for key, value in sorted(stats.items()):
        for prefix, label in (("downloader/exception_type_count/", "download error: "),
                              ("retry/reason_count/", "retried: "),
                              ("httperror/response_ignored_status_count/", "HTTP error: "),
                              ("spider_exceptions/", "spider error: "), ("errors/", "error: "),
                              ("sites/", "sites: "), ("pages/", "pages: ")):
            if key.startswith(prefix):
                what = key[len(prefix):]
                # Exception counts are keyed by dotted class path; only the class name says anything.
                counts[label + (what.rsplit(".", 1)[-1] if prefix.endswith(("type_count/", "exceptions/")) else what)] = value
        if key.startswith("dropped/"):
            tally.dropped[key[len("dropped/"):]] = value
        elif key.startswith("notes/"):
            tally.notes[key[len("notes/"):]] = value
    print_summary(title, tally, counts)
    return stats


@crawl_app.command("findtreatment")
def crawl_findtreatment(
    out: Annotated[Path, typer.Option("--out", help="staged Facility records (JSON Lines)")],
    state: Annotated[list[str] | None, typer.Option(help="state or territory code (repeatable; default: all)")] = None,
    near: Annotated[str | None, typer.Option(help="a ZIP code: search around it instead of by state")] = None,
    radius_mi: Annotated[float, typer.Option(min=1, max=500, help="with --near: miles around the ZIP")] = 25,
    codes: Annotated[str, typer.Option(help="comma-joined SAMHSA codes a facility must have")] = "OIT",
    base_url: Annotated[str, typer.Option(help="the locator's listing endpoint")] = defaults.FINDTREATMENT_URL,
    page_size: Annotated[int, typer.Option(min=1, max=1000, help="rows per listing page")]
    = defaults.FINDTREATMENT_PAGE_SIZE,
    set_: Annotated[list[str] | None, typer.Option("--set", help=SET_HELP)] = None,
) -> None:
    """Crawl SAMHSA's FindTreatment locator, politely (robots.txt, 1 request/s, retries, cache)."""
    if near and state:
        fail("--near and --state cannot be combined: the locator searches one way at a time")
    point = None
    if near:
        found = zip_point(near)
        if found is None:
            fail(f"--near {near}: not a known US ZIP code")
        point = (found.lat, found.lon)
    states = [s.upper() for s in state] if state else ([] if near else list(STATE_FIPS))
    unknown = [s for s in states if s not in STATE_FIPS]
    if unknown:
        fail(f"--state {', '.join(unknown)}: not a US state or territory code")
    where = f"{radius_mi:g} mi around {near}" if near else f"{len(states)} state(s)"
    console.print(f"Crawling FindTreatment for {where}, codes {codes} ...")
    run_crawl(FindTreatmentSpider, _crawl_settings(out, set_), f"Crawled FindTreatment → {out}",
              state=states, point=point, radius_mi=radius_mi, codes=codes, base_url=base_url, page_size=page_size)
    if not out.exists():
        fail("the crawl wrote nothing")


@crawl_app.command("sites")
def crawl_sites(
    out: Annotated[Path, typer.Option("--out", help="staged Enrichment records (JSON Lines)")],
    from_index: Annotated[bool, typer.Option("--from-index", help="crawl every website the index lists")] = False,
    urls: Annotated[Path | None, typer.Option(help="a file of website URLs, one per line")] = None,
    facilities: Annotated[Path | None, typer.Option(
        help="match sites against these staged Facility records instead of the index")] = None,
    alias: Annotated[str, typer.Option(help="the index alias to read")] = defaults.INDEX_ALIAS,
    max_pages: Annotated[int, typer.Option(min=1, help="pages read per site")] = defaults.SITE_MAX_PAGES,
    set_: Annotated[list[str] | None, typer.Option("--set", help=SET_HELP)] = None,
) -> None:
    """Crawl facility websites for schedules, insurance named, telehealth (robots.txt obeyed)."""
    if from_index == bool(urls):
        fail("give exactly one of --from-index and --urls FILE")
    if facilities:
        try:
            check_inputs([facilities])
        except BuildError as error:
            fail(str(error))
        listed_in = {"SITE_FACILITIES": str(facilities)}
    else:
        if not elasticsearch_client().indices.exists_alias(name=alias):
            fail(f"no index behind the alias {alias!r}: build one with `iopfinder index`")
        listed_in = {"SITE_FACILITIES_ALIAS": alias, "ELASTICSEARCH_URL": elasticsearch_url()}
    settings = _crawl_settings(out, set_, **listed_in)
    if urls:
        try:
            lines = urls.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            fail(f"--urls {urls}: cannot be read ({error})")
        starts = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    else:
        starts = FacilityMatcher(listed_facilities(settings, Tally())).websites
    console.print(f"Crawling {len(starts):,} website(s), at most {max_pages} pages each ...")
    stats = run_crawl(FacilitySiteSpider, settings, f"Crawled facility websites → {out}", urls=starts,
                      max_pages=max_pages)
    unmatched = sum(value for key, value in stats.items() if key.startswith("sites/unmatched"))
    if unmatched:
        console.print(f"{unmatched} site(s) matched no single listed facility: see {unmatched_path(out)}")


@app.command("index")
def index(
    files: Annotated[list[Path] | None, typer.Argument(help="staged Facility and Enrichment records (JSON Lines)")] = None,
    rollback_: Annotated[bool, typer.Option("--rollback", help="point the alias back at the previous index")] = False,
    allow_shrink: Annotated[bool, typer.Option(help="swap even if the new index is much smaller")] = False,
    alias: Annotated[str, typer.Option(help="the alias searches use")] = defaults.INDEX_ALIAS,
    shards: Annotated[int, typer.Option(envvar="IOPFINDER_INDEX_SHARDS", min=1)] = defaults.INDEX_SHARDS,
    replicas: Annotated[int, typer.Option(envvar="IOPFINDER_INDEX_REPLICAS", min=0)] = defaults.INDEX_REPLICAS,
) -> None:
    """Build a new versioned index from staged records and swap the alias to it."""
    if rollback_:
        if files:
            fail("--rollback takes no files")
        try:
            was, now = rollback(elasticsearch_client(), alias)
        except BuildError as error:
            fail(str(error))
        console.print(f"alias {alias!r} rolled back from {was} to {now}")
        return
    files = files or []
    tally = Tally()
    try:
        check_inputs(files)
        client = elasticsearch_client()
        enrichments: list[Enrichment] = []
        with progress_bar("indexing facilities", None) as advance:
            result = build(client, read_records(files, tally, enrichments), tally,
                           BuildOptions(alias=alias, shards=shards, replicas=replicas,
                                        allow_shrink=allow_shrink), advance, enrichments)
    except BuildError as error:
        print_summary("Index build failed; the live alias is unchanged", tally)
        fail(str(error))
    except (TransportConnectionError, ApiError) as error:
        fail(f"Elasticsearch failed during the build ({error}); the live alias is unchanged")
    print_summary(f"Built {result.index}; alias {alias!r} now points at it", tally, {
        "previous index (kept for --rollback)": result.previous or "none",
        "older indices pruned": len(result.pruned),
    })


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    site: Annotated[Path | None, typer.Option(help="also serve this built site at / (for the demo)")] = None,
) -> None:
    """Run the search API against ELASTICSEARCH_URL or the local node."""
    settings = ApiSettings.from_env(elasticsearch_url())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)
    if site and not (site / "index.html").is_file():
        fail(f"{site}: no built site here (run `iopfinder site build --out {site}`)")
    api = create_app(settings, site)
    if site:
        console.print(f"IOP Finder: open http://{host}:{port}/ (API under /v1, OpenAPI: /openapi.json)")
    else:
        console.print(f"IOP Finder API on http://{host}:{port}/v1/facilities (OpenAPI: /openapi.json)")
    # uvicorn's own access log would record client addresses; the app logs requests itself.
    uvicorn.run(api, host=host, port=port, access_log=False, proxy_headers=False)


@site_app.command("build")
def site_build(
    out: Annotated[Path, typer.Option("--out", help="directory to write the site into (replaced whole)")],
    api_url: Annotated[str, typer.Option(help="the search API's base URL as the browser reaches it "
                                                "(empty: the site's own origin)")] = "",
    base_url: Annotated[str, typer.Option(help="the site's public address, for canonical links and the sitemap")]
    = "http://127.0.0.1:8000",
    alias: Annotated[str, typer.Option(help="the alias to read facilities from")] = defaults.INDEX_ALIAS,
) -> None:
    """Render the static site from the index."""
    client = elasticsearch_client()
    try:
        facilities = list(iop_facilities(client, alias))
    except (TransportConnectionError, ApiError) as error:
        fail(f"cannot read facilities from {alias!r}: {error}")
    if not facilities:
        fail(f"alias {alias!r} holds no IOP facilities: build the index first")
    with progress_bar("rendering pages", None) as advance:
        summary = build_site(facilities, out, api_url, base_url, advance)
    tally = Tally(read=summary.facilities, written=summary.pages)
    print_summary(f"Built the site in {out}", tally, {
        "states": summary.states, "cities": summary.cities, "facility pages": summary.facilities,
        "seconds": f"{summary.seconds:.1f}", "pages per second": f"{summary.pages / summary.seconds:,.0f}"})


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
