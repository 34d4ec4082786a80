"""Backups of the live index: snapshots in a shared-filesystem (`fs`) repository, and restores.

A snapshot holds the one index the alias points at (its mapping, settings and alias with it, not
the cluster's global state) and records the alias and the index's document count in its metadata.
A restore follows the index build's rules: it restores into an index of its own, never over an
existing one, checks it holds the snapshot's document count, and only then swaps the alias in
one `_aliases` call; the index live before stays, for `iopfinder index --rollback`.

The repository is a folder of its own name under `path.repo`, which every node of the cluster
must reach (a shared volume). Only one cluster may write to a repository: `create` registers it
writable, `list` and `restore` read-only, so that a cluster restoring another's backups (a restore
drill) cannot write into them.
"""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timezone

from elasticsearch import ApiError, Elasticsearch, NotFoundError

from facility import defaults
from indexer.build import live_indices, new_index_name, swap_alias

Progress = Callable[[float], None]  # the share done, 0 to 1


class BackupError(Exception):
    """A snapshot or restore that cannot complete; the live alias is left as it was."""


@dataclass(frozen=True)
class Snapshot:
    name: str
    state: str  # Elasticsearch's: SUCCESS, IN_PROGRESS, PARTIAL, FAILED, INCOMPATIBLE
    indices: list[str]
    alias: str | None  # None: not made by `create`
    documents: int | None
    started: datetime
    duration_s: float
    size_bytes: int | None  # the snapshot's indices' size, when Elasticsearch reports it

    @classmethod
    def of(cls, info: dict) -> "Snapshot":
        metadata = info.get("metadata") or {}
        details = info.get("index_details")
        return cls(name=info["snapshot"], state=info["state"], indices=sorted(info["indices"]),
                   alias=metadata.get("alias"), documents=metadata.get("documents"),
                   started=datetime.fromtimestamp(info["start_time_in_millis"] / 1000, timezone.utc),
                   duration_s=info.get("duration_in_millis", 0) / 1000,
                   size_bytes=sum(d.get("size_in_bytes", 0) for d in details.values()) if details else None)


@dataclass(frozen=True)
class CreateResult:
    snapshot: Snapshot
    pruned: list[str]


@dataclass(frozen=True)
class RestoreResult:
    index: str
    documents: int
    previous: str | None
    duration_s: float


def _reason(error: ApiError) -> str:
    """Elasticsearch's reason and the causes under it, the innermost with its type."""
    cause, reasons = error.body.get("error") if isinstance(error.body, dict) else None, []
    while isinstance(cause, dict):
        inner = cause.get("caused_by")
        reasons.append(cause.get("reason") if inner else f"{cause.get('type')}: {cause.get('reason')}")
        cause = inner
    return ": ".join(reasons) or str(error)


def _registered(client: Elasticsearch, repository: str) -> dict | None:
    try:
        return client.snapshot.get_repository(name=repository)[repository]
    except NotFoundError:
        return None


def _register(client: Elasticsearch, repository: str, readonly: bool) -> None:
    settings = {"location": repository, "readonly": readonly}  # relative: under the first path.repo
    try:
        client.snapshot.create_repository(name=repository, repository={"type": "fs", "settings": settings})
    except ApiError as error:
        raise BackupError(f"cannot register the snapshot repository {repository!r}: {_reason(error)} "
                          f"(every node needs path.repo naming a folder that all nodes share)") from None


def _listing(client: Elasticsearch, repository: str) -> list[Snapshot]:
    found = client.snapshot.get(repository=repository, snapshot="*", index_details=True, sort="start_time")
    return [Snapshot.of(info) for info in found["snapshots"]]


def snapshots(client: Elasticsearch, repository: str = defaults.SNAPSHOT_REPOSITORY) -> list[Snapshot]:
    """Every snapshot in the repository, oldest first (registering the repository read-only if missing)."""
    if _registered(client, repository) is None:
        _register(client, repository, readonly=True)
    return _listing(client, repository)


