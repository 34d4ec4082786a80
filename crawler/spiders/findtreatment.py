"""SAMHSA's FindTreatment locator listing: by state (limitType 0) or around a point (limitType 2,
radius in metres), following page/totalPages."""

from datetime import datetime, timezone
from urllib.parse import urlencode

import scrapy

from facility import defaults
from facility.states import STATE_FIPS

METRES_PER_MILE = 1609.344


class FindTreatmentSpider(scrapy.Spider):
    name = "findtreatment"

    def __init__(self, states: list[str], point: tuple[float, float] | None = None, radius_mi: float = 25,
                 codes: str = "OIT", base_url: str = defaults.FINDTREATMENT_URL,
                 page_size: int = defaults.FINDTREATMENT_PAGE_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.codes, self.base_url, self.page_size = codes, base_url, page_size
        # Each search is the query parameters that say where: a state, or a point and a radius.
        self.searches = [{"limitType": 0, "limitValue": STATE_FIPS[state]} for state in states]
        if point:
            self.searches.append({"sAddr": f"{point[0]:.6f},{point[1]:.6f}", "limitType": 2,
                                  "limitValue": round(radius_mi * METRES_PER_MILE)})

    async def start(self):
        for where in self.searches:
            yield self.page(where, 1)

    def page(self, where: dict, number: int) -> scrapy.Request:
        query = {"sType": "SA", "sCodes": self.codes, "pageSize": self.page_size, "page": number,
                 **where, "sort": 0}
        return scrapy.Request(f"{self.base_url}?{urlencode(query)}", callback=self.parse,
                              cb_kwargs={"where": where, "number": number})

    def parse(self, response, where: dict, number: int):
        try:
            data = response.json()
            rows, pages = data["rows"], int(data.get("totalPages") or 0)
        except (ValueError, KeyError, TypeError, AttributeError):
            self.crawler.stats.inc_value("dropped/page not a listing (malformed JSON)")
            return
        retrieved_at = datetime.now(timezone.utc).isoformat()
        for row in rows or []:
            yield {"row": row, "url": response.url, "retrieved_at": retrieved_at}
        if number == 1:
            for later in range(2, pages + 1):
                yield self.page(where, later)
