"""Issue 15 leftover: a warm-up attempt keeps the scenario it was played on (tailored to the rep's notes).

Before, the tailored copy lived only in the browser session: a resumed warm-up, its scorecard and a
manager's review ran on the bank version (85 trucks, $48k). Real SQLite (and PostgreSQL where available),
the real tailoring and a real ``DrillSession`` with the scripted voice.
"""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text

from coach_engine.buyer.scripted import ScriptedVoice
from coach_engine.call_notes import read_notes
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import DrillSession
from coach_engine.store import SYSTEM, Store, make_engine
from coach_engine.store import engine as store_engine
from coach_engine.studio import pinned_scenario
from coach_engine.tailoring import facts_from_notes, tailor

from .conftest import Team

NOTES = "Calling the CFO: 300 trucks now, budget frozen until Q3."
FLEET = "Understood. What is your fleet size today?"


@pytest.fixture
def cfo(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")


@pytest.fixture
def tailored(cfo: Scenario) -> Scenario:
    t = tailor(cfo, read_notes(NOTES))
    assert "300 trucks" in t.scenario.buyer.company and "85 trucks" in cfo.buyer.company
    assert t.scenario.content_hash() != cfo.content_hash()
    return t.scenario


def _kept(store: Store, attempt_id: int) -> Any:
    with store.engine.connect() as c:
        query = text("SELECT played_scenario FROM attempts WHERE id = :i")
        return c.execute(query, {"i": attempt_id}).scalar()


def test_a_warmup_keeps_its_tailored_scenario_and_a_drill_keeps_none(
    store: Store, team: Team, bank: ScenarioBank, cfo: Scenario, tailored: Scenario
) -> None:
    warm = store.start_attempt(team.rep, tailored, mode="warmup")
    drill = store.start_attempt(team.rep, cfo)
    clinic = store.start_attempt(team.rep, cfo, mode="clinic")
    assert warm.scenario_hash == tailored.content_hash()
    assert _kept(store, warm.id) is not None
    assert _kept(store, drill.id) is None and _kept(store, clinic.id) is None  # SQL NULL, not JSON 'null'

    found = store.played_scenario(team.rep, cfo.id, warm.scenario_hash)
    assert found == tailored and found.content_hash() == warm.scenario_hash
    assert store.played_scenario(team.rep, cfo.id, drill.scenario_hash) is None
    assert store.played_scenario(team.rep, "other-id", warm.scenario_hash) is None

    # What every page rebuilds an attempt's scenario with: the tailored copy for the warm-up, the bank's
    # for a normal drill (unchanged), for the rep and for their manager alike.
    for actor in (team.rep, team.manager, SYSTEM):
        assert pinned_scenario(bank, store, actor, cfo.id, content_hash=warm.scenario_hash) == tailored
        assert pinned_scenario(bank, store, actor, cfo.id, content_hash=drill.scenario_hash) == cfo
    assert pinned_scenario(bank, store, SYSTEM, cfo.id) == cfo  # no hash: the bank's, as before


def test_keep_scenario_can_be_asked_for_or_refused(
    store: Store, team: Team, cfo: Scenario, tailored: Scenario
) -> None:
    kept = store.start_attempt(team.rep, tailored, mode="drill", keep_scenario=True)
    not_kept = store.start_attempt(team.rep2, tailored, mode="warmup", keep_scenario=False)
    assert _kept(store, kept.id) is not None and _kept(store, not_kept.id) is None
    assert store.played_scenario(team.rep2, cfo.id, tailored.content_hash()) == tailored  # by content


def test_a_kept_scenario_the_models_no_longer_accept_falls_back_to_the_bank(
    store: Store, team: Team, bank: ScenarioBank, cfo: Scenario, tailored: Scenario
) -> None:
    warm = store.start_attempt(team.rep, tailored, mode="warmup")
    with store.engine.begin() as c:
        c.execute(text("UPDATE attempts SET played_scenario = :d WHERE id = :i"),
                  {"d": '{"id": "cfo-price-routing"}', "i": warm.id})
    assert store.played_scenario(team.rep, cfo.id, warm.scenario_hash) is None
    assert pinned_scenario(bank, store, team.rep, cfo.id, content_hash=warm.scenario_hash) == cfo


def _ask_fleet(drill: DrillSession) -> str:
    return drill.rep_says(FLEET).turn.text


def test_a_resumed_warmup_answers_with_the_notes(
    store: Store, team: Team, bank: ScenarioBank, cfo: Scenario, tailored: Scenario, hash_embedder: Any
) -> None:
    a = store.start_attempt(team.rep, tailored, mode="warmup")
    recorder = store.turn_recorder(a.id, team.rep)
    first = DrillSession(tailored, embedder=hash_embedder, voice=ScriptedVoice(0), max_turns=4,
                         on_turn=recorder)
    first.start()
    first.rep_says("Fair question. What's behind the number for you?")
    recorder.flush()

    # A refresh or a crash: the session is gone; the attempt and its turns are all there is.
    [open_attempt] = store.open_attempts(team.rep)
    scenario = pinned_scenario(bank, store, team.rep, open_attempt.scenario_id,
                               content_hash=open_attempt.scenario_hash)
    assert scenario == tailored
    turns = store.transcript_turns(team.rep, a.id)
    resumed = DrillSession.resume(scenario, turns, embedder=hash_embedder, voice=ScriptedVoice(0),
                                  max_turns=4, on_turn=store.turn_recorder(a.id, team.rep))
    assert resumed.scenario.buyer.facts == tailored.buyer.facts
    assert "300 trucks" in _ask_fleet(resumed)
    # What it did before: the same turns on the bank's scenario answer with the bank's figure.
    on_bank = DrillSession.resume(cfo, turns, embedder=hash_embedder, voice=ScriptedVoice(0), max_turns=4)
    assert "85 trucks" in _ask_fleet(on_bank)
    # The brief and the scorecard say which facts came from the notes, though the notes are gone.
    topics = {f.topic: f for f in facts_from_notes(cfo, scenario)}
    assert "300 trucks" in topics["fleet size"].answer and topics["fleet size"].replaced is not None
    assert facts_from_notes(cfo, cfo) == ()

    # A normal drill of the same scenario is unchanged: it resumes on the bank's.
    d = store.start_attempt(team.rep, cfo)
    again = pinned_scenario(bank, store, team.rep, cfo.id, content_hash=d.scenario_hash)
    assert again == cfo and "85 trucks" in again.buyer.company


def test_migration_0010_adds_and_drops_the_column_and_its_index(db_url: str) -> None:
    Store.open(db_url).close()
    engine = make_engine(db_url)
    try:
        cfg = store_engine.alembic_config()

        def shape() -> tuple[bool, bool]:
            with engine.connect() as c:
                cols = {col["name"] for col in inspect(c).get_columns("attempts")}
                indexes = {i["name"] for i in inspect(c).get_indexes("attempts")}
            return "played_scenario" in cols, "ix_attempts_played" in indexes

        assert shape() == (True, True)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, "0009")
        assert shape() == (False, False)
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
        assert shape() == (True, True)
        assert store_engine.at_head(engine)
    finally:
        engine.dispose()
