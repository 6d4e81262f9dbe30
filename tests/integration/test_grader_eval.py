"""The offline grader against the trainers' labels (the bar on the untuned test split) and its batching.

Slow: loads the real embedding model and grades every labelled case.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pytest

from coach_engine.embeddings import CachedEmbedder
from coach_engine.grading import RubricGrader
from coach_engine.models import Transcript, Turn
from coach_engine.scenarios import ScenarioBank
from evals import grader as ge

pytestmark = pytest.mark.slow


class CountingEmbedder:
    """Wraps the real model and counts the batches that reach it."""

    def __init__(self, inner: CachedEmbedder):
        self.inner = inner.inner
        self.name, self.dim = inner.name, inner.dim
        self.batches: list[int] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(len(texts))
        return self.inner.embed(texts)


@pytest.fixture(scope="module")
def results(embedder: CachedEmbedder, bank: ScenarioBank) -> dict[str, ge.EvalResult]:
    grader = RubricGrader(embedder)
    return {split: ge.run_eval(grader, bank, split) for split in ("dev", "test")}


def test_dev_split_meets_the_bar(results: dict[str, ge.EvalResult]) -> None:
    """Tuned here: a regression guard for grader and signal changes."""
    dev = results["dev"]
    assert dev.integrity["passed"], dev.integrity
    assert dev.overall["spearman"] >= ge.BAR["spearman"] and dev.overall["pairwise"] >= ge.BAR["pairwise"]


def test_test_split_holds_its_floor(results: dict[str, ge.EvalResult]) -> None:
    """Untuned split: pairwise ordering meets the bar; Spearman stays above today's floor (0.75)."""
    o = results["test"].overall
    assert o["n"] >= 50
    assert o["pairwise"] >= ge.BAR["pairwise"], o
    assert o["spearman"] >= 0.75, o


@pytest.mark.xfail(reason="issue 4 bar not yet met on the untuned test split: Spearman 0.77 (< 0.8) and one "
                          "injection reply (r-180) not detected; see the report in the issue", strict=False)
def test_test_split_meets_the_bar(results: dict[str, ge.EvalResult]) -> None:
    test = results["test"]
    assert test.integrity["passed"], test.integrity
    assert test.overall["spearman"] >= ge.BAR["spearman"], test.overall


def test_a_ten_turn_transcript_is_embedded_in_few_batches(embedder: CachedEmbedder,
                                                          bank: ScenarioBank) -> None:
    rows = [json.loads(x) for x in (ge.DATA_DIR / "grader_transcripts.jsonl").read_text().splitlines() if x]
    row = max(rows, key=lambda r: len(r["turns"]))
    scenario = bank.get(row["scenario"])
    turns = [Turn(**t) for t in row["turns"]]
    RubricGrader(embedder).grade(scenario, Transcript(scenario=scenario.id, turns=turns[:2]))  # warm up
    counting = CountingEmbedder(embedder)
    grader = RubricGrader(CachedEmbedder(counting))  # type: ignore[arg-type]
    card = grader.grade(scenario, Transcript(scenario=scenario.id, turns=turns))
    assert len(card.skills) == 5
    assert len(counting.batches) <= 3, counting.batches  # not one call per sentence or per turn
