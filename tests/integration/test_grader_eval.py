"""The offline grader against the trainers' labels (the bar on every labelled split) and its batching.

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
from evals.registry import below_bar, sets_with

pytestmark = pytest.mark.slow

SLACK = 0.005
"""Room for floating-point differences between machines when a split is held at its recorded figures."""


class CountingEmbedder:
    """Wraps the real model and counts the batches that reach it."""

    def __init__(self, inner: CachedEmbedder):
        self.inner = inner.inner
        self.name, self.dim = inner.name, inner.dim
        self.semantic = inner.semantic
        self.batches: list[int] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(len(texts))
        return self.inner.embed(texts)


SPLITS = tuple(dict.fromkeys(e.split for e in sets_with("grader", "dev", "test") if e.split))
"""CI asserts on the registry's dev and test sets only: train sets fit the reader, report sets are reported,
and the sealed set is never opened here (evals/registry.yaml)."""


@pytest.fixture(scope="module")
def results(embedder: CachedEmbedder) -> dict[str, ge.EvalResult]:
    """Every split graded once, on the bank plus the scenarios only eval sets use (as the CLI does; a bank
    of its own, so the session's bank keeps only the shipped scenarios)."""
    from coach_engine.cli.evals import eval_bank

    bank = eval_bank(ScenarioBank.from_dirs([ge.DATA_DIR.parents[1] / "scenarios"], strict=True))
    grader = RubricGrader(embedder)
    return {split: ge.run_eval(grader, bank, split) for split in SPLITS}


@pytest.mark.parametrize("split", SPLITS)
def test_every_labelled_split_meets_the_bar(results: dict[str, ge.EvalResult], split: str) -> None:
    """A regression guard: every dev and test split has been run, and the fixes its first run prompted are
    in (the README records each split's first-run figures, which are the honest measure of unseen data).
    A split the registry records as below the bar is held at its recorded figures instead,
    and this fails once it meets the bar, so the record goes and the bar applies again."""
    result = results[split]
    assert result.overall["n"] >= 40
    known = below_bar(split)
    if known is not None:
        offenders = sum(len(m["offenders"]) for m in result.integrity["modes"].values())
        assert not result.passed, f"{split} now meets the bar: remove its below_bar"
        assert result.overall["spearman"] >= known.spearman - SLACK, result.overall
        assert result.overall["pairwise"] >= known.pairwise - SLACK, result.overall
        assert offenders <= known.integrity_offenders, result.integrity
        return
    assert result.integrity["passed"], result.integrity
    assert result.overall["spearman"] >= ge.BAR["spearman"], result.overall
    assert result.overall["pairwise"] >= ge.BAR["pairwise"], result.overall


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
