"""`iopfinder crawl`: live sources into staged records, through the Scrapy project in crawler/."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from facility import defaults
from iopfinder.cluster import elasticsearch_access, elasticsearch_client
from iopfinder.console import console, fail, settings
from iopfinder.settings import JobSettings

if TYPE_CHECKING:
    from iopfinder.job_stats import Job

app = typer.Typer(help="Crawl live sources into staged Facility records.", no_args_is_help=True)

SET_HELP = "override a Scrapy setting, NAME=VALUE (repeatable; e.g. DOWNLOAD_DELAY=0 for a local benchmark)"


def _overrides(settings: list[str] | None) -> dict:
    overrides = {}
    for pair in settings or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.isupper():
            fail(f"--set {pair!r}: expected NAME=VALUE with a Scrapy setting name")
        overrides[key] = value
    return overrides


def _http_cache_dir(job: JobSettings) -> Path:
    from iopfinder.elasticsearch_node import NodeSettings

    return (job.http_cache_dir or settings(NodeSettings).cache_dir / "http").absolute()


def _crawl_settings(spider, out: Path, set_: list[str] | None):
    """The project's settings and the spider's, with the limits and HTTP cache the environment gives
    (JobSettings), and a live progress line and a summary instead of Scrapy's log."""
    from crawler.progress import CrawlProgress
    from crawler.settings import crawl_settings

    job = settings(JobSettings)
    limits = {"MAX_FAILURE_SHARE": job.crawl_max_failure_share, "CLOSESPIDER_TIMEOUT": job.crawl_time_limit_s,
              "CLOSESPIDER_ERRORCOUNT": job.crawl_error_limit}
    crawl = crawl_settings(LOG_LEVEL="WARNING", FACILITY_OUT=str(out), HTTPCACHE_DIR=str(_http_cache_dir(job)),
                           **{name: value for name, value in limits.items() if value is not None},
                           **_overrides(set_))
    crawl.set_in_component_priority_dict("EXTENSIONS", CrawlProgress, 500)
    spider.update_settings(crawl)  # as the crawler will: the spider's limits, unless given above
    return crawl


def _crawl_job(name: str, out: Path, crawl):
    from iopfinder.job_stats import job_run

    return job_run(name, out, crawl.getfloat("MAX_FAILURE_SHARE"), unit="requests")


def run_crawl(job: "Job", spider, crawl, title: str, **arguments) -> dict:
    """Run one spider; count how it went into `job` and print its summary; return Scrapy's stats."""
    from scrapy.crawler import CrawlerProcess

    from crawler.outcome import PASSED, closed_early, requests_failed
    from crawler.summary import crawl_summary

    process = CrawlerProcess(crawl)
    crawler = process.create_crawler(spider)
    process.crawl(crawler, **arguments)
    process.start()
    stats = crawler.stats.get_stats()
    summary = crawl_summary(stats)
    job.tally = summary.tally
    job.errors.update(summary.errors)
    job.failed, job.attempted = requests_failed(stats)
    job.summary(title, summary.counts)
    job.reason = closed_early(stats.get("finish_reason"))
    if stats.get(PASSED) and "records/written" not in stats:
        job.reason = f"the crawl went well, but what it found could not be staged in {crawl['FACILITY_OUT']}"
    return stats


@app.command("findtreatment")
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
    from crawler.findtreatment.spider import FindTreatmentSpider
    from facility.geo import zip_point
    from facility.states import STATE_FIPS

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
    crawl = _crawl_settings(FindTreatmentSpider, out, set_)
    with _crawl_job("crawl findtreatment", out, crawl) as job:
        console.print(f"Crawling FindTreatment for {where}, codes {codes} ...")
        run_crawl(job, FindTreatmentSpider, crawl, f"Crawled FindTreatment → {out}", state=states, point=point,
                  radius_mi=radius_mi, codes=codes, base_url=base_url, page_size=page_size)


@app.command("sites")
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
    from crawler.websites.listed import listed_facilities
    from crawler.websites.match import FacilityMatcher
    from crawler.websites.pipeline import unmatched_path
    from crawler.websites.spider import FacilitySiteSpider
    from facility.tally import Tally
    from indexer import BuildError
    from indexer.records import check_inputs

    if from_index == bool(urls):
        fail("give exactly one of --from-index and --urls FILE")
    crawl = _crawl_settings(FacilitySiteSpider, out, set_)
    with _crawl_job("crawl sites", out, crawl) as job:
        if facilities:
            try:
                check_inputs([facilities])
            except BuildError as error:
                fail(str(error))
            listed_in = {"SITE_FACILITIES": str(facilities)}
        else:
            if not elasticsearch_client().indices.exists_alias(name=alias):
                fail(f"no index behind the alias {alias!r}: build one with `iopfinder index`")
            listed_in = {"SITE_FACILITIES_ALIAS": alias, "ELASTICSEARCH": elasticsearch_access().client_options()}
        crawl.setdict(listed_in, priority="cmdline")
        if urls:
            try:
                lines = urls.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                fail(f"--urls {urls}: cannot be read ({error})")
            starts = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        else:
            starts = FacilityMatcher(listed_facilities(crawl, Tally())).websites
        console.print(f"Crawling {len(starts):,} website(s), at most {max_pages} pages each ...")
        stats = run_crawl(job, FacilitySiteSpider, crawl, f"Crawled facility websites → {out}", urls=starts,
                          max_pages=max_pages)
        unmatched = sum(value for key, value in stats.items() if key.startswith("sites/unmatched"))
        if unmatched:
            console.print(f"{unmatched} site(s) matched no single listed facility: see {unmatched_path(out)}")
