from datetime import datetime, timezone

from crawler.websites.match import FacilityMatcher, Listed
from facility.model import SiteFacts

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
LISTED = [
    Listed("1" * 16, "https://www.harbor.example.org/iop", ("+14345550100",), "100 Water St", "22902"),
    Listed("2" * 16, "http://chain.example.org/", ("+14345550200",), "1 Oak St", "22901"),
    Listed("3" * 16, "https://chain.example.org/b", ("+14345550300",), "2 Elm Avenue", "22903"),
    Listed("4" * 16, None, ("+14345550400",), "45 Orchard Rd", "24401"),
    Listed("5" * 16, None, ("+14345550400",), "9 Pine St", "24401"),
]


def facts(phones=(), address=None):
    return SiteFacts(url="https://x.example/", pages=1, phones=list(phones), address=address, retrieved_at=NOW)


def test_domain_phone_then_address():
    matcher = FacilityMatcher(LISTED)
    assert matcher.match("https://harbor.example.org/", facts()) == ("1" * 16, "domain")
    assert matcher.match("https://other.example/", facts(address={"street1": "45 Orchard Road", "city": "S",
                                                                   "state": "VA", "zip": "24401"})) == ("4" * 16, "address")
    assert matcher.match("https://other.example/", facts(phones=["+14345550300"])) == ("3" * 16, "phone")


def test_a_shared_domain_needs_a_phone_or_address_to_single_one_out():
    matcher = FacilityMatcher(LISTED)
    assert matcher.match("https://chain.example.org/", facts(phones=["+14345550200"])) == ("2" * 16, "domain")
    assert matcher.match("https://chain.example.org/", facts(address={"street1": "2 Elm Ave", "city": "C",
                                                                      "state": "VA", "zip": "22903"})) == ("3" * 16, "domain")
    assert matcher.match("https://chain.example.org/", facts()).startswith("domain shared by 2 listed facilities")


def test_ambiguous_or_unknown_sites_are_not_matched():
    matcher = FacilityMatcher(LISTED)
    assert matcher.match("https://x.example/", facts(phones=["+14345550400"])) == \
        "its phone or address belongs to several listed facilities"
    assert matcher.match("https://x.example/", facts()) == "no listed facility has this domain, phone or address"


def test_one_start_url_per_website():
    assert FacilityMatcher(LISTED).websites == ["https://www.harbor.example.org/iop", "http://chain.example.org/"]
