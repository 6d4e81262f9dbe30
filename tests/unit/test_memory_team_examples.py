""""From your team" never shows the same reply twice, still shows up to k examples, and never offers a
reply the grader marked with an anti-pattern (its own reading, from the stored scorecard)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from coach_engine.memory import team_examples
from coach_engine.store.index import ReplyHit


def hit(n: int, text: str, overall: int, user: str = "ria@x.test") -> ReplyHit:
    return ReplyHit(
        id=f"h{n}", text=text, distance=0.1 * n, user=user, name=user.split("@")[0].title(), team_id=1,
        scenario_id="cfo-price-routing", objection="price", difficulty="medium", turn=1, attempt_id=100 + n,
        overall=overall, week="2026-W48", when=datetime(2026, 11, 20, tzinfo=UTC), skills={},
    )


class FakeStore:
    def __init__(self, cards: dict[int, Any] | None = None):
        self.cards = cards or {}
        """attempt id -> its stored scorecard (what ``Store.flagged_turns`` reads)."""

    def flagged_turns(self, actor: Any, attempt_ids: Any) -> dict[int, set[int]]:
        return {a: self.cards[a].flagged_turns() for a in attempt_ids if a in self.cards}

    def get_attempt(self, actor: Any, attempt_id: int) -> Any:
        return SimpleNamespace(id=attempt_id, user_email="rob@x.test", objection="price", overall=40)

    def login(self, email: str) -> Any:
        return SimpleNamespace(email=email, team_id=1)

    def transcript_turns(self, actor: Any, attempt_id: int) -> list[Any]:
        return [SimpleNamespace(role="buyer", text="Too pricey."), SimpleNamespace(role="rep", text="Why?")]


class FakeIndex:
    def __init__(self, hits: list[ReplyHit]):
        self.hits = hits
        self.asked: dict[str, Any] = {}

    def team_best(self, actor: Any, texts: Any, **kw: Any) -> list[ReplyHit]:
        self.asked = kw
        return self.hits[: kw["k"]]


SAME = "What's behind the number you set aside?"


def test_the_same_reply_text_appears_once_keeping_its_best_hit() -> None:
    index = FakeIndex([
        hit(1, SAME, 90, "ria@x.test"),
        hit(2, SAME, 85, "tom@x.test"),  # another teammate, same scripted line
        hit(3, "  what's behind the NUMBER you set aside ", 80),  # case, spacing, punctuation
        hit(4, "Hartley Freight cut $210k in its first year.", 75),
        hit(5, SAME, 74),
        hit(6, "Would a paid pilot the board can stop help?", 70),
        hit(7, "A third distinct reply.", 65),
    ])
    got = team_examples(FakeStore(), index, actor=None, attempt_id=1, k=3)  # type: ignore[arg-type]
    assert [e.text for e in got] == [SAME, "Hartley Freight cut $210k in its first year.",
                                     "Would a paid pilot the board can stop help?"]
    assert got[0].user == "ria@x.test" and got[0].overall == 90
    assert index.asked["k"] > 3  # asked for spare candidates so dropping duplicates still fills k


def test_fewer_distinct_replies_than_k_gives_fewer_examples() -> None:
    index = FakeIndex([hit(i, SAME, 90 - i) for i in range(1, 8)])
    got = team_examples(FakeStore(), index, actor=None, attempt_id=1, k=3)  # type: ignore[arg-type]
    assert [e.text for e in got] == [SAME]


DISCOUNT = "Name the figure that works for you and I'll get the price down to it."
GOOD = "That's fair. What's behind the number you set aside?"


def test_a_reply_the_grader_marks_with_an_anti_pattern_is_never_a_model_answer() -> None:
    """Priya's drill scored higher overall, but its grader marked her discount line (discount-first):
    it is not offered, nor the same words from another drill; her other reply still is."""
    from coach_engine.embeddings import CachedEmbedder, HashEmbedder
    from coach_engine.grading import get_grader
    from coach_engine.models import Transcript, Turn
    from coach_engine.scenarios import ScenarioBank
    from coach_engine.settings import Settings
    from tests.conftest import BANK_DIR

    scenario = ScenarioBank.from_dirs([BANK_DIR]).get("cfo-price-routing")
    grader = get_grader(Settings(embedding_backend="hash"), CachedEmbedder(HashEmbedder()))
    turns = [Turn(role="buyer", text=scenario.buyer.opening), Turn(role="rep", text=GOOD),
             Turn(role="buyer", text="Go on."), Turn(role="rep", text=DISCOUNT)]
    card = grader.grade(scenario, Transcript(scenario=scenario.id, turns=turns), "agreed")
    assert card.flagged_turns() == {3}  # the grader's own reading: discount-first, on the second reply
    priya = [hit(1, DISCOUNT, 90), hit(2, GOOD, 90), hit(3, DISCOUNT, 80, "tom@x.test")]
    priya = [replace(h, attempt_id=101, turn=3 if h.text == DISCOUNT else 1) if h.id != "h3" else h
             for h in priya]
    index = FakeIndex(priya)
    got = team_examples(FakeStore({101: card}), index, actor=None, attempt_id=1, k=3)  # type: ignore[arg-type]
    assert [e.text for e in got] == [GOOD]
