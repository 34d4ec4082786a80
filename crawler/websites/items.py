"""What the facility-site spider hands its pipeline, and what the pipeline passes on."""

from dataclasses import dataclass
from datetime import datetime


@dataclass
class SitePage:
    """One page of a facility's website, extracted only: the site pipeline reads it."""
    site: str  # crawler.websites.keys.site_key of the page
    start: str  # the start URL of the site the page was reached from
    url: str
    retrieved_at: datetime
    jsonld: list[str]  # the JSON-LD scripts, unparsed
    microdata: list[dict]  # as extruct gives them
    tel: list[str]  # tel: links
    byline: str | None  # an author line or the Open Graph mark of an article
    text: str  # visible text without navigation, headers and footers


@dataclass
class PageRead:
    """A page the site pipeline has read (its text is not kept past the pipeline)."""
    url: str
