"""Building a new versioned index and swapping the alias to it without downtime.

The live alias is only ever changed by one atomic `_aliases` call at the very end. A build that
fails for any reason (invalid input, Elasticsearch error, interruption) deletes its half-built
index; one killed outright leaves an index never marked complete, which the next build deletes.
The previous index is kept for `rollback`; older ones are pruned. With replicas, the alias only
moves once every copy of the new index is allocated (the index is green).
"""

import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice

import orjson
from elasticsearch import ApiError, Elasticsearch, NotFoundError

from facility import defaults
from facility.merge import enrich, merge
from facility.model import Enrichment, Facility
from facility.tally import Tally
from indexer import BuildError
from indexer.documents import document_json, stored_record
from indexer.mapping import index_body


@dataclass(frozen=True)
class BuildOptions:
    alias: str = defaults.INDEX_ALIAS
    shards: int = defaults.INDEX_SHARDS
    replicas: int = defaults.INDEX_REPLICAS
    bulk_docs: int = defaults.BULK_DOCS
    bulk_threads: int = defaults.BULK_THREADS
    allow_shrink: bool = False
    green_timeout_s: float = defaults.INDEX_GREEN_TIMEOUT_S


@dataclass(frozen=True)
class BuildResult:
    index: str
    documents: int
    previous: str | None
    pruned: list[str]


def live_indices(client: Elasticsearch, alias: str) -> list[str]:
    try:
        return sorted(client.indices.get_alias(name=alias).body)
    except NotFoundError:
        return []


def _versions(client: Elasticsearch, alias: str) -> dict[str, bool]:
    """Every `<alias>-<version>` index → whether its build completed."""
    found = client.indices.get_mapping(index=f"{alias}-*", allow_no_indices=True).body
    return {name: bool(body["mappings"].get("_meta", {}).get("complete"))
            for name, body in found.items()}


def remove_incomplete(client: Elasticsearch, alias: str) -> list[str]:
    """Delete indices left by builds that never completed (e.g. killed mid-load)."""
    live = set(live_indices(client, alias))
    stale = [name for name, complete in _versions(client, alias).items()
             if not complete and name not in live]
    for name in stale:
        client.indices.delete(index=name, ignore_unavailable=True)
    return stale


def new_index_name(alias: str) -> str:
    return f"{alias}-{datetime.now(timezone.utc):%Y%m%d%H%M%S%f}"


def build(client: Elasticsearch, records: Iterable[Facility], tally: Tally,
          options: BuildOptions = BuildOptions(), progress: Callable[[int], None] = lambda n: None,
          enrichments: list[Enrichment] = (),
          ) -> BuildResult:
    """`enrichments` is read after `records` is exhausted (read_records fills it as it goes)."""
    _check_replicas(client, options.replicas)
    remove_incomplete(client, options.alias)
    name = new_index_name(options.alias)
    client.indices.create(index=name, **index_body(options.shards, options.replicas))
    bulk = Bulk(client, name)
    try:
        documents = _load(bulk, records, tally, options, progress)
        _apply_enrichments(bulk, enrichments, tally, options.bulk_docs)
        return _finish(client, name, documents, tally, options)
    except BaseException:
        client.options(ignore_status=404).indices.delete(index=name)
        raise
    finally:
        if bulk.retries:
            tally.note("bulk requests retried after 429 (too many requests)", bulk.retries)


