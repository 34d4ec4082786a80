"""Precision and recall of the cross-edition matcher on 200 pairs of real 2022/2023 directory rows
labelled same facility or not by a person before the matcher existed
(tests/crawler/importers/edition_pairs.yaml), judged two ways:
- `pairs` (no data needed): each pair on its own, its rows read as the importer reads them (names, street
  and city in match form, ZIP and state normalized, the phone as E.164): facility.editions.evidence, the
  test every candidate passes before the matcher pairs them one to one;
- `editions`: both workbooks in ../shared/data imported whole and matched as `import samhsa-directory`
  matches them (facility.editions.match, one to one, the best evidence first): a pair is said the same
  when the 2023 row's record continues the 2022 row's.
The labels' `kind` and `note` are printed for misses only; they never reach the matcher. The pairs whose
id hashes to 0 modulo 3 (`held-back`, decided before any tuning) are never tuned on; `tuning` is the rest.

    .venv/bin/python benchmarks/edition_matching.py [--mode pairs|editions] [--set all|tuning|held-back]
"""

import argparse
import hashlib
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import yaml

from crawler.importers.samhsa_directory import FACILITY_SHEET, Directory, import_directory
from facility.tally import Tally
from facility.editions import Listing, evidence, match
from facility.normalize import PhoneError, normalize_phone, normalize_state, normalize_zip

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "crawler" / "importers" / "edition_pairs.yaml"
WORKBOOKS = {2022: ROOT.parent / "shared" / "data" / "samhsa" / "National_Directory_SA_Facilities_2022.xlsx",
             2023: ROOT.parent / "shared" / "data" / "samhsa" / "national-directory-su-facilities-2023.xlsx"}


def held_back(pair: dict) -> bool:
    return int(hashlib.sha256(pair["id"].encode()).hexdigest(), 16) % 3 == 0


def listing(row: dict) -> Listing:
    try:
        phone = normalize_phone(row["phone"])
    except PhoneError:
        phone = None
    return Listing.read(row["name1"], row["name2"], row["street1"], row["city"], normalize_state(row["state"]),
                        normalize_zip(row["zip"]), frozenset([phone] if phone else []))


def judged(pairs: list[dict]) -> list[tuple[dict, bool]]:
    """Each labelled pair with the evidence test's decision (True: the same facility)."""
    return [(pair, evidence(listing(pair["a"]), listing(pair["b"])) is not None) for pair in pairs]


def judged_in_editions(pairs: list[dict]) -> list[tuple[dict, bool]]:
    """Each labelled pair with the whole-edition matcher's decision."""
    imported = {edition: list(import_directory(Directory(path), datetime.now(timezone.utc), Tally()))
                for edition, path in WORKBOOKS.items()}
    row_of = {edition: {source.record_id: index for index, record in enumerate(records)
                        for source in record.sources}
              for edition, records in imported.items()}
    matched = match(imported[2022], imported[2023])

    def index(side: dict) -> int:
        return row_of[side["edition"]][f"{FACILITY_SHEET} row {side['row']}"]
    return [(pair, matched.get(index(pair["b"])) == index(pair["a"])) for pair in pairs]


def scores(decisions: list[tuple[dict, bool]]) -> dict[str, float | int]:
    counts = Counter((pair["same"], said) for pair, said in decisions)
    true_positive, false_positive, false_negative = counts[True, True], counts[False, True], counts[True, False]
    return {"pairs": len(decisions), "true_positive": true_positive, "false_positive": false_positive,
            "false_negative": false_negative,
            "precision": true_positive / (true_positive + false_positive) if true_positive + false_positive else 1.0,
            "recall": true_positive / (true_positive + false_negative) if true_positive + false_negative else 1.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("pairs", "editions"), default="pairs")
    parser.add_argument("--set", choices=("all", "tuning", "held-back"), default="all")
    args = parser.parse_args()
    pairs = [pair for pair in yaml.safe_load(PAIRS.read_text())
             if args.set == "all" or held_back(pair) == (args.set == "held-back")]
    decisions = judged(pairs) if args.mode == "pairs" else judged_in_editions(pairs)
    by_kind: dict[str, list] = {}
    for pair, said in decisions:
        by_kind.setdefault(pair["kind"], []).append((pair, said))
    print(f"{'kind':<24} {'pairs':>5} {'said same':>9} {'right':>5}")
    for kind, group in sorted(by_kind.items()):
        print(f"{kind:<24} {len(group):>5} {sum(s for _, s in group):>9} "
              f"{sum(p['same'] == s for p, s in group):>5}")
    for pair, said in decisions:
        if pair["same"] != said:
            print(f"miss {pair['id']} ({pair['kind']}): labelled {'same' if pair['same'] else 'different'}, "
                  f"matcher said {'same' if said else 'different'}: {pair['note']}")
    total = scores(decisions)
    print(f"{args.set}: {total['pairs']} pairs: precision {total['precision']:.3f} recall {total['recall']:.3f} "
          f"(true positives {total['true_positive']}, false positives {total['false_positive']}, "
          f"false negatives {total['false_negative']})")


if __name__ == "__main__":
    main()
