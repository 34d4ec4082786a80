"""Facility-site crawl speed and memory: pages per second through the spider and the site
pipeline, and the crawl's RSS as the pages go by (it must stay flat).

Local websites only (a server process on 127.0.0.1 serving generated facility sites, each with a
sitemap), politeness relaxed by settings overrides; robots.txt is still fetched and obeyed.
Targets: at least 250 pages/s, flat memory over 10,000 pages.

    .venv/bin/python benchmarks/crawl_throughput.py [--sites 50] [--pages 200]
"""

import argparse
import multiprocessing
import tempfile
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from twisted.internet import task

from crawler.settings import crawl_settings
from crawler.websites.spider import FacilitySiteSpider
from facility.model import Facility, Source
from facility.staging import write_staged
from facility.tally import Tally

TARGET_PAGES_PER_S = 250
RELAXED = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 32,
           "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "HTTPCACHE_ENABLED": False, "LOG_LEVEL": "ERROR"}

PROSE = [
    "Our evening Intensive Outpatient Program meets Monday, Tuesday and Thursday from 6:00 pm to 9:00 pm.",
    "That is 9 hours per week of group and individual therapy.",
    "We accept Aetna, Cigna, Blue Cross Blue Shield and TRICARE.",
    "Medicaid members: we are in network with Molina Healthcare and Aetna Better Health.",
    "Virtual IOP sessions are available through telehealth.",
    "Family members are welcome at our Saturday education group, 10am-12pm.",
    "Our counselors are licensed and our program is accredited.",
]


def page(site: int, number: int, pages: int) -> bytes:
    """A facility page of about 12 KB: schema.org data, navigation, prose."""
    links = " ".join(f'<a href="/p/{(number + k) % pages}.html">Page {(number + k) % pages}</a>' for k in range(1, 21))
    prose = "".join(f"<p>{PROSE[(number + k) % len(PROSE)]} {'Recovery is possible. ' * 8}</p>" for k in range(24))
    return (f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Site {site} page {number}</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "MedicalClinic",
"name": "Facility {site}", "telephone": "(434) 555-{site:04d}", "address": {{"@type": "PostalAddress",
"streetAddress": "{site} Main Street", "addressLocality": "Charlottesville", "addressRegion": "VA",
"postalCode": "22902"}}}}</script></head><body><nav>{links}</nav><h1>Facility {site}</h1>{prose}
<footer><a href="tel:+1434555{site:04d}">Call us</a></footer></body></html>""").encode()


def serve(ports: list, pages: int, ready) -> None:
    class Site(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            site = numbers[self.server.server_address[1]]
            if self.path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            elif self.path == "/sitemap.xml":
                urls = "".join(f"<url><loc>http://127.0.0.1:{self.server.server_address[1]}/p/{n}.html</loc></url>"
                               for n in range(pages))
                body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()
                kind = "application/xml"
            else:
                number = int(self.path.rsplit("/", 1)[-1].split(".")[0] or 0) if self.path.startswith("/p/") else 0
                body, kind = page(site, number, pages), "text/html; charset=utf-8"
            # Status, headers and body in one write: separate small writes stall on delayed ACKs.
            head = f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
            self.wfile.write(head.encode() + body)

        def log_message(self, *args):
            pass

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), Site) for _ in ports]
    numbers = {server.server_address[1]: index for index, server in enumerate(servers)}
    for index, server in enumerate(servers):
        server.daemon_threads = True
        ports[index] = server.server_address[1]
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ready.set()
    servers[0].serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--pages", type=int, default=200, help="pages per site")
    args = parser.parse_args()
    manager = multiprocessing.Manager()
    ports, ready = manager.list([0] * args.sites), manager.Event()
    server = multiprocessing.Process(target=serve, args=(ports, args.pages, ready), daemon=True)
    server.start()
    ready.wait(30)
    urls = [f"http://127.0.0.1:{port}/" for port in ports]
    workdir = Path(tempfile.mkdtemp(prefix="iopfinder-bench-crawl-"))
    facilities, out = workdir / "facilities.jsonl", workdir / "sites.jsonl"
    now = datetime.now(timezone.utc)
    write_staged(facilities, (
        Facility(id=f"{n:016x}", name=f"Facility {n}", website=url,
                 address={"city": "Charlottesville", "state": "VA", "zip": "22902"},
                 sources=[Source(name="benchmark", retrieved_at=now, as_of=now.date())], updated_at=now)
        for n, url in enumerate(urls)), Tally())
    process = CrawlerProcess(crawl_settings(FACILITY_OUT=str(out), SITE_FACILITIES=str(facilities), **RELAXED))
    crawler = process.create_crawler(FacilitySiteSpider)
    me = psutil.Process()
    samples: list[tuple[float, int, int]] = []  # (seconds, pages read, RSS bytes)
    started = time.perf_counter()

    def sample():
        pages = crawler.stats.get_value("pages/read", 0)
        samples.append((time.perf_counter() - started, pages, me.memory_info().rss))
        if len(samples) % 10 == 0:
            print(f"  {samples[-1][0]:5.1f} s  {pages:6,} pages  RSS {samples[-1][2] / 2**20:6.1f} MB", flush=True)

    def start_sampling(spider):
        # Made once Scrapy has installed its reactor (a LoopingCall imports the default one).
        task.LoopingCall(sample).start(0.5)

    crawler.signals.connect(start_sampling, signal=signals.spider_opened)
    process.crawl(crawler, urls=urls, max_pages=args.pages + 1)  # the start page and every sitemap page
    print(f"crawling {args.sites} local sites x {args.pages} pages (politeness relaxed: {RELAXED})")
    process.start()
    elapsed = time.perf_counter() - started
    server.terminate()
    stats = crawler.stats.get_stats()
    pages = stats.get("pages/read", 0)
    errors = {k: v for k, v in stats.items() if k.startswith(("errors/", "downloader/exception_type_count"))}
    print(f"\npages read: {pages:,} in {elapsed:.1f} s: {pages / elapsed:,.0f} pages/s "
          f"(requests {stats.get('downloader/request_count', 0):,}, errors {errors or 'none'})")
    enrichments = len(out.read_text().splitlines())
    print(f"enrichment records written: {enrichments} of {args.sites} sites")
    steady = [s for s in samples if s[1] > 0]
    marks = [0.1, 0.25, 0.5, 0.75, 1.0]
    print("RSS as pages go by: " + ", ".join(
        f"{int(m * pages):,} pages {next((s[2] for s in steady if s[1] >= m * pages), steady[-1][2]) / 2**20:.0f} MB"
        for m in marks))
    def growth(since: float) -> float:
        after = [s[2] for s in steady if s[1] >= since * pages]
        return (after[-1] - after[0]) / 2**20 if after else 0.0

    print(f"peak RSS {max(s[2] for s in samples) / 2**20:.0f} MB; RSS growth from 10% to 100% of the pages "
          f"{growth(0.1):+.1f} MB, from 50% to 100% {growth(0.5):+.1f} MB (the scheduler holds each sitemap's "
          f"requests early on)")
    print(f"target >= {TARGET_PAGES_PER_S} pages/s: {'met' if pages / elapsed >= TARGET_PAGES_PER_S else 'NOT met'}")


if __name__ == "__main__":
    main()
