"""Rendering the static site: every page from the templates in `site/`, written whole.

The new site is written beside the old one and swapped in at the end, so a failed build
never leaves a half-written site behind.
"""

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sitegen.pages import (Site, city_context, compare_context, facility_context, home_context, near_me_context,
                           state_context)

# The site's templates and assets beside the packages in a checkout; where the packages are installed
# elsewhere (the Docker image), IOPFINDER_SITE_DIR names them (read by the `iopfinder` command's JobSettings).
CHECKOUT_SITE_DIR = Path(__file__).resolve().parents[1] / "site"


@dataclass(frozen=True)
class BuildSummary:
    pages: int
    facilities: int
    states: int
    cities: int
    seconds: float


def environment(templates: Path) -> Environment:
    return Environment(loader=FileSystemLoader(templates), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html", "xml"]), trim_blocks=True, lstrip_blocks=True)


def build_site(facilities: list[dict], out: Path, api_url: str, base_url: str,
               progress: Callable[[int], None] = lambda n: None,
               site_dir: Path = CHECKOUT_SITE_DIR) -> BuildSummary:
    started = time.perf_counter()
    site = Site(facilities)
    env = environment(site_dir / "templates")
    common = {"api_url": api_url.rstrip("/"), "base_url": base_url.rstrip("/")}
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(site_dir / "static", staging / "static")
    paths: list[str] = []  # the sitemap's
    written = 0

    def write(path: str, template: str, context: dict, listed: bool = True) -> None:
        nonlocal written
        target = staging / path.strip("/") / "index.html" if path.endswith("/") else staging / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        page_url = common["base_url"] + path
        target.write_text(env.get_template(template).render(**common, path=path, page_url=page_url, **context),
                          encoding="utf-8")
        if listed and path.endswith("/"):
            paths.append(path)
        written += 1
        progress(1)

    write("/", "home.html", home_context(site))
    write("/near-me/", "near_me.html", near_me_context(site))
    write("/compare/", "compare.html", compare_context(), listed=False)  # its content is the visitor's choice
    for state, cities in site.cities.items():
        write(f"/states/{state.lower()}/", "state.html", state_context(site, state))
        for city_slug in cities:
            write(f"/states/{state.lower()}/{city_slug}/", "city.html", city_context(site, state, city_slug))
    for slug, facility in site.by_slug.items():
        write(f"/facilities/{slug}/", "facility.html", facility_context(site, facility))
    write("/404.html", "404.html", {"title": "Page not found"})
    write("/robots.txt", "robots.txt", {})
    write("/sitemap.xml", "sitemap.xml", {"paths": paths})

    previous = out.with_name(out.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if out.exists():
        out.rename(previous)
    staging.rename(out)
    shutil.rmtree(previous, ignore_errors=True)
    return BuildSummary(pages=written, facilities=len(site.by_slug), states=len(site.cities),
                        cities=sum(len(c) for c in site.cities.values()), seconds=time.perf_counter() - started)
