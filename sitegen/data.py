"""What the site is built from: every IOP facility behind the alias, read once."""

from collections.abc import Iterator

from elasticsearch import Elasticsearch

PAGE = 2_000


def iop_facilities(client: Elasticsearch, alias: str) -> Iterator[dict]:
    """Every facility offering IOP, in id order (search_after paging: no scroll state to leak)."""
    after = None
    while True:
        body = {"query": {"term": {"levels_of_care": "iop"}}, "sort": [{"id": "asc"}], "size": PAGE}
        if after:
            body["search_after"] = after
        hits = client.search(index=alias, **body)["hits"]["hits"]
        for hit in hits:
            yield hit["_source"]
        if len(hits) < PAGE:
            return
        after = hits[-1]["sort"]