def _writable_repository(client: Elasticsearch, repository: str, take_over: bool) -> None:
    found = _registered(client, repository)
    readonly = found is not None and str(found.get("settings", {}).get("readonly")).lower() == "true"
    # an empty repository has no other writer to protect
    if readonly and not take_over and _listing(client, repository):
        raise BackupError(f"snapshot repository {repository!r} is registered read-only on this cluster, "
                          f"to restore backups another cluster writes; if this cluster is now the only one "
                          f"backing up to it, use --take-over")
    if found is None or readonly:
        _register(client, repository, readonly=False)


def _wait(call: Callable[[], dict], poll: Callable[[], float], progress: Progress) -> dict:
    """Run `call` (which blocks until Elasticsearch is done) while reporting `poll()` every so often
    (never less than before: Elasticsearch's own figures can step back between stages)."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        future = pool.submit(call)
        done = 0.0
        while not wait([future], timeout=defaults.SNAPSHOT_POLL_S).done:
            done = max(done, poll())
            progress(done)
        result = future.result()
        progress(1.0)
        return result
    finally:
        pool.shutdown(wait=False)


def _snapshot_progress(client: Elasticsearch, repository: str, name: str) -> float:
    found = client.options(ignore_status=404).snapshot.status(repository=repository, snapshot=name).body
    for info in found.get("snapshots", []):
        stats = info["stats"]
        todo = stats["incremental"]["size_in_bytes"]
        return min(1.0, stats.get("processed", {}).get("size_in_bytes", 0) / todo) if todo else 0.0
    return 0.0


def create(client: Elasticsearch, alias: str = defaults.INDEX_ALIAS,
           repository: str = defaults.SNAPSHOT_REPOSITORY, keep: int | None = None, take_over: bool = False,
           progress: Progress = lambda done: None) -> CreateResult:
    """Snapshot the alias's index, named `<alias>-<UTC time>`; with `keep`, then prune (see `prune`)."""
    live = live_indices(client, alias)
    if not live:
        raise BackupError(f"alias {alias!r} points at no index: nothing to back up")
    if len(live) > 1:
        raise BackupError(f"alias {alias!r} points at {len(live)} indices ({', '.join(live)}): a backup holds one")
    index = live[0]
    if client.cluster.health(index=index)["status"] == "red":
        raise BackupError(f"index {index} is red (a primary shard is unassigned): cannot back it up")
    _writable_repository(client, repository, take_over)
    documents = client.count(index=index)["count"]  # a live index is never written to, so this is the snapshot's
    name = f"{alias}-{datetime.now(timezone.utc):%Y%m%d-%H%M%S-%f}"[:-3]
    try:
        info = _wait(lambda: client.options(request_timeout=defaults.SNAPSHOT_TIMEOUT_S).snapshot.create(
            repository=repository, snapshot=name, indices=index, include_global_state=False,
            metadata={"alias": alias, "index": index, "documents": documents}, wait_for_completion=True,
        )["snapshot"], lambda: _snapshot_progress(client, repository, name), progress)
        if info["state"] != "SUCCESS":
            failures = "; ".join(f"{f.get('index')}: {f.get('reason')}" for f in info.get("failures", []))
            raise BackupError(f"snapshot {name} of {index} ended {info['state']}: {failures or 'no reason given'}")
    except BaseException as error:
        # deleting a failed or interrupted snapshot (which aborts it) leaves nothing to mistake for a backup
        client.options(ignore_status=404).snapshot.delete(repository=repository, snapshot=name)
        if isinstance(error, ApiError):
            raise BackupError(f"snapshot of {index} failed: {_reason(error)}") from None
        raise
    snapshot = next(s for s in _listing(client, repository) if s.name == name)
    return CreateResult(snapshot, prune(client, alias, keep, repository) if keep else [])


