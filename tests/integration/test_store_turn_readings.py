"""Issue 12: a rep turn's reading is made once, stored with the turn, and carried back by every read path.

Real SQLite (and PostgreSQL where available), the real turn reader and a real ``DrillSession``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect

from coach_engine import signals
from coach_engine.buyer.scripted import ScriptedVoice
from coach_engine.models import Scenario, Scorecard, SkillScore, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import DrillSession, TurnEvent
from coach_engine.store import SYSTEM, Store, make_engine
from coach_engine.store import engine as store_engine

from .conftest import Team

LINES = [
    "That's fair, Dana. Before I defend the number, what makes $48k feel high right now?",
    "So the board froze new software after the ERP rollout. What would they need to approve a pilot?",
    "Can I get half an hour with your controller on Thursday to plan a paid pilot?",
]
READING: dict[str, Any] = {
    "text": "What feels high?",
    "sentences": [{"text": "What feels high?", "start": 0, "end": 16, "probs": {"open_question": 0.91},
                   "labels": ["open_question"], "question": "open", "negated": False}],
    "relevance": 0.42, "gaming": None, "words": 3, "passive": False, "monologue": False,
    "model_version": "reader-test",
}


@pytest.fixture
def cfo(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")


def test_a_reading_round_trips_through_the_store(store: Store, team: Team, cfo: Scenario) -> None:
    a = store.start_attempt(team.rep, cfo)
    store.record_turn(team.rep, a.id, 0, "buyer", cfo.buyer.opening)
    store.record_turn(team.rep, a.id, 1, "rep", "What feels high?", {"trust": 40})
    assert store.turns(team.rep, a.id)[1].reading is None  # the words first ...
    store.record_turn(team.rep, a.id, 1, "rep", "What feels high?", {"trust": 40}, reading=READING)
    stored = store.turns(team.rep, a.id)  # ... then the reading, on the same row
    assert [(t.index, t.role, t.reading) for t in stored] == [(0, "buyer", None), (1, "rep", READING)]
    assert stored[1].state == {"trust": 40}
    assert store.transcript_turns(team.rep, a.id) == [
        Turn(role="buyer", text=cfo.buyer.opening),
        Turn(role="rep", text="What feels high?", reading=READING),
    ]
    store.record_turn(team.rep, a.id, 1, "rep", "What feels high?")  # a plain retry keeps it
    assert store.turns(team.rep, a.id)[1].reading == READING


def test_the_recorder_writes_a_reading_that_follows_its_turn(store: Store, team: Team, cfo: Scenario) -> None:
    a = store.start_attempt(team.rep, cfo)
    rec = store.turn_recorder(a.id, team.rep)
    rec(TurnEvent(0, "buyer", cfo.buyer.opening, {}))
    rec(TurnEvent(1, "rep", "What feels high?", {}))
    rec(TurnEvent(1, "rep", "What feels high?", {}, None, READING))
    assert [t.reading for t in store.turns(team.rep, a.id)] == [None, READING]


def test_an_imported_attempt_keeps_its_readings(store: Store, team: Team, cfo: Scenario) -> None:
    turns = [Turn(role="buyer", text=cfo.buyer.opening), Turn(role="rep", text="What feels high?",
                                                             reading=READING)]
    card = Scorecard(scenario_id=cfo.id, rubric="objection-handling", grader="test", overall=50,
                     skills=[SkillScore(id="explore", name="Explore", score=3)])
    at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    a = store.import_attempt(SYSTEM, team.rep, cfo, turns, card, started_at=at, completed_at=at)
    assert store.transcript_turns(team.rep, a.id) == turns


def test_a_learned_drill_stores_one_reading_per_rep_turn(
    store: Store, team: Team, cfo: Scenario, embedder: Any
) -> None:
    a = store.start_attempt(team.rep, cfo)
    drill = DrillSession(cfo, embedder=embedder, voice=ScriptedVoice(0),
                         on_turn=store.turn_recorder(a.id, team.rep))
    drill.start()
    for line in LINES:
        drill.rep_says(line)
    stored = store.turns(team.rep, a.id)
    version = signals.reader_for(embedder).model.version
    assert [t.role for t in stored] == ["buyer", "rep"] * len(LINES) + ["buyer"]
    for t in stored:
        if t.role == "buyer":
            assert t.reading is None
        else:
            assert t.reading is not None
            assert t.reading["text"] == t.text and t.reading["model_version"] == version
    # What the store holds is what the session holds, and what the director acted on.
    assert store.transcript_turns(team.rep, a.id) == drill.transcript.turns
    assert [t.reading for t in drill.transcript.turns if t.role == "rep"] == [
        s.analysis.to_dict() for s in drill.signals if s.analysis is not None
    ]


def test_the_reading_follows_its_turn_before_the_buyer_moves(
    cfo: Scenario, embedder: Any
) -> None:
    events: list[TurnEvent] = []
    drill = DrillSession(cfo, embedder=embedder, voice=ScriptedVoice(0), on_turn=events.append)
    drill.start()
    drill.rep_says(LINES[0])
    assert [(e.index, e.role, e.reading is not None) for e in events] == [
        (0, "buyer", False), (1, "rep", False), (1, "rep", True), (2, "buyer", False)]
    said, read = events[1], events[2]
    assert (read.text, read.state, read.notice) == (said.text, said.state, None)  # the same turn, updated
    assert read.reading == drill.transcript.turns[1].reading


def test_a_reading_not_saved_is_kept_and_the_drill_goes_on(
    store: Store, team: Team, cfo: Scenario, embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database goes down right after the rep's words are saved: the reading's failure does not stop the
    director or the buyer (only the buyer turn's own write reports the outage, as before), and both are
    written, in order, once the database is back."""
    from sqlalchemy.exc import OperationalError

    from coach_engine.store import StoreError

    a = store.start_attempt(team.rep, cfo)
    rec = store.turn_recorder(a.id, team.rep, retries=1, backoff=0.001, budget=0.0)
    real = Store.record_turn
    down = {"on": False}

    def flaky(self: Store, *args: Any, **kw: Any) -> None:
        if down["on"]:
            raise OperationalError("UPDATE turns", {}, Exception("database is locked"))
        real(self, *args, **kw)

    def on_turn(event: TurnEvent) -> None:
        rec(event)
        down["on"] = down["on"] or (event.role == "rep" and event.reading is None)

    monkeypatch.setattr(Store, "record_turn", flaky)
    drill = DrillSession(cfo, embedder=embedder, voice=ScriptedVoice(0), on_turn=on_turn)
    drill.start()
    with pytest.raises(StoreError, match="kept"):
        drill.rep_says(LINES[0])
    assert [t.role for t in drill.transcript.turns] == ["buyer", "rep", "buyer"]  # the buyer answered
    assert drill.state.turns == 1 and drill.transcript.turns[1].reading is not None
    assert [(p.index, p.role, p.reading is not None) for p in rec.pending] == [(1, "rep", True),
                                                                               (2, "buyer", False)]
    down["on"] = False
    rec.flush()
    assert [(t.role, t.reading is not None) for t in store.turns(team.rep, a.id)] == [
        ("buyer", False), ("rep", True), ("buyer", False)]


