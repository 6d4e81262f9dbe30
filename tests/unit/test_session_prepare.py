"""DrillSession.start prepares the detectors, so the rep's first turn embeds only the rep's own words."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from coach_engine.embeddings import CachedEmbedder
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import DrillSession
from coach_engine.signals import sentence_spans

LINES = [
    "That's fair. What's behind the number for you?",
    "So the board froze spend. Routewise cuts fuel 12-18%, about $90k a year for 85 trucks.",
    "Can we set up half an hour Tuesday, you, me and your controller, to plan a paid pilot?",
]


class Recording:
    """Records every batch that reaches the model."""

    def __init__(self, inner: CachedEmbedder):
        self.inner = inner.inner
        self.name, self.dim = self.inner.name, self.inner.dim
        self.semantic = self.inner.semantic
        self.batches: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(list(texts))
        return self.inner.embed(texts)


def _drill(bank: ScenarioBank, embedder: CachedEmbedder, prepare: bool, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    if not prepare:
        monkeypatch.setattr(DrillSession, "_prepare_detectors", lambda self: None)
    d = DrillSession(bank.get("cfo-price-routing"), embedder=embedder, seed=3)
    d.start()
    for line in LINES:
        d.rep_says(line)
    monkeypatch.undo()
    return d


def test_preparing_changes_nothing_the_rep_sees(
    bank: ScenarioBank, hash_embedder: CachedEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_prep = _drill(bank, hash_embedder, True, monkeypatch)
    without = _drill(bank, hash_embedder, False, monkeypatch)
    assert with_prep.transcript == without.transcript
    assert with_prep.state == without.state
    assert [s.signals for s in with_prep.signals] == [s.signals for s in without.signals]
    assert len(with_prep.signals) == len(LINES)  # the preparation's own signals are not kept


@pytest.mark.slow
def test_first_rep_turn_embeds_only_the_reps_sentences(bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    inner = Recording(embedder)
    d = DrillSession(bank.get("cfo-price-routing"), embedder=CachedEmbedder(inner))  # type: ignore[arg-type]
    d.start()
    inner.batches.clear()
    first = "That's fair. What's behind the number for you?"
    d.rep_says(first)
    assert len(inner.batches) == 1
    assert inner.batches[0] == [first[s:e] for s, e in sentence_spans(first)]


def test_the_opening_needs_no_model_and_the_first_turn_prepares(
    bank: ScenarioBank, embedder: CachedEmbedder
) -> None:
    """Issue 13 speed: 'Start the call' shows the buyer's first line without touching the model, even
    right after a restart; the scenario is read (items, facts, detectors) before the first rep turn."""
    seen = Recording(embedder)
    d = DrillSession(bank.get("cfo-price-routing"), embedder=CachedEmbedder(seen))  # type: ignore[arg-type]
    opening = d.start(prepare=False)
    assert opening.text and seen.batches == []  # no embedding, so no model load, before the first line
    assert d.state.resolution == []  # not read yet
    reply = d.rep_says("That's fair. What's behind the number for you?")
    assert reply.turn.text and seen.batches  # the first rep turn prepared first
    assert [i.kind for i in d.state.resolution] == ["explore", "tie_number", "next_step"]


@pytest.mark.slow
def test_warming_ahead_leaves_a_later_turn_only_the_reps_sentences(
    bank: ScenarioBank, embedder: CachedEmbedder
) -> None:
    """The buyer's newest line is embedded while the rep types, so Enter waits for the rep's words only."""
    inner = Recording(embedder)
    d = DrillSession(bank.get("cfo-price-routing"), embedder=CachedEmbedder(inner))  # type: ignore[arg-type]
    d.start()
    reply = d.rep_says(LINES[0])
    inner.batches.clear()
    d.warm_ahead()
    assert inner.batches == [[reply.turn.text]]
    inner.batches.clear()
    d.rep_says(LINES[1])
    sentences = [LINES[1][s:e] for s, e in sentence_spans(LINES[1])]
    assert len(inner.batches) == 1 and inner.batches[0][:len(sentences)] == sentences
    assert reply.turn.text not in inner.batches[0]  # the rest are the reader's undisguised variants


def test_warming_ahead_changes_nothing_the_rep_sees(
    bank: ScenarioBank, hash_embedder: CachedEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = _drill(bank, hash_embedder, True, monkeypatch)
    d = DrillSession(bank.get("cfo-price-routing"), embedder=hash_embedder, seed=3)
    d.start()
    for line in LINES:
        d.warm_ahead()
        d.rep_says(line)
    assert d.transcript == plain.transcript and d.state == plain.state
    d.end()
    d.warm_ahead()  # after the call: nothing to do, and no error


def test_background_work_that_fails_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    from coach_engine.session import in_background

    def broken() -> None:
        raise RuntimeError("model file missing")

    with caplog.at_level("WARNING"):
        in_background(broken, "scrimmage-test-warm").join(5)
    assert "scrimmage-test-warm did not finish: model file missing" in caplog.text