class Bulk:
    """Bulk requests to one index. Those Elasticsearch turns away because its write queue is full
    (429, whole or item by item) are sent again after a pause that doubles each time."""

    def __init__(self, client: Elasticsearch, index: str):
        # Not the transport's own retry on 429: it would resend at once.
        self.client = client.options(retry_on_status=defaults.TRANSPORT_RETRY_ON_STATUS)
        self.index = index
        self.retries = 0
        self._lock = threading.Lock()

    def post(self, action: str, batch: list[tuple[str, bytes]]) -> list[tuple[bytes, dict]]:
        """Send (id, JSON document) pairs as `action` ("create" or "index"); returns the
        (document, item) pairs that failed for another reason than 429."""
        failed = []
        pause = defaults.BULK_BACKOFF_S
        for attempt in range(defaults.BULK_RETRIES + 1):
            rejected = self._send_once(action, batch, failed)
            if not rejected:
                return failed
            if attempt == defaults.BULK_RETRIES:
                raise BuildError(f"Elasticsearch still answered 429 (too many requests) for {len(rejected)} "
                                 f"documents after {defaults.BULK_RETRIES} retries: its write queue stays full")
            with self._lock:
                self.retries += 1
            time.sleep(pause)
            pause = min(2 * pause, defaults.BULK_BACKOFF_MAX_S)
            batch = rejected

    def _send_once(self, action: str, batch: list[tuple[str, bytes]], failed: list) -> list[tuple[str, bytes]]:
        """Returns what was turned away with 429; other failures are added to `failed`."""
        verb = action.encode()
        body = b"".join(b'{"%s":{"_id":"%s"}}\n%s\n' % (verb, id_.encode(), document) for id_, document in batch)
        try:
            response = self.client.bulk(index=self.index, operations=body,
                                        filter_path="errors,items.*.status,items.*.error.reason")
        except ApiError as error:
            if error.meta.status == 429:
                return batch
            raise
        if not response["errors"]:
            return []
        rejected = []
        for pair, item in zip(batch, response["items"]):
            result = item[action]
            if result["status"] == 429:
                rejected.append(pair)
            elif result["status"] >= 300:
                failed.append((pair[1], result))
        return rejected


def _load(bulk: Bulk, records, tally, options, progress) -> int:
    """Bulk-create every record; records whose id is already there are merged afterwards.

    The main thread validates and serializes; sender threads only post ready bytes, so that
    they hardly need the GIL. Batches hold JSON text, not models, and records to merge wait in
    a temporary file, to keep memory flat.
    """
    created = 0
    lock = threading.Lock()
    with tempfile.TemporaryFile() as conflicts:

        def send(batch: list[tuple[str, bytes]]) -> None:
            nonlocal created
            failed = bulk.post("create", batch)
            with lock:
                created += len(batch) - len(failed)
                for document, item in failed:
                    if item["status"] != 409:
                        raise BuildError(f"Elasticsearch rejected facility {document[:200].decode()}: "
                                         f"{item.get('error', {}).get('reason')}")
                    conflicts.write(document + b"\n")
            progress(len(batch))

        serialized = ((record.id, document_json(record)) for record in records)
        with ThreadPoolExecutor(max_workers=options.bulk_threads) as pool:
            pending: list[Future] = []
            for batch in _batches(serialized, options.bulk_docs):
                pending.append(pool.submit(send, batch))
                # Keep at most one batch waiting per thread: memory stays flat however long the input.
                while len(pending) > options.bulk_threads:
                    pending.pop(0).result()
            for future in pending:
                future.result()
        conflicts.seek(0)
        _merge_conflicts(bulk, conflicts, tally, options.bulk_docs)
    return created


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, size)):
        yield batch


def _stored(bulk: Bulk, ids: Iterable[str]) -> dict[str, Facility]:
    found = bulk.client.mget(index=bulk.index, ids=sorted(set(ids)))["docs"]
    return {doc["_id"]: stored_record(doc["_source"]) for doc in found if doc["found"]}


def _write(bulk: Bulk, records: dict[str, Facility], what: str) -> None:
    failed = bulk.post("index", [(id_, document_json(record)) for id_, record in records.items()])
    if failed:
        raise BuildError(f"Elasticsearch rejected {what} {failed[0][0][:200].decode()}: {failed[0][1].get('error')}")


def _merge_conflicts(bulk: Bulk, documents: Iterable[bytes], tally: Tally, size: int) -> None:
    """Documents whose id was already loaded, merged into the stored records a batch at a time
    (in the order they came, so a facility listed three times merges twice)."""
    for batch in _batches(iter(documents), size):
        records = [stored_record(orjson.loads(document)) for document in batch]
        stored = _stored(bulk, (record.id for record in records))
        for record in records:
            stored[record.id] = merge(stored[record.id], record)
        _write(bulk, stored, "a merged facility")
        tally.note("records merged by id", len(records))


