"""SAMHSA's FindTreatment locator listing: by state (limitType 0) or around a point (limitType 2,
radius in metres), following page/totalPages. The locator answers bad parameters with status 200
and a line of plain text: such a page is a failed request, counted under that text."""

from datetime import datetime, timezone
from urllib.parse import urlencode

import scrapy

from crawler.findtreatment.items import ListingRow
from crawler.outcome import count_failure, count_unreadable, failure_kind
from facility import defaults
from facility.states import STATE_FIPS

METRES_PER_MILE = 1609.344


def _unreadable(body: bytes) -> str:
    """What an answer that is no listing is: cut-off JSON, or the locator's plain-text complaint."""
    text = body.decode("utf-8", "replace").strip()
    if text.startswith(("{", "[")):
        return "malformed JSON"
    first_line = text.splitlines()[0][:80] if text else ""
    return f'plain text: "{first_line}"'


class FindTreatmentSpider(scrapy.Spider):
    """`scrapy crawl findtreatment -a state=VA,MD` (every state when neither state nor point is
    given) or `-a point=38.03,-78.48 -a radius_mi=10` (latitude first); `-a base_url=...` for a
    stand-in locator."""

    name = "findtreatment"
    custom_settings = {"ITEM_PIPELINES": {"crawler.findtreatment.pipeline.FacilityPipeline": 300},
                       "MAX_FAILURE_SHARE": defaults.FINDTREATMENT_MAX_FAILURE_SHARE,
                       "CLOSESPIDER_TIMEOUT": defaults.FINDTREATMENT_TIME_LIMIT_S,
                       "CLOSESPIDER_ERRORCOUNT": defaults.FINDTREATMENT_ERROR_LIMIT}

    def __init__(self, state: str | list[str] = (), point: str | tuple[float, float] | None = None,
                 radius_mi: float | str = 25, codes: str = "OIT", base_url: str = defaults.FINDTREATMENT_URL,
                 page_size: int | str = defaults.FINDTREATMENT_PAGE_SIZE, **kwargs):
        super().__init__(**kwargs)
        # `scrapy crawl -a` gives every argument as text; `iopfinder crawl` gives them typed.
        if isinstance(state, str):
            state = state.split(",")
        states = [code.strip().upper() for code in state if code.strip()]
        if isinstance(point, str):
            point = tuple(float(part) for part in point.split(","))
        if unknown := [code for code in states if code not in STATE_FIPS]:
            raise ValueError(f"state {', '.join(unknown)}: not a US state or territory code")
        if not states and not point:
            states = list(STATE_FIPS)
        self.codes, self.base_url, self.page_size = codes, base_url, int(page_size)
        # Each search is the query parameters that say where: a state, or a point and a radius.
        self.searches = [{"limitType": 0, "limitValue": STATE_FIPS[code]} for code in states]
        if point:
            # Latitude first: the developer guide's table says lng,lat, which finds nothing.
            self.searches.append({"sAddr": f"{point[0]:.6f},{point[1]:.6f}", "limitType": 2,
                                  "limitValue": round(float(radius_mi) * METRES_PER_MILE)})

    async def start(self):
        for where in self.searches:
            yield self.page(where, 1)

    def page(self, where: dict, number: int) -> scrapy.Request:
        query = {"sType": "SA", "sCodes": self.codes, "pageSize": self.page_size, "page": number,
                 **where, "sort": 0}
        return scrapy.Request(f"{self.base_url}?{urlencode(query)}", callback=self.parse, errback=self.failed,
                              cb_kwargs={"where": where, "number": number})

    def parse(self, response, where: dict, number: int):
        """One listing page: its rows, and from the first page the requests for the others.

        @url https://findtreatment.gov/locator/listing?sType=SA&sCodes=OIT&pageSize=2&page=1&limitType=0&limitValue=51&sort=0
        @cb_kwargs {"where": {"limitType": 0, "limitValue": 51}, "number": 1}
        @returns items 1 2
        @returns requests 0
        @scrapes row url retrieved_at
        """
        try:
            data = response.json()
            rows, pages = data["rows"], int(data.get("totalPages") or 0)
        except (ValueError, KeyError, TypeError, AttributeError):
            reason = f"page not a listing ({_unreadable(response.body)})"
            self.logger.warning("%s: %s", response.url, reason)
            self.crawler.stats.inc_value(f"dropped/{reason}")
            count_unreadable(self.crawler)
            return
        retrieved_at = datetime.now(timezone.utc)
        for row in rows or []:
            yield ListingRow(row=row, url=response.url, retrieved_at=retrieved_at)
        if number == 1:
            for later in range(2, pages + 1):
                yield self.page(where, later)

    def failed(self, failure):
        count_failure(self.crawler, failure, failure_kind(failure))
