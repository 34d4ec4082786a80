"""Precision and recall of the facility-website reader, field by field, over the labelled pages of
tests/crawler/websites/extraction_eval/pages.yaml (program, schedule, insurance, FAQ and admissions pages,
general articles, pages naming other states' plans), each read as the crawl reads it: the page's
kind first (an article says nothing about the facility), then its sentences, then the facility's state.

Targets: precision >= 0.97 for every field, recall >= 0.85.

    .venv/bin/python benchmarks/extraction_quality.py [--misses]
"""

import argparse
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import yaml

from crawler.websites.facts import SiteReading
from crawler.websites.schema import SchemaFacts
from crawler.websites.scope import is_article
from crawler.websites.text import read_page

EVAL = Path(__file__).resolve().parents[1] / "tests" / "crawler" / "websites" / "extraction_eval"
PAGES = EVAL / "pages.yaml"
FIELDS = ("days", "evening", "weekend", "hours_per_week", "telehealth", "carriers", "medicaid_plans")
PRECISION_TARGET, RECALL_TARGET = 0.97, 0.85
READ_AT = datetime(2026, 11, 1, tzinfo=timezone.utc)


def facts_of(expect: dict) -> set[tuple[str, object]]:
    """A page's facts as (field, value) pairs; a false evening/weekend or an unknown is no fact."""
    facts = {("days", day) for day in expect["days"]}
    facts |= {(name, True) for name in ("evening", "weekend") if expect[name]}
    facts |= {(name, expect[name]) for name in ("hours_per_week", "telehealth") if expect[name] is not None}
    facts |= {(name, value) for name in ("carriers", "medicaid_plans") for value in expect[name]}
    return facts


def read(page: dict) -> dict:
    """What the reader concludes about the facility from one page, in the labels' shape."""
    reading = SiteReading(url=page["url"])
    types = {page["schema_type"]} if page.get("schema_type") else set()
    article = is_article(page["url"], types, page.get("byline"), page["text"])
    reading.add_page(page["url"], READ_AT, None if article else read_page(page["text"]), SchemaFacts(types=types), [])
    facts = reading.facts(state=page["state"])
    return {"days": sorted({day for schedule in facts.schedules for day in schedule.days}),
            "evening": facts.evening, "weekend": facts.weekend,
            "hours_per_week": reading.stated_hours,  # as stated; a figure derived from a schedule is not labelled
            "telehealth": facts.telehealth, "carriers": facts.insurance_carriers,
            "medicaid_plans": facts.medicaid_plans}


def evaluate(pages: list[dict]) -> tuple[dict[str, Counter], list[tuple[str, str, object]]]:
    """Counts of true positives, false positives and false negatives per field, and each miss."""
    counts = {name: Counter() for name in FIELDS}
    misses = []
    for page in pages:
        expected, found = facts_of(page["expect"]), facts_of(read(page))
        for name, value in found & expected:
            counts[name]["tp"] += 1
        for name, value in found - expected:
            counts[name]["fp"] += 1
            misses.append((page["id"], f"wrong {name}", value))
        for name, value in expected - found:
            counts[name]["fn"] += 1
            misses.append((page["id"], f"missed {name}", value))
    return counts, misses


def scores(count: Counter) -> tuple[float, float]:
    found, expected = count["tp"] + count["fp"], count["tp"] + count["fn"]
    return (count["tp"] / found if found else 1.0), (count["tp"] / expected if expected else 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every wrong and missed fact")
    args = parser.parse_args()
    pages = yaml.safe_load(PAGES.read_text(encoding="utf-8"))
    counts, misses = evaluate(pages)
    kinds = Counter(page["kind"] for page in pages)
    print(f"{len(pages)} labelled pages: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    print(f"{'field':<16}{'facts':>7}{'found':>7}{'right':>7}{'precision':>11}{'recall':>8}")
    met = True
    for name in FIELDS:
        count = counts[name]
        precision, recall = scores(count)
        met &= precision >= PRECISION_TARGET and recall >= RECALL_TARGET
        print(f"{name:<16}{count['tp'] + count['fn']:>7}{count['tp'] + count['fp']:>7}{count['tp']:>7}"
              f"{precision:>11.3f}{recall:>8.3f}")
    if args.misses:
        for page_id, what, value in misses:
            print(f"  {page_id}: {what} {value}")
    print(f"targets (precision >= {PRECISION_TARGET}, recall >= {RECALL_TARGET}): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
