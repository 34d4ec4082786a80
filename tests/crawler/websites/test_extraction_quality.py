"""The website reader against the labelled evaluation pages (tests/crawler/websites/extraction_eval):
precision and recall per field must meet the targets benchmarks/extraction_quality.py prints."""

import importlib.util
from pathlib import Path

import pytest
import yaml

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "extraction_quality.py"
spec = importlib.util.spec_from_file_location("extraction_quality", BENCHMARK)
quality = importlib.util.module_from_spec(spec)
spec.loader.exec_module(quality)

PAGES = yaml.safe_load(quality.PAGES.read_text(encoding="utf-8"))
COUNTS, _ = quality.evaluate(PAGES)


def test_the_set_is_large_and_has_the_hard_kinds():
    kinds = {page["kind"] for page in PAGES}
    assert len(PAGES) >= 80 and {"program", "insurance", "faq", "article", "other-state"} <= kinds
    assert len({page["id"] for page in PAGES}) == len(PAGES)


@pytest.mark.parametrize("field", quality.FIELDS)
def test_precision_and_recall_meet_the_targets(field):
    precision, recall = quality.scores(COUNTS[field])
    assert precision >= quality.PRECISION_TARGET and recall >= quality.RECALL_TARGET, (field, precision, recall)


def test_a_wrong_or_missed_fact_is_counted():
    page = {"id": "x", "kind": "program", "url": "https://x.example/iop", "schema_type": None, "byline": None,
            "state": "OR", "text": "Our IOP meets Monday and Tuesday, 6 to 9 pm. We accept Aetna.",
            "expect": {"days": ["mon", "wed"], "evening": True, "weekend": False, "hours_per_week": None,
                       "telehealth": None, "carriers": ["Aetna", "Cigna"], "medicaid_plans": []}}
    counts, misses = quality.evaluate([page])
    assert (counts["days"]["tp"], counts["days"]["fp"], counts["days"]["fn"]) == (1, 1, 1)
    assert counts["carriers"]["fn"] == 1 and ("x", "missed carriers", "Cigna") in misses
