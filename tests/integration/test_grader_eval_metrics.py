"""The grader-eval harness: metrics on known inputs, data loading, the integrity bar and the report files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from evals import grader as ge


def test_quadratic_weighted_kappa_known_values() -> None:
    assert ge.quadratic_weighted_kappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]) == pytest.approx(1.0)
    assert ge.quadratic_weighted_kappa([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]) == pytest.approx(-1.0)
    near = ge.quadratic_weighted_kappa([1, 2, 3, 4, 5], [2, 2, 3, 4, 4])
    assert 0.8 < near < 1.0


def test_pairwise_accuracy_counts_pairs_two_levels_apart_ties_half() -> None:
    assert ge.pairwise_accuracy([1, 3, 5], [10, 50, 90]) == 1.0
    assert ge.pairwise_accuracy([1, 3, 5], [90, 50, 10]) == 0.0
    assert math.isnan(ge.pairwise_accuracy([1, 2], [10, 5]))  # no pair two levels apart
    assert ge.pairwise_accuracy([1, 3], [40, 40]) == 0.5


def test_overall_level_bands() -> None:
    levels = [ge.overall_level(x) for x in (0, 19, 20, 39, 40, 59, 60, 79, 80, 100)]
    assert levels == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def _pred(pid: str, mode: str, kind: str, label: int, overall: int) -> ge.Prediction:
    return ge.Prediction(id=pid, mode=mode, kind=kind, label=label, overall=overall,
                         level=ge.overall_level(overall), skills_label={"explore": label},
                         skills_pred={"explore": ge.overall_level(overall)})


def test_integrity_bar_compares_with_the_lowest_genuine_level_3() -> None:
    preds = [_pred("a", "reply", "mediocre", 3, 30), _pred("b", "reply", "good", 3, 45),
             _pred("i", "reply", "injection", 1, 10), _pred("s", "reply", "stuffing", 1, 29)]
    assert ge.integrity_bar(preds)["passed"]
    preds.append(_pred("s2", "reply", "stuffing", 1, 30))
    bar = ge.integrity_bar(preds)
    assert not bar["passed"] and bar["modes"]["reply"]["offenders"] == ["s2"]


def test_the_labelled_sets_load_with_both_splits() -> None:
    dev, test = ge.load_cases("dev"), ge.load_cases("test")
    assert dev and test
    assert not {c.id for c in dev} & {c.id for c in test}
    assert {c.mode for c in dev + test} == {"reply", "transcript"}
    assert all(1 <= c.overall <= 5 for c in dev + test)


def test_report_has_table_and_chart(tmp_path: Path) -> None:
    preds = [_pred(f"p{i}", "reply", "good", 1 + i % 5, 20 * (i % 5) + 5) for i in range(20)]
    preds.append(_pred("inj", "reply", "injection", 1, 0))
    result = ge.summarise("offline", "dev", preds)
    assert result.overall["spearman"] > 0.95 and result.integrity["passed"]
    path = ge.write_report(result, tmp_path / "report")
    text = path.read_text()
    assert "| overall |" in text and "Spearman" in text and "grader_eval.png" in text
    png = tmp_path / "report" / "grader_eval.png"
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "report" / "grader_eval.json").exists()
