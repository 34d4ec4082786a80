"""Building a new versioned index and swapping the alias to it without downtime.

The live alias is only ever changed by one atomic `_aliases` call at the very end. A build that
fails for any reason (invalid input, Elasticsearch error, interruption) deletes its half-built
index; one killed outright leaves an index never marked complete, which the next build deletes.
The previous index is kept for `rollback`; older ones are pruned.
"""

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import islice

import orjson
from elasticsearch import Elasticsearch, NotFoundError

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


def _new_index_name(alias: str) -> str:
    return f"{alias}-{datetime.now(timezone.utc):%Y%m%d%H%M%S%f}"


def build(client: Elasticsearch, records: Iterable[Facility], tally: Tally,
          options: BuildOptions = BuildOptions(), progress: Callable[[int], None] = lambda n: None,
          enrichments: list[Enrichment] = (),
          ) -> BuildResult:
    """`enrichments` is read after `records` is exhausted (read_records fills it as it goes)."""
    remove_incomplete(client, options.alias)
    name = _new_index_name(options.alias)
    client.indices.create(index=name, **index_body(options.shards, options.replicas))
    try:
        documents = _load(client, name, records, tally, options, progress)
        _apply_enrichments(client, name, enrichments, tally)
        return _finish(client, name, documents, tally, options)
    except BaseException:
        client.options(ignore_status=404).indices.delete(index=name)
        raise


def _load(client, name, records, tally, options, progress) -> int:
    """Bulk-create every record; records whose id is already there are merged afterwards.

    The main thread validates and serializes; sender threads only post ready bytes, so that
    they hardly need the GIL. Batches hold JSON text, not models, to keep memory flat.
    """
    created = 0
    conflicts: list[str] = []
    lock = threading.Lock()

    def send(batch: list[tuple[str, str]]) -> None:
        nonlocal created
        body = "".join('{"create":{"_id":"%s"}}\n%s\n' % pair for pair in batch)
        response = client.bulk(index=name, operations=body,
                               filter_path="errors,items.*.status,items.*.error.reason")
        failed = [(document, item["create"]) for (_, document), item in zip(batch, response["items"])
                  if item["create"]["status"] >= 300] if response["errors"] else []
        with lock:
            created += len(batch) - len(failed)
            for document, item in failed:
                if item["status"] != 409:
                    raise BuildError(f"Elasticsearch rejected facility {document[:200]}: "
                                     f"{item.get('error', {}).get('reason')}")
                conflicts.append(document)
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
    _merge_conflicts(client, name, conflicts, tally)
    return created


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, size)):
        yield batch


def _merge_conflicts(client, name, conflicts: list[str], tally: Tally) -> None:
    for document in conflicts:
        record = stored_record(orjson.loads(document))
        stored = stored_record(client.get(index=name, id=record.id)["_source"])
        client.index(index=name, id=record.id, document=orjson.loads(document_json(merge(stored, record))))
        tally.note("records merged by id")


def _apply_enrichments(client, name, enrichments: list[Enrichment], tally: Tally) -> None:
    for start in range(0, len(enrichments), defaults.BULK_DOCS):
        batch = enrichments[start:start + defaults.BULK_DOCS]
        found = client.mget(index=name, ids=sorted({e.facility_id for e in batch}))["docs"]
        stored = {doc["_id"]: stored_record(doc["_source"]) for doc in found if doc["found"]}
        for enrichment in batch:
            if enrichment.facility_id not in stored:
                tally.note("enrichments for a facility not in this build (skipped)")
                continue
            stored[enrichment.facility_id] = enrich(stored[enrichment.facility_id], enrichment)
            tally.note("enrichments applied")
        if stored:
            body = "".join('{"index":{"_id":"%s"}}\n%s\n' % (id_, document_json(record))
                           for id_, record in stored.items())
            response = client.bulk(index=name, operations=body, filter_path="errors,items.*.error.reason")
            if response["errors"]:
                raise BuildError(f"Elasticsearch rejected an enriched facility: {response['items'][0]}")


def _finish(client, name, documents, tally, options) -> BuildResult:
    invalid = sum(tally.dropped.values())
    if tally.read and invalid > defaults.MAX_INVALID_SHARE * tally.read:
        raise BuildError(f"{invalid} of {tally.read} input lines are invalid "
                         f"(more than {defaults.MAX_INVALID_SHARE:.0%}): not swapping")
    if documents == 0:
        raise BuildError("no valid facility records in the input: not swapping")
    client.indices.put_settings(index=name, settings={
        "refresh_interval": None, "number_of_replicas": options.replicas})
    client.indices.refresh(index=name)
    count = client.count(index=name)["count"]
    if count != documents:
        raise BuildError(f"index {name} holds {count} documents, expected {documents}")
    live = live_indices(client, options.alias)
    live_count = client.count(index=options.alias)["count"] if live else 0
    if live_count and count < defaults.MIN_KEPT_RATIO * live_count and not options.allow_shrink:
        raise BuildError(f"new index would hold {count} facilities, under "
                         f"{defaults.MIN_KEPT_RATIO:.0%} of the live {live_count}: not swapping "
                         f"(use --allow-shrink if that is intended)")
    client.indices.put_mapping(index=name, meta={"complete": True, "documents": count})
    _swap(client, options.alias, live, name)
    tally.written = count
    previous = live[-1] if live else None
    pruned = [index for index in _versions(client, options.alias) if index not in (name, previous)]
    for index in pruned:
        client.indices.delete(index=index, ignore_unavailable=True)
    return BuildResult(name, count, previous, pruned)


def _swap(client: Elasticsearch, alias: str, live: list[str], target: str) -> None:
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
    _swap(client, alias, live, older[-1])
    return live[-1], older[-1]
