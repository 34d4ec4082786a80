from datetime import datetime, timezone

from crawler.websites.facts import SiteReading
from crawler.websites.schema import SchemaFacts
from crawler.websites.text import read_page


def test_tracks_with_their_own_weekly_totals_publish_the_fewest_and_cite_both():
    findings = read_page("Our IOP\nAdults attend 10 hours a week.\nTeens in our IOP attend 6 hours a week.")
    reading = SiteReading(url="https://example.org/")
    reading.add_page("https://example.org/iop", datetime(2026, 11, 1, tzinfo=timezone.utc), findings, SchemaFacts(), [])
    facts = reading.facts("OR")
    assert facts.hours_per_week == 6
    assert {e.value for e in facts.evidence if e.field == "hours_per_week"} == {"10.0", "6.0"}
