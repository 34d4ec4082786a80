"""Reading stored facilities: one by id, or every match of a query a batch at a time."""

from collections.abc import AsyncIterator

from elasticsearch import AsyncElasticsearch, NotFoundError

from facility import defaults


async def stored_facility(client: AsyncElasticsearch, alias: str, facility_id: str, **options) -> dict | None:
    """One facility as stored (`options`: which of its fields), or None when no facility has that id."""
    try:
        return (await client.get(index=alias, id=facility_id, **options))["_source"]
    except NotFoundError as error:
        if error.message == "index_not_found_exception":
            raise  # search is unavailable, not the facility unknown
        return None


async def every_facility(client: AsyncElasticsearch, alias: str, query: dict, source) -> AsyncIterator[dict]:
    """Every facility the query matches, in id order, read a batch at a time from one point in time
    (an alias swap meanwhile neither repeats nor skips one); memory holds one batch. The first batch
    is read before this returns, so that a failure is still an error answer, not a broken stream."""
    keep_alive = {"keep_alive": defaults.EXPORT_KEEP_ALIVE}
    pit = (await client.open_point_in_time(index=alias, **keep_alive))["id"]
    body = {"query": query, "sort": [{"id": "asc"}], "size": defaults.EXPORT_BATCH, "_source": source,
            "track_total_hits": False}
    try:
        first = (await client.search(**body, pit={"id": pit, **keep_alive}))["hits"]["hits"]
    except Exception:
        await client.close_point_in_time(id=pit)
        raise

    async def facilities() -> AsyncIterator[dict]:
        hits = first
        try:
            while hits:
                for hit in hits:
                    yield hit["_source"]
                body["search_after"] = hits[-1]["sort"]
                hits = (await client.search(**body, pit={"id": pit, **keep_alive}))["hits"]["hits"]
        finally:
            await client.close_point_in_time(id=pit)

    return facilities()
