"""The drill's record (``coach_engine.drill_record``) on real SQLite and PostgreSQL.

The one lifecycle the page, the CLI and the load bench share: every turn written as it happens, a turn the
database won't take kept pending and written later, never twice, and an attempt scored only once every turn
is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from coach_engine.buyer.scripted import ScriptedVoice
from coach_engine.drill_record import DrillRecord
from coach_engine.embeddings import CachedEmbedder
from coach_engine.grading import RubricGrader
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import DrillSession
from coach_engine.settings import Settings
from coach_engine.store import Store, StoreError
from coach_engine.store.index import AttemptIndex

from .conftest import Team

LINES = ["That's a fair worry. What's behind the number for you?",
         "Can I get half an hour with your controller on Thursday to talk through a pilot?"]


def _drill(record: DrillRecord, bank: ScenarioBank, embedder: CachedEmbedder) -> DrillSession:
    session = DrillSession(bank.get("cfo-price-routing"), embedder=embedder, voice=ScriptedVoice(1), seed=1,
                           on_turn=record)
    session.start()
    return session


def test_a_drill_is_written_as_it_happens_then_completed_graded_and_indexed(
    store: Store, team: Team, bank: ScenarioBank, hash_embedder: CachedEmbedder, tmp_path: Path
) -> None:
    scenario = bank.get("cfo-price-routing")
    record = DrillRecord.start(store, team.rep, scenario)
    session = _drill(record, bank, hash_embedder)
    session.rep_says(LINES[0])
    assert [t.role for t in store.turns(team.rep, record.attempt_id)] == ["buyer", "rep", "buyer"]
    session.rep_says(LINES[1])
    index = AttemptIndex.from_settings(Settings(data_dir=tmp_path / "data"), hash_embedder)
    card = record.finish(RubricGrader(hash_embedder).grade(scenario, session.transcript, session.outcome),
                         index, scenario)
    attempt = store.get_attempt(team.rep, record.attempt_id)
    assert attempt.status == "completed" and attempt.overall == card.overall
    assert [t.text for t in store.turns(team.rep, record.attempt_id) if t.role == "rep"] == LINES
    assert index.indexed_attempts(attempt.team_id, attempt.objection, [attempt.id]) == {attempt.id}


def test_a_turn_the_database_refuses_stays_pending_and_is_written_once_later(
    store: Store, team: Team, bank: ScenarioBank, hash_embedder: CachedEmbedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    record = DrillRecord.start(store, team.rep, bank.get("cfo-price-routing"), budget=0.05)
    session = _drill(record, bank, hash_embedder)
    real = store.record_turn
    down = {"on": True}

    def flaky(*args: Any, **kw: Any) -> None:
        if down["on"]:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        real(*args, **kw)

    monkeypatch.setattr(store, "record_turn", flaky)
    session.rep_says(LINES[0])  # the drill goes on; the turns wait
    assert record.error and "could not save turn" in record.error
    assert record.pending_indexes() == {1, 2}
    with pytest.raises(StoreError, match=r"2 turn\(s\) of attempt \d+ could not be saved"):
        record.finish(RubricGrader(hash_embedder).grade_reply(session.scenario, LINES[0]), None)
    assert store.get_attempt(team.rep, record.attempt_id).status == "in_progress"  # never scored with gaps

    down["on"] = False
    session.rep_says(LINES[1])  # the pending turns go first, in order, then this one
    assert record.error is None and record.pending == []
    stored = store.turns(team.rep, record.attempt_id)
    assert [t.index for t in stored] == [0, 1, 2, 3, 4]
    assert [t.text for t in stored if t.role == "rep"] == LINES
