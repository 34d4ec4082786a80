import pytest

from sitegen.build import build_site
from sitegen.data import iop_facilities
from tests.search_api.live_server import live_server
from tests.sitegen.browsing import site_app


@pytest.fixture(scope="session")
def iop_records(es, api_index) -> list[dict]:
    return list(iop_facilities(es, api_index))


@pytest.fixture(scope="session")
def built_site(iop_records, tmp_path_factory):
    """The whole site built from the real 2022 index: (directory, build summary)."""
    out = tmp_path_factory.mktemp("site") / "www"
    summary = build_site(iop_records, out, api_url="", base_url="https://iopfinder.example")
    return out, summary


@pytest.fixture(scope="session")
def site_url(built_site, es_url, api_index):
    """The built site and the real API on one localhost origin, as in the demo."""
    with live_server(site_app(built_site[0], es_url, api_index)) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
