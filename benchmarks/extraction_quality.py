"""Precision and recall of the facility-website reader, field by field, over labelled pages
(tests/crawler/websites/extraction_eval), each read as the crawl reads it: the whole page's kind first
(an article or a story says nothing about the facility), then its sentences, each finding with its
class of evidence, then the facility's state. Only findings of a published class count as facts
(crawler.websites.evidence); quotes are not facts.

The sets: `written` (pages.yaml, the first pages written for the reader's tests), `real-shapes`
(real_shapes_*.yaml, pages written in the shapes of real facility websites), then `fresh` and `fresh2` to `fresh8`
(fresh_*.yaml, fresh2_*.yaml, ...), each written after the one before had been measured, the later ones in the
proportions of a random sample of real facility pages. Each real-web set has a held-back third, the pages whose id
hashes to 0 modulo 3, decided before any tuning: `held-back`, `fresh-held-back`, `fresh2-held-back` and so on; the
rest are `tuning`, `fresh-tuning`, `fresh2-tuning` and so on. Each held-back third was measured once, after its
set's tuning; those of real-shapes and fresh have since been tuned on, and those of fresh2 to fresh8 are not.
`--classes` prints each class of evidence's precision over the pages tuned on (TUNED_ON), the measurement behind
crawler.websites.evidence.PUBLISHED.

Targets: precision >= 0.97 for every field, recall >= 0.80.

    .venv/bin/python benchmarks/extraction_quality.py [--set NAME ...] [--classes] [--misses]
"""

import argparse
import hashlib
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.websites.evidence import Basis, published
from crawler.websites.facts import SiteReading
from crawler.websites.schema import SchemaFacts
from crawler.websites.scope import SILENT_KINDS, page_kind
from crawler.websites.text import PageFindings, carrier_names, read_page

EVAL = Path(__file__).resolve().parents[1] / "tests" / "crawler" / "websites" / "extraction_eval"
FIELDS = ("days", "evening", "weekend", "hours_per_week", "telehealth", "carriers", "medicaid_plans")
PRECISION_TARGET, RECALL_TARGET = 0.97, 0.80
READ_AT = datetime(2026, 11, 1, tzinfo=timezone.utc)
# Each set: the files it is read from, and which of their pages it keeps (None: all; True: the held-back third).
# The fresh sets in the real web's shapes, each read whole, as its tuning two thirds and as its held-back third.
FRESH = ("fresh", *(f"fresh{n}" for n in range(2, 9)))
SETS = {"written": ("pages.yaml", None), "real-shapes": ("real_shapes_*.yaml", None),
        "tuning": ("real_shapes_*.yaml", False), "held-back": ("real_shapes_*.yaml", True),
        **{f"{name}{part}": (f"{name}_*.yaml", third) for name in FRESH
           for part, third in (("", None), ("-tuning", False), ("-held-back", True))}}
# Every page but the held-back thirds of fresh2 to fresh8.
TUNED_ON = ("written", "real-shapes", "fresh", *(f"{name}-tuning" for name in FRESH[1:]))


def held_back(page: dict) -> bool:
    return int(hashlib.sha256(page["id"].encode()).hexdigest(), 16) % 3 == 0


