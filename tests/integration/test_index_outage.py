"""A reply index that stops answering never costs a rep a drill, and catches up when it is back (issue 14).

Real SQLite and real embedded Chroma; the outage is Chroma's client failing at its edge, as a Chroma server
that has gone away does (every call raises), and then coming back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import chromadb

from coach_engine.embeddings import CachedEmbedder, HashEmbedder
from coach_engine.memory import INDEX_DOWN_NOTE, enrich, remember
from coach_engine.models import Scorecard, SkillScore
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import Store
from coach_engine.store.index import AttemptIndex

from .conftest import Team


class Outage:
    """Passes every call to the real client or collection until ``down`` is set, then raises."""

    def __init__(self, inner: Any, switch: dict[str, bool]):
        self._inner, self._switch = inner, switch

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            if self._switch["down"]:
                raise ConnectionError("Could not connect to the Chroma server")
            out = attr(*args, **kwargs)
            return Outage(out, self._switch) if name == "get_or_create_collection" else out

        return call


def card(sid: str, overall: int) -> Scorecard:
    return Scorecard(scenario_id=sid, rubric="objection-handling", grader="test", overall=overall,
                     skills=[SkillScore(id="explore", name="Explore", score=3)])


def started(store: Store, user: Any, bank: ScenarioBank, reply: str) -> int:
    scenario = bank.get("cfo-price-routing")
    a = store.start_attempt(user, scenario, at=datetime.now(UTC))
    store.record_turn(user, a.id, 0, "buyer", scenario.buyer.opening)
    store.record_turn(user, a.id, 1, "rep", reply)
    store.record_turn(user, a.id, 2, "buyer", "Go on.")
    return a.id


def test_a_drill_saved_while_the_index_is_down_is_kept_graded_and_indexed_later(
        store: Store, team: Team, bank: ScenarioBank, tmp_path: Path) -> None:
    switch = {"down": False}
    client = Outage(chromadb.PersistentClient(path=str(tmp_path / "chroma")), switch)
    index = AttemptIndex(client, CachedEmbedder(HashEmbedder()), prefix="outage")
    team_id = store.get_team(team.rep, "Falcons").id

    switch["down"] = True
    first = started(store, team.rep, bank, "What did you budget the routing line against?")
    shown = remember(store, index, team.rep, first, card("cfo-price-routing", 72))
    assert shown.overall == 72 and INDEX_DOWN_NOTE in shown.notes
    assert store.get_attempt(team.rep, first).status == "completed"  # stored and graded all the same
    assert enrich(store, index, team.rep, first).notes == [INDEX_DOWN_NOTE]  # feedback read while down

    switch["down"] = False
    second = started(store, team.rep, bank, "Is it the number itself or the timing of it?")
    shown = remember(store, index, team.rep, second, card("cfo-price-routing", 80))
    assert INDEX_DOWN_NOTE not in shown.notes
    assert index.indexed_attempts(team_id, "price", [first, second]) == {first, second}  # caught up