def prune(client: Elasticsearch, alias: str, keep: int, repository: str = defaults.SNAPSHOT_REPOSITORY) -> list[str]:
    """Delete the alias's snapshots older than its newest `keep` successful ones; returns their names."""
    kept, doomed = 0, []
    for snapshot in reversed(_listing(client, repository)):
        if snapshot.alias != alias:
            continue
        if kept >= keep:
            doomed.append(snapshot.name)
        elif snapshot.state == "SUCCESS":
            kept += 1
    if doomed:
        client.snapshot.delete(repository=repository, snapshot=",".join(doomed))
    return doomed


def chosen_snapshot(client: Elasticsearch, name: str | None = None, alias: str = defaults.INDEX_ALIAS,
                    repository: str = defaults.SNAPSHOT_REPOSITORY) -> Snapshot:
    """The snapshot called `name`, or else the alias's newest successful one."""
    found = snapshots(client, repository)
    if name:
        named = [s for s in found if s.name == name]
        if not named:
            raise BackupError(f"no snapshot named {name!r} in repository {repository!r} "
                              f"(`iopfinder backup list` shows them)")
        return named[0]
    done = [s for s in found if s.alias == alias and s.state == "SUCCESS"]
    if not done:
        raise BackupError(f"no successful snapshot of alias {alias!r} in repository {repository!r}")
    return done[-1]


def _restored_name(client: Elasticsearch, alias: str, source: str) -> str:
    """The snapshot's own index name when it is free and newer than every index of the alias, else a
    new version name: never an existing index, and `index --rollback` returns to the one live before."""
    existing = client.indices.get(index=[f"{alias}-*", source], ignore_unavailable=True,
                                  allow_no_indices=True, expand_wildcards="all")
    if source.startswith(f"{alias}-") and all(name < source for name in existing):
        return source
    return new_index_name(alias)


def _restore_progress(client: Elasticsearch, index: str) -> float:
    found = client.indices.recovery(index=index, ignore_unavailable=True, allow_no_indices=True).body
    sizes = [shard["index"]["size"] for shard in found.get(index, {}).get("shards", []) if shard["primary"]]
    total = sum(size["total_in_bytes"] for size in sizes)
    return sum(size["recovered_in_bytes"] for size in sizes) / total if total else 0.0


def restore(client: Elasticsearch, snapshot: Snapshot, alias: str = defaults.INDEX_ALIAS,
            repository: str = defaults.SNAPSHOT_REPOSITORY, progress: Progress = lambda done: None,
            ) -> RestoreResult:
    """Restore the snapshot's index, check it, then point the alias at it (see the module's docstring)."""
    if snapshot.state != "SUCCESS":
        raise BackupError(f"snapshot {snapshot.name} is {snapshot.state}, not a complete backup")
    if len(snapshot.indices) != 1 or snapshot.documents is None:
        raise BackupError(f"snapshot {snapshot.name} was not made by `iopfinder backup create` "
                          f"(it should hold one index and its document count)")
    started = time.monotonic()
    target = _restored_name(client, alias, snapshot.indices[0])
    try:
        response = _wait(lambda: client.options(request_timeout=defaults.SNAPSHOT_TIMEOUT_S).snapshot.restore(
            repository=repository, snapshot=snapshot.name, indices=snapshot.indices[0],
            include_global_state=False, include_aliases=False,  # the alias moves only after the check
            rename_pattern="(.+)", rename_replacement=target, wait_for_completion=True,
        )["snapshot"], lambda: _restore_progress(client, target), progress)
        if response["shards"]["failed"]:
            raise BackupError(f"{response['shards']['failed']} of {response['shards']['total']} shards of "
                              f"{target} failed to restore: not swapping")
        count = client.count(index=target)["count"]
        if count != snapshot.documents:
            raise BackupError(f"restored index {target} holds {count} documents, the snapshot "
                              f"{snapshot.documents}: not swapping")
        live = live_indices(client, alias)
        swap_alias(client, alias, live, target)
    except BaseException as error:
        if target not in live_indices(client, alias):
            client.options(ignore_status=404).indices.delete(index=target)
        if isinstance(error, ApiError):
            raise BackupError(f"restore of {snapshot.name} failed: {_reason(error)}") from None
        raise
    return RestoreResult(target, count, live[-1] if live else None, time.monotonic() - started)
