"""The listed facilities crawled websites are matched to: staged Facility records, or the
documents behind an index alias."""

from pathlib import Path

from crawler.websites.match import Listed
from facility import defaults
from facility.model import Facility
from facility.staging import read_staged
from facility.tally import Tally


def listed(record: dict) -> Listed:
    address = record.get("address") or {}
    return Listed(id=record["id"], website=record.get("website"),
                  phones=tuple(phone["number"] for phone in record.get("phones") or []),
                  street1=address.get("street1"), zip=address.get("zip", ""), state=address.get("state"))


def listed_in_file(path: Path, tally: Tally) -> list[Listed]:
    return [listed(record.model_dump()) for record in read_staged([path], tally) if isinstance(record, Facility)]


def listed_in_index(client_options: dict, alias: str) -> list[Listed]:
    # Imported here: the client costs a crawl ~20 MB, and most crawls match against a file.
    from elasticsearch import Elasticsearch
    from elasticsearch.helpers import scan

    with Elasticsearch(**client_options, request_timeout=defaults.ELASTICSEARCH_REQUEST_TIMEOUT_S) as client:
        hits = scan(client, index=alias, query={"query": {"match_all": {}}},
                    _source=["id", "website", "phones.number", "address.street1", "address.zip", "address.state"])
        return [listed(hit["_source"]) for hit in hits]


def listed_facilities(settings, tally: Tally) -> list[Listed]:
    """The staged file the setting SITE_FACILITIES names, else the index alias SITE_FACILITIES_ALIAS
    (default: the live one) in the cluster ELASTICSEARCH (the client's options: hosts, credentials)."""
    if path := settings.get("SITE_FACILITIES"):
        return listed_in_file(Path(path), tally)
    alias = settings.get("SITE_FACILITIES_ALIAS") or defaults.INDEX_ALIAS
    return listed_in_index(settings["ELASTICSEARCH"], alias)
