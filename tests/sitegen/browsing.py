"""What the browser tests share: Chromium's flags, where screenshots go, and the checks every
page must pass (the search finished, accessibility, no horizontal scroll on a phone)."""

from pathlib import Path

from playwright.sync_api import expect

from facility.elasticsearch_access import Access
from search_api.main import create_app
from search_api.settings import ApiSettings

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def site_app(site_dir: Path, es_url: str, alias: str):
    """The API serving the built site at / (one origin, as in the demo)."""
    return create_app(ApiSettings(elasticsearch=Access((es_url,)), alias=alias), site=site_dir)


def wait_for_results(page) -> None:
    """The near-me page's search has answered, with results or none, not with an error."""
    status = page.locator("#status")
    expect(status).to_have_attribute("aria-busy", "false", timeout=15_000)
    assert status.get_attribute("class") != "error", status.inner_text()


def serious_violations(page) -> list[tuple[str, str, int]]:
    """axe-core's serious and critical findings on the page as it is now. The site's
    Content-Security-Policy forbids injected scripts: the page's context must bypass it."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def tick_filter(page, box: str) -> None:
    """Ticks a box of the filter panel and waits for the search it starts to be shown."""
    before = page.locator("#status").inner_text()
    page.locator("summary", has_text="Filter by").click()
    page.locator(box).check()
    expect(page.locator("#status")).not_to_have_text(before, timeout=15_000)
    wait_for_results(page)
