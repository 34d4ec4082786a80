"""SAMHSA's FindTreatment locator listing: by state (limitType 0), following page/totalPages."""

from datetime import datetime, timezone
from urllib.parse import urlencode

import scrapy

from facility import defaults
from facility.states import STATE_FIPS


class FindTreatmentSpider(scrapy.Spider):
    name = "findtreatment"

    def __init__(self, states: list[str], codes: str = "OIT", base_url: str = defaults.FINDTREATMENT_URL,
                 page_size: int = defaults.FINDTREATMENT_PAGE_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.states, self.codes, self.base_url, self.page_size = states, codes, base_url, page_size

    async def start(self):
        for state in self.states:
            yield self.page(state, 1)

    def page(self, state: str, number: int) -> scrapy.Request:
        query = {"sType": "SA", "sCodes": self.codes, "pageSize": self.page_size, "page": number,
                 "limitType": 0, "limitValue": STATE_FIPS[state], "sort": 0}
        return scrapy.Request(f"{self.base_url}?{urlencode(query)}", callback=self.parse,
                              cb_kwargs={"state": state, "number": number})

    def parse(self, response, state: str, number: int):
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
                yield self.page(state, later)
