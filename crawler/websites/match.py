"""Which listed facility a crawled website belongs to: by its domain, else a phone number it
publishes, else the street address in its schema.org data. Only a single facility counts as a
match; a site shared by several listed facilities must single one out by phone or address."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from crawler.websites.keys import site_key
from facility.model import SiteFacts
from facility.normalize import match_key


@dataclass(frozen=True)
class Listed:
    """What matching needs of one listed facility."""
    id: str
    website: str | None
    phones: tuple[str, ...]
    street1: str | None
    zip: str
    state: str | None = None


def _address_key(street1: str | None, zip_code: str) -> str | None:
    return f"{match_key(street1)}|{zip_code}" if street1 else None


class FacilityMatcher:
    def __init__(self, facilities: Iterable[Listed]):
        self.by_site: dict[str, set[str]] = defaultdict(set)
        self.by_phone: dict[str, set[str]] = defaultdict(set)
        self.by_address: dict[str, set[str]] = defaultdict(set)
        self.websites: list[str] = []
        self.states: dict[str, str | None] = {}
        for facility in facilities:
            self.states[facility.id] = facility.state
            if facility.website and (site := site_key(facility.website)):
                if site not in self.by_site:
                    self.websites.append(facility.website)
                self.by_site[site].add(facility.id)
            for phone in facility.phones:
                self.by_phone[phone].add(facility.id)
            if key := _address_key(facility.street1, facility.zip):
                self.by_address[key].add(facility.id)

    def match(self, start_url: str, facts: SiteFacts) -> tuple[str, str] | str:
        """(facility id, matched by) or the reason there is no single match."""
        on_site = self.by_site.get(site_key(start_url) or "", set())
        by_phone = set().union(*(self.by_phone.get(phone, set()) for phone in facts.phones))
        address = facts.address
        by_address = self.by_address.get(_address_key(address.street1, address.zip) or "", set()) \
            if address else set()
        if len(on_site) == 1:
            return next(iter(on_site)), "domain"
        for found, how in ((on_site & by_phone, "domain"), (on_site & by_address, "domain"),
                           (by_phone, "phone"), (by_address, "address")):
            if len(found) == 1:
                return next(iter(found)), how
        if on_site:
            return f"domain shared by {len(on_site)} listed facilities; no phone or address on the site singles one out"
        if len(by_phone) > 1 or len(by_address) > 1:
            return "its phone or address belongs to several listed facilities"
        return "no listed facility has this domain, phone or address"