def test_resume_reuses_stored_readings_and_stores_a_missing_one(
    store: Store, team: Team, cfo: Scenario, embedder: Any
) -> None:
    a = store.start_attempt(team.rep, cfo)
    first = DrillSession(cfo, embedder=embedder, voice=ScriptedVoice(0),
                         on_turn=store.turn_recorder(a.id, team.rep))
    first.start()
    for line in LINES[:2]:
        first.rep_says(line)
    # The process dies right after the next rep turn is written, before it is read.
    store.record_turn(team.rep, a.id, 5, "rep", LINES[2], first.state.model_dump(mode="json"))
    stored = store.transcript_turns(team.rep, a.id)
    assert [t.reading is not None for t in stored] == [False, True, False, True, False, False]

    events: list[TurnEvent] = []
    recorder = store.turn_recorder(a.id, team.rep)

    def on_turn(event: TurnEvent) -> None:
        events.append(event)
        recorder(event)

    drill = DrillSession.resume(cfo, stored, embedder=embedder, voice=ScriptedVoice(0), on_turn=on_turn)
    # The two stored readings came back as they were; only the missing one was made and sent.
    assert [(e.index, e.role, e.reading is not None) for e in events] == [(5, "rep", True),
                                                                          (6, "buyer", False)]
    assert [t.reading for t in drill.transcript.turns[:4]] == [t.reading for t in stored[:4]]
    assert drill.transcript.turns[5].reading == events[0].reading
    assert events[0].reading is not None and events[0].reading["text"] == LINES[2]
    assert store.transcript_turns(team.rep, a.id) == drill.transcript.turns


def test_migration_0009_adds_and_drops_the_column(db_url: str) -> None:
    Store.open(db_url).close()
    engine = make_engine(db_url)
    try:
        cfg = store_engine.alembic_config()

        def columns() -> set[str]:
            with engine.connect() as c:
                return {col["name"] for col in inspect(c).get_columns("turns")}

        assert "reading" in columns()
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0008")
        assert "reading" not in columns()
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
        assert "reading" in columns()
    finally:
        engine.dispose()
