"""Backups against real nodes: the 2022 directory snapshotted on one node and restored on a second,
empty node that shares the snapshot folder (a temporary one, never the user's cache)."""

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan

from facility import defaults
from facility.tally import Tally
from indexer.backup import BackupError, chosen_snapshot, create, restore, snapshots
from indexer.build import BuildOptions, build, live_indices, rollback
from indexer.records import read_records
from iopfinder.elasticsearch_node import NodeSettings, scratch_node

pytestmark = pytest.mark.integration

ALIAS = defaults.INDEX_ALIAS
REPOSITORY = defaults.SNAPSHOT_REPOSITORY


@contextmanager
def snapshot_folder() -> Iterator[Path]:
    """A fresh folder for path.repo (under /tmp: a node running as its own user must reach it)."""
    path = Path(tempfile.mkdtemp(prefix="iopfinder-snapshots-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def backup_node(snapshot_dir: Path) -> Iterator[tuple[str, Elasticsearch]]:
    """A scratch node whose path.repo is `snapshot_dir`: its URL and a client of it."""
    settings = NodeSettings.from_env().model_copy(update={"snapshot_dir": snapshot_dir})
    with scratch_node(settings, say=lambda message: None) as node:
        yield node.url, Elasticsearch(node.url, request_timeout=120)


@pytest.fixture(scope="module")
def shared_folder() -> Iterator[Path]:
    with snapshot_folder() as path:
        yield path


@pytest.fixture(scope="module")
def origin(shared_folder, imported_2022) -> Iterator[Elasticsearch]:
    """A node serving the real 2022 directory behind the alias."""
    with backup_node(shared_folder) as (_, client):
        tally = Tally()
        build(client, read_records([imported_2022[0]], tally), tally, BuildOptions(alias=ALIAS))
        yield client


@pytest.fixture(scope="module")
def empty(shared_folder) -> Iterator[Elasticsearch]:
    """A second node, with no index, reading the same snapshot folder."""
    with backup_node(shared_folder) as (_, client):
        yield client


@pytest.fixture(scope="module")
def backup(origin) -> tuple:
    """The origin's live index snapshotted once: (result, the progress reported)."""
    seen: list[float] = []
    return create(origin, ALIAS, progress=seen.append), seen


def documents(client: Elasticsearch, index: str) -> dict[str, dict]:
    return {hit["_id"]: hit["_source"] for hit in scan(client, index=index, size=2000)}


def test_create_snapshots_the_live_index_with_its_document_count(origin, backup):
    result, seen = backup
    snapshot = result.snapshot
    assert re.fullmatch(r"facilities-\d{8}-\d{6}-\d{3}", snapshot.name)
    live = live_indices(origin, ALIAS)
    assert snapshot.state == "SUCCESS" and snapshot.indices == live and snapshot.alias == ALIAS
    assert snapshot.documents == 12_175 == origin.count(index=ALIAS)["count"]
    stored = origin.indices.stats(index=live[0])["indices"][live[0]]["primaries"]["store"]["size_in_bytes"]
    assert snapshot.size_bytes == pytest.approx(stored, rel=0.1)
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert [s.name for s in snapshots(origin) if s.alias == ALIAS] == [snapshot.name]
    assert result.pruned == []


def test_restore_onto_an_empty_cluster_gives_back_every_document(origin, empty, backup):
    snapshot = backup[0].snapshot
    chosen = chosen_snapshot(empty, alias=ALIAS)  # registers the shared repository, read-only
    assert chosen == snapshot
    assert empty.snapshot.get_repository(name=REPOSITORY)[REPOSITORY]["settings"]["readonly"] == "true"
    result = restore(empty, chosen, ALIAS)
    assert (result.index, result.documents, result.previous) == (snapshot.indices[0], 12_175, None)
    assert live_indices(empty, ALIAS) == [result.index]
    restored, original = documents(empty, ALIAS), documents(origin, ALIAS)
    assert len(restored) == 12_175 and restored == original
    assert (empty.indices.get_mapping(index=result.index).body
            == origin.indices.get_mapping(index=result.index).body)


def test_restore_onto_the_original_cluster_swaps_only_at_the_end(origin, backup):
    snapshot = backup[0].snapshot
    live = live_indices(origin, ALIAS)
    seen = []

    def watch(done: float) -> None:
        seen.append((live_indices(origin, ALIAS), origin.count(index=live[0])["count"]))

    result = restore(origin, snapshot, ALIAS, progress=watch)
    assert seen and all(entry == (live, 12_175) for entry in seen)
    assert result.index > live[0] and result.previous == live[0]  # renamed: a newer version
    assert live_indices(origin, ALIAS) == [result.index] and result.documents == 12_175
    assert rollback(origin, ALIAS) == (result.index, live[0])


def test_a_restored_index_short_of_the_snapshots_count_is_never_swapped_in(origin):
    live = live_indices(origin, ALIAS)
    before = set(origin.indices.get(index=f"{ALIAS}-*"))
    origin.snapshot.create(repository=REPOSITORY, snapshot="forged-count", indices=live[0],
                           include_global_state=False, metadata={"alias": "forged", "documents": 5},
                           wait_for_completion=True)
    forged = chosen_snapshot(origin, "forged-count")
    with pytest.raises(BackupError, match="holds 12175 documents, the snapshot 5: not swapping"):
        restore(origin, forged, ALIAS)
    assert live_indices(origin, ALIAS) == live
    assert set(origin.indices.get(index=f"{ALIAS}-*")) == before


def test_a_failed_snapshot_is_an_error_and_leaves_nothing(origin, shared_folder):
    create(origin, ALIAS, repository="frozen")
    (shared_folder / "frozen").chmod(0o500)  # the node can no longer write the repository
    try:
        with pytest.raises(BackupError, match=r"snapshot of facilities-\d+ failed: .*failed to update "
                                              r"snapshot in repository.*access_denied_exception"):
            create(origin, ALIAS, repository="frozen")
    finally:
        (shared_folder / "frozen").chmod(0o755)
    assert len(snapshots(origin, "frozen")) == 1


def test_an_index_missing_a_primary_shard_is_not_backed_up(origin):
    origin.indices.create(index="unassigned-1", wait_for_active_shards="0", settings={
        "number_of_replicas": 0, "index.routing.allocation.require._name": "no-such-node"})
    origin.indices.put_alias(index="unassigned-1", name="unassigned")
    try:
        with pytest.raises(BackupError, match=r"index unassigned-1 is red \(a primary shard is unassigned\)"):
            create(origin, "unassigned")
    finally:
        origin.indices.delete(index="unassigned-1")


def test_a_repository_outside_what_the_nodes_can_write_is_a_clear_error(origin, shared_folder):
    (shared_folder / "unwritable").mkdir(mode=0o500)
    with pytest.raises(BackupError, match=r"cannot register the snapshot repository 'unwritable': .*"
                                          r"access_denied_exception: .*every node needs path.repo"):
        create(origin, ALIAS, repository="unwritable")


def test_clear_errors(origin):
    with pytest.raises(BackupError, match="alias 'nothing-here' points at no index: nothing to back up"):
        create(origin, "nothing-here")
    for index in ("two-1", "two-2"):
        origin.indices.create(index=index, aliases={"two": {}})
    try:
        with pytest.raises(BackupError, match=r"alias 'two' points at 2 indices \(two-1, two-2\): a backup holds one"):
            create(origin, "two")
    finally:
        origin.indices.delete(index="two-1,two-2")
    with pytest.raises(BackupError, match="no snapshot named 'nope' in repository 'iopfinder'"):
        chosen_snapshot(origin, "nope")
    with pytest.raises(BackupError, match="no successful snapshot of alias 'never-backed-up'"):
        chosen_snapshot(origin, alias="never-backed-up")


def test_keep_deletes_all_but_the_newest_snapshots_of_the_alias(origin, backup):
    others = {s.name for s in snapshots(origin) if s.alias != ALIAS}
    second = create(origin, ALIAS).snapshot
    third = create(origin, ALIAS, keep=2)
    assert third.pruned == [backup[0].snapshot.name]
    remaining = snapshots(origin)
    assert [s.name for s in remaining if s.alias == ALIAS] == [second.name, third.snapshot.name]
    assert {s.name for s in remaining if s.alias != ALIAS} == others


def test_a_cluster_restoring_writes_to_the_repository_only_when_taking_over(empty, backup):
    # Last: once the second node writes to the shared repository, the first must not.
    restore(empty, chosen_snapshot(empty, alias=ALIAS), ALIAS)
    with pytest.raises(BackupError, match="registered read-only on this cluster.*--take-over"):
        create(empty, ALIAS)
    assert create(empty, ALIAS, take_over=True).snapshot.state == "SUCCESS"
    assert snapshots(empty, "unused") == []  # registered read-only, and no one writes to it
    assert create(empty, ALIAS, repository="unused").snapshot.documents == 12_175
