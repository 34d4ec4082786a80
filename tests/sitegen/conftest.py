import pytest

from sitegen.build import build_site
from sitegen.data import iop_facilities


@pytest.fixture(scope="session")
def iop_records(es, api_index) -> list[dict]:
    return list(iop_facilities(es, api_index))


@pytest.fixture(scope="session")
def built_site(iop_records, tmp_path_factory):
    """The whole site built from the real 2022 index: (directory, build summary)."""
    out = tmp_path_factory.mktemp("site") / "www"
    summary = build_site(iop_records, out, api_url="", base_url="https://iopfinder.example")
    return out, summary
