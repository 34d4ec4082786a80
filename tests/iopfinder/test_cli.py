"""The `iopfinder` command as a user runs it: a real process, real files, the real node."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from iopfinder.elasticsearch_node import free_port
from sitegen.build import CHECKOUT_SITE_DIR
from tests.conftest import DIRECTORY_2022, LOCATOR_2021
from tests.facility.factories import make_facility


def environment(es_url=None, **variables):
    env = dict(os.environ, COLUMNS="200", **variables)
    env.pop("ELASTICSEARCH_URL", None)
    if es_url:
        env["ELASTICSEARCH_URL"] = es_url
    return env


def iopfinder(*args, es_url=None, check=False, **variables):
    result = subprocess.run([sys.executable, "-m", "iopfinder.cli", *map(str, args)],
                            capture_output=True, text=True, env=environment(es_url, **variables), timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_import_missing_file_is_one_clear_error(tmp_path):
    out = tmp_path / "out.jsonl"
    result = iopfinder("import", "samhsa-directory", tmp_path / "nope.xlsx", "--out", out)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.xlsx'}: file not found"
    assert not out.exists()


def test_import_of_one_edition_twice_in_one_command_is_one_clear_error(tmp_path):
    out = tmp_path / "out.jsonl"
    result = iopfinder("import", "samhsa-directory", tmp_path / "a-2023.xlsx", tmp_path / "b-2023.xlsx",
                       "--out", out)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: a-2023.xlsx and b-2023.xlsx: one edition twice (or no year in their names)"
    assert not out.exists()


def test_import_with_corrupt_coordinates_is_one_clear_error(tmp_path, shared_data):
    coords = tmp_path / "coords.csv"
    coords.write_bytes(b"\xff\xd8\xff\xe0 not a csv")
    result = iopfinder("import", "samhsa-directory", DIRECTORY_2022, "--coords", coords,
                       "--out", tmp_path / "out.jsonl")
    assert result.returncode == 1
    assert "not a readable UTF-8 CSV" in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.integration
def test_import_and_index_the_2022_directory(tmp_path, es_url, es, alias, shared_data):
    staged = tmp_path / "staged.jsonl"
    imported = iopfinder("import", "samhsa-directory", DIRECTORY_2022, "--coords", LOCATOR_2021,
                         "--out", staged, check=True)
    assert "12,176" in imported.stderr and "records with level iop" in imported.stderr
    stats = json.loads((tmp_path / "staged.jsonl.stats.json").read_text())
    assert (stats["outcome"], stats["read"], stats["written"], stats["failed"]) == ("ok", 12_176, 12_175, 0)
    assert stats["counts"]["records with level iop"] == 5_525
    indexed = iopfinder("index", staged, "--alias", alias, es_url=es_url, check=True)
    assert f"alias '{alias}' now points at it" in indexed.stderr
    stats = json.loads((tmp_path / "index.stats.json").read_text())
    assert (stats["job"], stats["outcome"], stats["read"], stats["written"]) == ("index", "ok", 12_175, 12_175)
    assert stats["counts"]["index"].startswith(f"{alias}-") and stats["unit"] == "input lines"
    assert es.count(index=alias)["count"] == 12_175
    iop = es.count(index=alias, query={"term": {"levels_of_care": "iop"}})["count"]
    assert iop == 5_525


@pytest.mark.integration
def test_index_with_elasticsearch_unreachable(tmp_path, imported_2022):
    url = f"http://127.0.0.1:{free_port()}"
    result = iopfinder("index", imported_2022[0], es_url=url)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: Elasticsearch at {url} is unreachable (ConnectionError)"


def test_index_rejects_missing_input_before_connecting(tmp_path):
    result = iopfinder("index", tmp_path / "none.jsonl", es_url="http://127.0.0.1:9")
    assert result.returncode == 1 and "none.jsonl: file not found" in result.stderr
    stats = json.loads((tmp_path / "index.stats.json").read_text())  # beside the first input
    assert stats["outcome"] == "failed" and stats["reason"] == f"{tmp_path / 'none.jsonl'}: file not found"
    elsewhere = tmp_path / "stats" / "index.json"
    iopfinder("index", tmp_path / "none.jsonl", "--stats", elsewhere, es_url="http://127.0.0.1:9")
    assert json.loads(elsewhere.read_text())["reason"] == stats["reason"]


def test_site_build_stats_and_a_page_that_fails_to_render(tmp_path, es_url, alias):
    staged = tmp_path / "staged.jsonl"
    staged.write_text("".join(make_facility(name=name).model_dump_json() + "\n"
                              for name in ("Harbor Recovery", "Maple Valley Recovery", "Cedar House")))
    iopfinder("index", staged, "--alias", alias, es_url=es_url, check=True)
    www = tmp_path / "www"
    iopfinder("site", "build", "--out", www, "--alias", alias, es_url=es_url, check=True)
    stats = json.loads((tmp_path / "www.stats.json").read_text())
    pages = [path for path in www.rglob("*") if path.is_file() and "static" not in path.parts]
    assert (stats["job"], stats["outcome"], stats["read"], stats["unit"]) == ("site build", "ok", 3, "pages")
    assert stats["written"] == stats["attempted"] == len(pages) and stats["failed"] == 0
    # a template that cannot render one kind of page: the build stops, the site built before stays
    broken = tmp_path / "checkout" / "site"
    shutil.copytree(CHECKOUT_SITE_DIR, broken)
    (broken.parent / "node_modules").symlink_to(CHECKOUT_SITE_DIR.parent / "node_modules")
    template = broken / "templates" / "facility.html"
    template.write_text(template.read_text().replace("{% block main %}", "{% block main %}{{ no_such_value }}"))
    home = (www / "index.html").read_text()
    failed = iopfinder("site", "build", "--out", www, "--alias", alias, es_url=es_url, IOPFINDER_SITE_DIR=broken)
    assert failed.returncode == 1 and (www / "index.html").read_text() == home
    stats = json.loads((tmp_path / "www.stats.json").read_text())
    assert stats["outcome"] == "failed" and stats["reason"] == "UndefinedError: 'no_such_value' is undefined"
    assert stats["failed"] == 1 and stats["attempted"] == stats["written"] + 1 and stats["threshold"] == 0.0
    assert stats["errors"] == {"UndefinedError": 1}


def test_es_commands_use_elasticsearch_url_and_start_nothing(es_url):
    started = iopfinder("es", "start", es_url=es_url, check=True)
    assert started.stdout.strip() == es_url and "starting nothing" in started.stderr
    assert iopfinder("es", "url", es_url=es_url, check=True).stdout.strip() == es_url
    # `es status` and `es url` with several URLs: tests/iopfinder/test_es_command.py


def test_the_command_loads_no_heavy_package_before_a_command_runs():
    heavy = ["scrapy", "uvicorn", "elasticsearch", "fastapi", "search_api"]
    program = f"import sys, iopfinder.cli; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_a_bad_setting_is_one_line_naming_its_variable():
    result = iopfinder("serve", es_url="http://127.0.0.1:9", IOPFINDER_MAX_IN_FLIGHT="abc")
    assert result.returncode == 1
    assert result.stderr.strip() == ("error: IOPFINDER_MAX_IN_FLIGHT: Input should be a valid integer, "
                                     "unable to parse string as an integer")
    result = iopfinder("index", es_url="http://127.0.0.1:9", IOPFINDER_INDEX_SHARDS="0")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: IOPFINDER_INDEX_SHARDS: Input should be greater than or equal to 1"


@contextmanager
def served(**variables):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "iopfinder.cli", "serve", "--port", str(port)],
                               env=environment(f"http://127.0.0.1:{free_port()}", **variables),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, "the API did not start"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def status(url, client_address):
    request = urllib.request.Request(f"{url}/v1/facilities?zip=00000", headers={"X-Real-IP": client_address})
    try:
        return urllib.request.urlopen(request, timeout=5).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("spelling, trusted", [("true", True), ("yes", True), ("1", True), ("false", False), ("0", False)])
def test_trust_proxy_takes_the_usual_spellings_of_a_boolean(spelling, trusted):
    # One search a minute per client: the second client is a new one only when X-Real-IP is believed.
    with served(IOPFINDER_RATE_LIMIT_PER_MINUTE="1", IOPFINDER_TRUST_PROXY=spelling) as url:
        assert [status(url, "192.0.2.1"), status(url, "192.0.2.2")] == [422, 422 if trusted else 429]