def _apply_enrichments(bulk: Bulk, enrichments: list[Enrichment], tally: Tally, size: int) -> None:
    for start in range(0, len(enrichments), size):
        batch = enrichments[start:start + size]
        stored = _stored(bulk, (e.facility_id for e in batch))
        for enrichment in batch:
            if enrichment.facility_id not in stored:
                tally.note("enrichments for a facility not in this build (skipped)")
                continue
            stored[enrichment.facility_id] = enrich(stored[enrichment.facility_id], enrichment)
            tally.note("enrichments applied")
        if stored:
            _write(bulk, stored, "an enriched facility")


def _finish(client, name, documents, tally, options) -> BuildResult:
    invalid = sum(tally.dropped.values())
    if tally.read and invalid > defaults.MAX_INVALID_SHARE * tally.read:
        raise BuildError(f"{invalid} of {tally.read} input lines are invalid "
                         f"(more than {defaults.MAX_INVALID_SHARE:.0%}): not swapping")
    if documents == 0:
        raise BuildError("no valid facility records in the input: not swapping")
    client.indices.refresh(index=name)
    # One segment per shard before any replica copies it: the index is read, never written, until the next
    # build, and a search over many segments repeats its per-segment work (global ordinals, geo, terms).
    client.options(request_timeout=defaults.FORCE_MERGE_TIMEOUT_S).indices.forcemerge(index=name, max_num_segments=1)
    client.indices.put_settings(index=name, settings={
        "refresh_interval": None, "number_of_replicas": options.replicas})
    count = client.count(index=name)["count"]
    if count != documents:
        raise BuildError(f"index {name} holds {count} documents, expected {documents}")
    live = live_indices(client, options.alias)
    live_count = client.count(index=options.alias)["count"] if live else 0
    if live_count and count < defaults.MIN_KEPT_RATIO * live_count and not options.allow_shrink:
        raise BuildError(f"new index would hold {count} facilities, under "
                         f"{defaults.MIN_KEPT_RATIO:.0%} of the live {live_count}: not swapping "
                         f"(use --allow-shrink if that is intended)")
    _wait_for_green(client, name, options)
    client.indices.put_mapping(index=name, meta={"complete": True, "documents": count})
    swap_alias(client, options.alias, live, name)
    tally.written = count
    previous = live[-1] if live else None
    pruned = [index for index in _versions(client, options.alias) if index not in (name, previous)]
    for index in pruned:
        client.indices.delete(index=index, ignore_unavailable=True)
    return BuildResult(name, count, previous, pruned)


def _check_replicas(client: Elasticsearch, replicas: int) -> None:
    """Fail before loading anything when the index could never turn green: each copy of a shard
    needs a data node of its own."""
    nodes = client.cluster.health()["number_of_data_nodes"]
    if replicas >= nodes:
        raise BuildError(f"{replicas} replica(s) need {replicas + 1} data nodes and the cluster has {nodes}: "
                         f"the new index could never turn green (nothing was built)")


def _wait_for_green(client: Elasticsearch, name: str, options: BuildOptions) -> None:
    """Every copy of the new index allocated (green) before the alias moves to it."""
    # A wait that times out is answered with 408 and timed_out.
    health = client.options(ignore_status=408,
                            request_timeout=options.green_timeout_s + defaults.ELASTICSEARCH_REQUEST_TIMEOUT_S,
                            ).cluster.health(index=name, wait_for_status="green", timeout=f"{options.green_timeout_s:g}s")
    if health["timed_out"]:
        raise BuildError(f"index {name} did not turn green within {options.green_timeout_s:g} s "
                         f"({health['unassigned_shards']} shard copies unassigned): not swapping "
                         f"(the new index is deleted)")


def swap_alias(client: Elasticsearch, alias: str, live: list[str], target: str) -> None:
    actions = [{"remove": {"index": index, "alias": alias}} for index in live]
    actions.append({"add": {"index": target, "alias": alias}})
    client.indices.update_aliases(actions=actions)


def rollback(client: Elasticsearch, alias: str = defaults.INDEX_ALIAS) -> tuple[str, str]:
    """Point the alias back at the newest complete index older than the live one."""
    live = live_indices(client, alias)
    if not live:
        raise BuildError(f"alias {alias!r} points at no index: nothing to roll back")
    older = sorted(name for name, complete in _versions(client, alias).items()
                   if complete and name < min(live))
    if not older:
        raise BuildError(f"no complete index older than {live[-1]} is kept: cannot roll back")
    swap_alias(client, alias, live, older[-1])
    return live[-1], older[-1]
