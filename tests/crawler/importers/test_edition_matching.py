"""The cross-edition matcher against 200 labelled pairs of real 2022/2023 directory rows
(benchmarks/edition_matching.py prints the figures by kind of pair)."""

import importlib.util
from collections import Counter
from pathlib import Path

import yaml

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "edition_matching.py"
spec = importlib.util.spec_from_file_location("edition_matching", BENCHMARK)
matching = importlib.util.module_from_spec(spec)
spec.loader.exec_module(matching)

PAIRS = yaml.safe_load(matching.PAIRS.read_text())
PRECISION_TARGET, RECALL_TARGET = 0.97, 0.90


def test_the_pairs_are_balanced_and_hold_the_hard_kinds():
    assert Counter(pair["same"] for pair in PAIRS) == {True: 100, False: 100}
    assert len({pair["id"] for pair in PAIRS}) == 200
    kinds = {pair["kind"] for pair in PAIRS}
    assert {"renamed-same-address", "moved", "name-swap"} <= kinds  # the same facility, hard to see
    assert {"program-same-address", "shared-building", "call-centre-phone", "chain-branch"} <= kinds  # not
    assert all(pair["a"]["edition"] == 2022 and pair["b"]["edition"] == 2023 for pair in PAIRS)


def test_matching_whole_editions_meets_the_targets(shared_data):
    figures = matching.scores(matching.judged_in_editions(PAIRS))
    assert figures["precision"] >= PRECISION_TARGET and figures["recall"] >= RECALL_TARGET, figures
