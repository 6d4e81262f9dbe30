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


def _hand_written_kappa(labels: list[int], preds: list[int], k: int = 5) -> float:
    """The formula evals/grader.py computed by hand before it called scikit-learn (kept as the reference)."""
    n = len(labels)
    obs = [[0.0] * k for _ in range(k)]
    for a, b in zip(labels, preds, strict=True):
        obs[a - 1][b - 1] += 1
    hist_a = [sum(row) for row in obs]
    hist_b = [sum(obs[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * obs[i][j]
            den += w * hist_a[i] * hist_b[j] / n
    return 1.0 - num / den if den else float("nan")


@pytest.mark.parametrize(
    ("labels", "preds"),
    [
        ([1, 2, 3, 4, 5], [2, 2, 3, 4, 4]),
        ([3, 3, 3], [3, 3, 4]),  # one side constant: kappa 0
        ([1, 1, 5, 5], [5, 5, 1, 1]),
        ([2, 3, 3, 4, 1, 5, 2], [2, 4, 3, 4, 2, 4, 1]),
        ([1, 2], [1, 2]),
    ],
)
def test_quadratic_weighted_kappa_matches_the_old_formula(labels: list[int], preds: list[int]) -> None:
    expected = _hand_written_kappa(labels, preds)
    assert ge.quadratic_weighted_kappa(labels, preds) == pytest.approx(expected, abs=1e-12)


def test_quadratic_weighted_kappa_is_quietly_nan_where_undefined(recwarn: pytest.WarningsRecorder) -> None:
    assert math.isnan(ge.quadratic_weighted_kappa([], []))
    assert math.isnan(ge.quadratic_weighted_kappa([3, 3, 3], [3, 3, 3]))  # all one level: 0/0
    assert math.isnan(ge.quadratic_weighted_kappa([4], [4]))
    assert not recwarn.list  # no UndefinedMetricWarning from scikit-learn


def test_quadratic_weighted_kappa_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="outside"):
        ge.quadratic_weighted_kappa([1, 6], [1, 2])
    with pytest.raises(ValueError, match="predictions"):
        ge.quadratic_weighted_kappa([1, 2], [1])


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