def load(name: str) -> list[dict]:
    """One of SETS."""
    files, third = SETS[name]
    pages = [page for path in sorted(EVAL.glob(files)) for page in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return pages if third is None else [page for page in pages if held_back(page) == third]


def facts_of(expect: dict) -> set[tuple[str, object]]:
    """A page's facts as (field, value) pairs; a false evening/weekend or an unknown is no fact."""
    facts = {("days", day) for day in expect["days"]}
    facts |= {(name, True) for name in ("evening", "weekend") if expect[name]}
    facts |= {(name, expect[name]) for name in ("hours_per_week", "telehealth") if expect[name] is not None}
    facts |= {(name, value) for name in ("carriers", "medicaid_plans") for value in expect[name]}
    return facts


def _findings(page: dict) -> PageFindings | None:
    types = {page["schema_type"]} if page.get("schema_type") else set()
    kind = page_kind(page["url"], types, page.get("byline"), page["text"], carrier_names())
    return None if kind in SILENT_KINDS else read_page(page["text"], kind, urlsplit(page["url"]).hostname or "")


def read(page: dict) -> dict:
    """What the record would publish as structured facts about the facility from one page (a page in
    the evaluation set's shape: id, url, schema_type, byline, state, text), in the labels' shape."""
    reading = SiteReading(url=page["url"])
    types = {page["schema_type"]} if page.get("schema_type") else set()
    reading.add_page(page["url"], READ_AT, _findings(page), SchemaFacts(types=types), [])
    facts = reading.facts(state=page["state"])
    return {"days": sorted({day for schedule in facts.schedules for day in schedule.days}),
            "evening": facts.evening, "weekend": facts.weekend,
            "hours_per_week": reading.stated_hours,  # as stated; a figure derived from a schedule is not labelled
            "telehealth": facts.telehealth, "carriers": facts.insurance_carriers,
            "medicaid_plans": facts.medicaid_plans}


def classified(page: dict) -> set[tuple[Basis, str, object]]:
    """Every finding of the page, published or not, as (class of evidence, field, value)."""
    findings = _findings(page)
    if findings is None:
        return set()
    found = set()
    for finding in findings.schedules:
        schedule = finding.value
        found |= {(finding.basis, "days", day) for day in schedule.days}
        found |= {(finding.basis, name, True) for name in ("evening", "weekend") if getattr(schedule, name)}
    found |= {(f.basis, "hours_per_week", f.value) for f in findings.hours_per_week}
    found |= {(f.basis, "telehealth", f.value) for f in findings.telehealth}
    refused = {f.value for f in findings.refused}  # a name the page also refuses is not published
    found |= {(f.basis, name, f.value.name) for name, kind in (("carriers", findings.carriers),
                                                                ("medicaid_plans", findings.medicaid_plans))
              for f in kind if f.value.serves(page["state"]) and f.value not in refused}
    return found


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


def class_precision(pages: list[dict]) -> dict[Basis, Counter]:
    """Right and wrong findings per class of evidence (a finding is right when the labels state it)."""
    counts = {basis: Counter() for basis in Basis}
    for page in pages:
        expected = facts_of(page["expect"])
        for basis, name, value in classified(page):
            counts[basis]["right" if (name, value) in expected else "wrong"] += 1
    return counts


def scores(count: Counter) -> tuple[float, float]:
    found, expected = count["tp"] + count["fp"], count["tp"] + count["fn"]
    return (count["tp"] / found if found else 1.0), (count["tp"] / expected if expected else 1.0)


def report(name: str, pages: list[dict], misses_too: bool) -> bool:
    counts, misses = evaluate(pages)
    kinds = Counter(page["kind"] for page in pages)
    print(f"{name}: {len(pages)} labelled pages: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    print(f"{'field':<16}{'facts':>7}{'found':>7}{'right':>7}{'precision':>11}{'recall':>8}")
    met = True
    for field in FIELDS:
        count = counts[field]
        precision, recall = scores(count)
        met &= precision >= PRECISION_TARGET and recall >= RECALL_TARGET
        print(f"{field:<16}{count['tp'] + count['fn']:>7}{count['tp'] + count['fp']:>7}{count['tp']:>7}"
              f"{precision:>11.3f}{recall:>8.3f}")
    total = sum(counts.values(), Counter())
    precision, recall = scores(total)
    print(f"{'all fields':<16}{total['tp'] + total['fn']:>7}{total['tp'] + total['fp']:>7}{total['tp']:>7}"
          f"{precision:>11.3f}{recall:>8.3f}")
    if misses_too:
        for page_id, what, value in misses:
            print(f"  {page_id}: {what} {value}")
    print(f"targets (precision >= {PRECISION_TARGET}, recall >= {RECALL_TARGET}): {'met' if met else 'NOT met'}\n")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, action="append", help="the labelled pages to read (repeatable; "
                        "default: " + ", ".join(TUNED_ON) + ")")
    parser.add_argument("--classes", action="store_true", help="precision per class of evidence (over "
                        "the pages tuned on)")
    parser.add_argument("--misses", action="store_true", help="list every wrong and missed fact")
    args = parser.parse_args()
    for name in args.set or TUNED_ON:
        report(name, load(name), args.misses)
    if args.classes:
        print(f"{'class of evidence (the pages tuned on)':<66}{'found':>7}{'right':>7}{'precision':>11}"
              "  published")
        for basis, count in class_precision([page for name in TUNED_ON for page in load(name)]).items():
            found = count["right"] + count["wrong"]
            print(f"{basis:<66}{found:>7}{count['right']:>7}"
                  f"{count['right'] / found if found else float('nan'):>11.3f}  {'yes' if published(basis) else 'no'}")


if __name__ == "__main__":
    main()
