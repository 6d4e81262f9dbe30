"""The team's-best query reuses the vectors already stored for the attempt, with the same results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from coach_engine.embeddings import CachedEmbedder, HashEmbedder
from coach_engine.memory import team_examples
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import Store
from coach_engine.store.index import AttemptIndex

from .conftest import Team
from .test_index_attempts import drill


class Counting:
    """A hashing embedder that counts the texts it embeds (same name, so the same collections)."""

    def __init__(self) -> None:
        self.inner = HashEmbedder()
        self.name, self.dim = self.inner.name, self.inner.dim
        self.semantic = False
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.embed(texts)


@pytest.fixture
def setup(
    store: Store, team: Team, chroma_client: Any, index_prefix: str, bank: ScenarioBank
) -> dict[str, Any]:
    index = AttemptIndex(chroma_client, CachedEmbedder(HashEmbedder()), prefix=index_prefix)
    t = datetime(2026, 11, 10, 15, tzinfo=UTC)
    price = "cfo-price-routing"
    drill(
        store,
        index,
        team.rep2,
        price,
        bank,
        ["What makes the price feel high compared with the budget?"],
        88,
        t,
    )
    drill(store, index, team.rep2, price, bank, ["Is it the number, or how it gets approved?"], 80, t)
    drill(store, index, team.rep2, price, bank, ["We can knock 20% off if you sign today."], 60, t)
    mine = drill(
        store,
        index,
        team.rep,
        price,
        bank,
        ["What feels high about the price?", "", "We could discount it.", "What would the board approve?"],
        40,
        t + timedelta(days=1),
    )
    return {"index": index, "mine": mine, "client": chroma_client, "prefix": index_prefix}


def _ask(index: AttemptIndex, store: Store, team: Team, attempt_id: int, **kw: Any) -> list[tuple[str, str]]:
    texts = [t.text for t in store.transcript_turns(team.rep, attempt_id) if t.role == "rep"]
    hits = index.team_best(
        team.rep, texts, objection="price", exclude_attempt=attempt_id, min_overall=40, **kw
    )
    return [(h.id, h.text) for h in hits]


def test_stored_given_and_embedded_vectors_give_the_same_hits(
    store: Store, team: Team, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    index: AttemptIndex = setup["index"]
    mine = setup["mine"]
    stored = _ask(index, store, team, mine)
    texts = [t.text for t in store.transcript_turns(team.rep, mine) if t.role == "rep"]
    given = _ask(index, store, team, mine, query_embeddings=index.embedder.embed(texts))
    monkeypatch.setattr(AttemptIndex, "_stored_or_embedded", lambda *a, **k: None)
    embedded = _ask(index, store, team, mine)
    assert stored == given == embedded
    assert len(stored) == 3


def test_a_new_process_embeds_nothing_to_ask(store: Store, team: Team, setup: dict[str, Any]) -> None:
    """The scorecard of an indexed attempt, opened in a fresh process: the stored vectors are the queries."""
    counting = Counting()
    fresh = AttemptIndex(setup["client"], counting, prefix=setup["prefix"])
    before = _ask(setup["index"], store, team, setup["mine"])
    assert _ask(fresh, store, team, setup["mine"]) == before
    assert counting.texts == []
    examples = team_examples(store, fresh, team.rep, setup["mine"])
    assert [e.overall for e in examples] == [88, 80, 60]
    assert counting.texts == []


def test_texts_not_stored_are_embedded_once(store: Store, team: Team, setup: dict[str, Any]) -> None:
    counting = Counting()
    fresh = AttemptIndex(setup["client"], counting, prefix=setup["prefix"])
    new = "How did you arrive at the budget figure?"
    fresh.team_best(
        team.rep, ["What feels high about the price?", new], objection="price", exclude_attempt=setup["mine"]
    )
    assert counting.texts == [new]


def test_query_embeddings_must_match_the_texts(team: Team, setup: dict[str, Any]) -> None:
    index: AttemptIndex = setup["index"]
    with pytest.raises(ValueError, match="2 query embeddings for 1 texts"):
        index.team_best(
            team.rep, ["One."], objection="price", query_embeddings=index.embedder.embed(["a", "b"])
        )
