"""Rendering the static site: every page from the templates in `site/`, in every language, written whole.

English pages live at the root, each other language's under its prefix (`/es/`), at the same
paths. Each language has its own template environment with its messages installed, so every
template is loaded once per language and each catalog is read once.

The new site is written beside the old one and swapped in at the end, so a failed build
never leaves a half-written site behind. The site it replaces stays beside it as `<out>.previous`
(to swap back to) until the next build, which deletes it while the pages render: deleting
thousands of files takes seconds that rendering can use.
"""

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from threading import Thread

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from facility.paths import facility_path
from sitegen.languages import DEFAULT, Language, languages
from sitegen.maps import StateMaps, atlas_path
from sitegen.pages import (Site, city_context, compare_context, facility_context, home_context, near_me_context,
                           not_found_context, state_context)

# The site's templates and assets beside the packages in a checkout; where the packages are installed
# elsewhere (the Docker image), IOPFINDER_SITE_DIR names them (read by the `iopfinder` command's JobSettings).
CHECKOUT_SITE_DIR = Path(__file__).resolve().parents[1] / "site"
TEMPLATES = ("home.html", "near_me.html", "compare.html", "state.html", "city.html", "facility.html", "404.html")


@dataclass(frozen=True)
class BuildSummary:
    pages: int
    facilities: int
    states: int
    cities: int
    languages: int
    seconds: float


def environment(templates: Path, lang: Language | None = None) -> Environment:
    """The templates' environment; with a language, its messages and paths (`url("/near-me/")`)."""
    env = Environment(loader=FileSystemLoader(templates), undefined=StrictUndefined,
                      autoescape=select_autoescape(["html", "xml"]), trim_blocks=True, lstrip_blocks=True,
                      extensions=["jinja2.ext.i18n"], auto_reload=False)
    if lang:
        env.install_gettext_translations(lang.messages, newstyle=True)
        env.globals["url"] = lang.path
    return env


def build_site(facilities: list[dict], out: Path, api_url: str, base_url: str,
               progress: Callable[[int], None] = lambda n: None,
               site_dir: Path = CHECKOUT_SITE_DIR) -> BuildSummary:
    started = time.perf_counter()
    site = Site(facilities)
    langs = languages(site_dir / "locale")
    templates: dict[str, dict[str, Template]] = {}
    for lang in langs:
        env = environment(site_dir / "templates", lang)
        templates[lang.code] = {name: env.get_template(name) for name in TEMPLATES}
    base_url = base_url.rstrip("/")
    common = {"api_url": api_url.rstrip("/"), "base_url": base_url}
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    previous = out.with_name(out.name + ".previous")
    clearing = Thread(target=shutil.rmtree, args=(previous,), kwargs={"ignore_errors": True})
    clearing.start()
    shutil.copytree(site_dir / "static", staging / "static")
    maps = StateMaps(atlas_path(site_dir))  # each state's outline projected once, for all its pages
    maps.write_shapes(staging / "static" / "maps")
    paths: list[str] = []  # the sitemap's, in the default language
    written = 0

    def write_file(path: str, text: str) -> None:
        nonlocal written
        target = staging / path.strip("/") / "index.html" if path.endswith("/") else staging / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written += 1
        progress(1)

    def write(path: str, template: str, context: Callable[[Language], dict], listed: bool = True) -> None:
        """The page at `path` in every language, each linking to the others."""
        alternates = [{"hreflang": lang.code, "href": base_url + lang.path(path)} for lang in langs]
        alternates.append({"hreflang": "x-default", "href": base_url + path})
        for lang in langs:
            switch = [{"code": other.code, "name": other.name, "href": other.path(path)}
                      for other in langs if other is not lang]
            write_file(lang.path(path), templates[lang.code][template].render(
                **common, lang=lang, path=path, page_url=base_url + lang.path(path), alternates=alternates,
                switch=switch, **context(lang)))
        if listed and path.endswith("/"):
            paths.append(path)

    def mapped(context: Callable[[Language], dict], state: str, shown: list[dict]) -> Callable[[Language], dict]:
        """A state or city page's context with its map: the state and the programs `shown` on it."""
        return lambda lang: context(lang) | {"map": maps.page_map(state, shown, lang.prefix)}

    write("/", "home.html", partial(home_context, site))
    write("/near-me/", "near_me.html",
          lambda lang: near_me_context(site, lang) | {"map": maps.near_me_map(lang.prefix)})
    # The comparison's content is the visitor's choice: not in the sitemap.
    write("/compare/", "compare.html", compare_context, listed=False)
    for state, cities in site.cities.items():
        in_state = [f for in_city in cities.values() for f in in_city]
        write(f"/states/{state.lower()}/", "state.html", mapped(partial(state_context, site, state), state, in_state))
        for city_slug, in_city in cities.items():
            write(f"/states/{state.lower()}/{city_slug}/", "city.html",
                  mapped(partial(city_context, site, state, city_slug), state, in_city))
    for slug, facility in site.by_slug.items():
        write(f"/facilities/{slug}/", "facility.html", partial(facility_context, site, facility))
    for facility in site.retired:  # the page stays where links point; search engines are not sent there
        write(facility_path(facility), "facility.html", partial(facility_context, site, facility), listed=False)
    write("/404.html", "404.html", not_found_context)
    plain = environment(site_dir / "templates")
    write_file("/robots.txt", plain.get_template("robots.txt").render(**common))
    write_file("/sitemap.xml", plain.get_template("sitemap.xml").render(
        **common, languages=[lang.code for lang in langs], default=DEFAULT,
        urls=[{lang.code: base_url + lang.path(path) for lang in langs} for path in paths]))

    clearing.join()
    if out.exists():
        out.rename(previous)
    staging.rename(out)
    return BuildSummary(pages=written, facilities=len(site.by_slug), states=len(site.cities),
                        cities=sum(len(c) for c in site.cities.values()), languages=len(langs),
                        seconds=time.perf_counter() - started)
