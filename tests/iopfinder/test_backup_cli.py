"""`iopfinder backup create | list | restore` as a user runs them, against a real node."""

from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from facility.tally import Tally
from indexer.build import BuildOptions, build, live_indices
from iopfinder.elasticsearch_node import free_port
from tests.indexer.test_backup import backup_node, snapshot_folder
from tests.indexer.test_build import facilities
from tests.iopfinder.test_cli import iopfinder

pytestmark = pytest.mark.integration

ALIAS = "backed-up"


@pytest.fixture(scope="module")
def node() -> Iterator[tuple[str, Elasticsearch]]:
    """A node of this module's own (with a temporary snapshot folder) serving 300 facilities."""
    with snapshot_folder() as folder, backup_node(folder) as (url, client):
        build(client, iter(facilities(300)), Tally(), BuildOptions(alias=ALIAS))
        yield url, client


def test_create_list_and_restore(node):
    url, es = node
    live = live_indices(es, ALIAS)
    created = iopfinder("backup", "create", "--alias", ALIAS, es_url=url, check=True)
    name = created.stdout.strip()
    assert name.startswith(f"{ALIAS}-")
    assert f"Snapshot {name} is complete" in created.stderr
    assert live[0] in created.stderr and "300" in created.stderr

    listed = iopfinder("backup", "list", es_url=url, check=True).stdout.splitlines()
    assert listed[0].split() == ["snapshot", "state", "indices", "documents", "started", "(UTC)", "size"]
    assert [line.split()[:4] for line in listed[1:]] == [[name, "SUCCESS", live[0], "300"]]

    restored = iopfinder("backup", "restore", "--alias", ALIAS, es_url=url, check=True)
    now = live_indices(es, ALIAS)
    assert now != live and es.indices.exists(index=live[0])  # a new index; the one before is kept
    assert f"Restored {name} into {now[0]}; alias '{ALIAS}' now points at it" in restored.stderr
    assert live[0] in restored.stderr and es.count(index=ALIAS)["count"] == 300


def test_errors_are_one_clear_line(node):
    url, _ = node
    missing = iopfinder("backup", "restore", "nope", "--alias", ALIAS, es_url=url)
    assert missing.returncode == 1
    assert missing.stderr.strip() == ("error: no snapshot named 'nope' in repository 'iopfinder' "
                                      "(`iopfinder backup list` shows them)")
    nothing = iopfinder("backup", "create", "--alias", "no-such-alias", es_url=url)
    assert nothing.returncode == 1
    assert nothing.stderr.strip() == "error: alias 'no-such-alias' points at no index: nothing to back up"
    down = f"http://127.0.0.1:{free_port()}"
    unreachable = iopfinder("backup", "list", es_url=down)
    assert unreachable.returncode == 1
    assert unreachable.stderr.strip() == f"error: Elasticsearch at {down} is unreachable (ConnectionError)"


def test_list_of_an_empty_repository_says_so(node):
    url, _ = node
    listed = iopfinder("backup", "list", "--repository", "empty", es_url=url, check=True)
    assert listed.stdout == "" and listed.stderr.strip() == "no snapshots in repository 'empty'"
