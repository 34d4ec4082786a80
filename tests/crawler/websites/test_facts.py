from datetime import datetime, timezone

from crawler.websites.facts import SiteReading
from crawler.websites.schema import SchemaFacts
from crawler.websites.text import read_page


def reading_of(text: str) -> SiteReading:
    reading = SiteReading(url="https://example.org/")
    reading.add_page("https://example.org/iop", datetime(2026, 11, 1, tzinfo=timezone.utc), read_page(text),
                     SchemaFacts(), [])
    return reading


def test_weekly_totals_that_disagree_are_quoted_not_stated():
    # a track's total beside another's, or a part of the program ("6 hours of group") beside its whole
    for text in ("Our IOP\nAdults attend 10 hours a week.\nTeens in our IOP attend 6 hours a week.",
                 "Our IOP\nOur IOP is 9 hours a week of groups and therapy.\n• 6 hours/wk of group"):
        facts = reading_of(text).facts("OR")
        assert facts.hours_per_week is None
        assert [e for e in facts.evidence if e.field == "hours_per_week"] == []
        assert len({q.value for q in facts.quotes if q.field == "hours_per_week"}) == 2


def test_one_weekly_total_said_twice_is_stated():
    facts = reading_of("Our IOP\nOur IOP is 9 hours a week.\nIn all, 9 hours a week of IOP groups.").facts("OR")
    assert facts.hours_per_week == 9
