"""Test session: one real Elasticsearch node for the whole run (or ELASTICSEARCH_URL), and the
shared SAMHSA data read in place from ../shared/data.

Tests that need either are marked `integration` here, from what they use; the rest is the offline
tier, `pytest -m "not integration"` (`make test-offline`)."""

import inspect
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from playwright.sync_api import sync_playwright

from crawler.importers.locator_coords import LocatorCoordinates
from crawler.importers.samhsa_directory import Directory, import_directory
from facility.elasticsearch_access import ElasticsearchEnvironment
from facility.staging import write_staged
from facility.tally import Tally
from indexer.build import BuildOptions, build
from indexer.records import read_records
from iopfinder.elasticsearch_node import LocalNode, NodeSettings, scratch_node
from tests.sitegen.browsing import CHROMIUM_ARGS

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DIRECTORY_2022 = SHARED_DATA / "samhsa" / "National_Directory_SA_Facilities_2022.xlsx"
LOCATOR_2021 = SHARED_DATA / "samhsa" / "locator_export_2021_geocoded.csv"


def pytest_collection_modifyitems(items):
    """`integration`: the test, or a fixture it uses, starts or reaches Elasticsearch (the es_node
    fixture, on which es_url, es, alias and api_index build, or a LocalNode of its own) or reads
    ../shared/data (a path under SHARED_DATA, as the shared_data and imported_2022 fixtures do);
    the latter is also `needs_data`. Tests that stand in for Elasticsearch need neither."""
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        fixtures = [d.func for defs in item._fixtureinfo.name2fixturedefs.values() for d in defs]
        used = [value for function in [item.function, *fixtures] for value in globals_used(function)]
        data = any(isinstance(value, Path) and value.is_relative_to(SHARED_DATA) for value in used)
        if data:
            item.add_marker(pytest.mark.needs_data)
        if data or any(value is LocalNode or value is scratch_node for value in used):
            item.add_marker(pytest.mark.integration)


def globals_used(function) -> list:
    """The module-level objects a function names, in its body or in the functions and comprehensions in it."""
    function = inspect.unwrap(function)
    codes, names = [function.__code__], set()
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(const for const in code.co_consts if inspect.iscode(const))
    return [function.__globals__[name] for name in names if name in function.__globals__]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    assert DIRECTORY_2022.is_file(), f"shared data missing: {DIRECTORY_2022}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def es_node() -> LocalNode | None:
    """The node this session started, or None when ELASTICSEARCH_URL names one to use."""
    settings = NodeSettings.from_env()
    if settings.elasticsearch_urls:
        yield None
        return
    with scratch_node(settings) as node:
        yield node


@pytest.fixture(scope="session")
def es_url(es_node) -> str:
    return es_node.url if es_node else NodeSettings.from_env().elasticsearch_urls[0]


@pytest.fixture(scope="session")
def es(es_url) -> Elasticsearch:
    return Elasticsearch(es_url, request_timeout=60)


@pytest.fixture
def alias(es) -> str:
    """An alias name of this test's own; its indices are deleted afterwards."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    yield name
    for index in es.indices.get(index=f"{name}-*", allow_no_indices=True):
        es.indices.delete(index=index)


@pytest.fixture(scope="session")
def imported_2022(shared_data, tmp_path_factory) -> tuple[Path, Tally]:
    """The real 2022 directory imported once: (JSON Lines path, the import's tally)."""
    tally = Tally()
    coords = LocatorCoordinates.from_csv(LOCATOR_2021, tally)
    out = tmp_path_factory.mktemp("staged") / "samhsa-2022.jsonl"
    write_staged(out, import_directory(Directory(DIRECTORY_2022), datetime.now(timezone.utc), tally, coords), tally)
    return out, tally


API_ALIAS = "test-api-2022"


@pytest.fixture(scope="session")
def records_2022(imported_2022) -> list[dict]:
    with open(imported_2022[0]) as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="session")
def api_index(es, imported_2022) -> str:
    """The real 2022 directory indexed once behind an alias of the API and site tests' own."""
    tally = Tally()
    result = build(es, read_records([imported_2022[0]], tally), tally,
                   BuildOptions(alias=API_ALIAS, allow_shrink=True))
    yield API_ALIAS
    for index in es.indices.get(index=f"{API_ALIAS}-*"):
        es.indices.delete(index=index)
    assert result.documents == 12_175


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright: one for the whole session (a second sync
    Playwright cannot start while one runs)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def environment(monkeypatch):
    """The process's environment without any Elasticsearch variable; a test sets its own on it."""
    for field in ElasticsearchEnvironment.model_fields.values():
        monkeypatch.delenv(field.validation_alias, raising=False)
    return monkeypatch
