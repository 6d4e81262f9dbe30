"""Attempts, turns, scorecards, reviews and assignments on real SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.exc import OperationalError

from coach_engine.assignments import assignment_status, my_assignments
from coach_engine.models import Scorecard, SkillScore
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import SYSTEM, Store, StoreError
from coach_engine.store.schema import Base

from .conftest import Team, practise


def card(sid: str, overall: int, outcome: str = "agreed") -> Scorecard:
    return Scorecard(
        scenario_id=sid,
        rubric="objection-handling",
        grader="rubric",
        overall=overall,
        outcome=outcome,  # type: ignore[arg-type]
        skills=[
            SkillScore(id="explore", name="Explore", score=4),
            SkillScore(id="value", name="Value", score=2),
        ],
    )


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_reopening_keeps_everything(db_url: str, bank: ScenarioBank) -> None:
    s1 = Store.open(db_url)
    rep = s1.add_user(SYSTEM, "rob@x.test", "Rob", "rep", "Falcons", timezone="Europe/Berlin")
    a = s1.start_attempt(rep, bank.get("cfo-price-routing"))
    s1.record_turn(rep, a.id, 0, "buyer", "Too expensive.")
    s1.close()
    s2 = Store.open(db_url)  # migrations run again: a no-op
    assert [t.text for t in s2.turns(rep, a.id)] == ["Too expensive."]
    assert s2.get_team(rep, "Falcons").timezone == "Europe/Berlin"
    s2.close()


def test_attempt_lifecycle_and_history(store: Store, team: Team, bank: ScenarioBank) -> None:
    scenario = bank.get("cfo-price-routing")
    t0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
    first = store.start_attempt(team.rep, scenario, at=t0, voice="offline", grader="offline")
    assert (first.status, first.scenario_hash, first.objection) == (
        "in_progress",
        scenario.content_hash(),
        "price",
    )
    for i, (role, text) in enumerate(
        [("buyer", scenario.buyer.opening), ("rep", "What makes it feel high?")]
    ):
        store.record_turn(team.rep, first.id, i, role, text, state={"trust": 40 + i})
    store.record_turn(team.rep, first.id, 1, "rep", "What makes it feel high?")  # a retry: no duplicate
    with pytest.raises(StoreError, match="already stored with other text"):
        store.record_turn(team.rep, first.id, 1, "rep", "something else")
    done = store.complete_attempt(team.rep, first.id, card(scenario.id, 72), at=t0 + timedelta(minutes=5))
    assert (done.status, done.outcome, done.overall, done.skills) == (
        "completed",
        "agreed",
        72,
        {"explore": 4, "value": 2},
    )
    with pytest.raises(StoreError, match="no longer be added"):
        store.record_turn(team.rep, first.id, 2, "rep", "late")
    second = store.start_attempt(team.rep, scenario, at=t0 + timedelta(days=1))
    store.abandon_attempt(team.rep, second.id)
    third = store.start_attempt(team.rep, scenario, at=t0 + timedelta(days=2))

    history = store.list_attempts(team.manager, team.rep.email)
    assert [a.id for a in history] == [third.id, second.id, first.id]  # newest first
    assert [a.status for a in history] == ["in_progress", "abandoned", "completed"]
    assert history[2].summary() == {
        "id": first.id,
        "scenario_id": scenario.id,
        "outcome": "agreed",
        "overall": 72,
        "started_at": t0.isoformat(),
        "status": "completed",
    }
    assert [a.id for a in store.open_attempts(team.rep)] == [third.id]
    stored = store.scorecard(team.rep, first.id)
    assert stored == card(scenario.id, 72)
    assert store.turns(team.rep, first.id)[0].state == {"trust": 40}
    assert [t.role for t in store.transcript_turns(team.rep, first.id)] == ["buyer", "rep"]


def test_reviews_override_skills_not_the_grader(store: Store, team: Team, bank: ScenarioBank) -> None:
    scenario = bank.get("cfo-price-routing")
    a = store.start_attempt(team.rep, scenario)
    store.complete_attempt(team.rep, a.id, card(scenario.id, 60))
    with pytest.raises(StoreError, match="no skill"):
        store.add_review(team.manager, a.id, {"rapport": 3})
    with pytest.raises(StoreError, match="1-5"):
        store.add_review(team.manager, a.id, {"value": 9})
    review = store.add_review(team.manager, a.id, {"value": 4}, "Good number, tie it to fuel next time")
    assert store.get_attempt(team.rep, a.id).skills == {"explore": 4, "value": 4}
    assert store.scorecard(team.rep, a.id) == card(scenario.id, 60)  # the grader's card is untouched
    assert [(r.reviewer, r.overrides, r.comment) for r in store.reviews(team.rep, a.id)] == [
        (team.manager.email, {"value": 4}, review.comment)
    ]


def test_users_and_teams_are_validated(store: Store, team: Team) -> None:
    with pytest.raises(StoreError, match="already exists"):
        store.add_user(SYSTEM, "ROB@falcons.test", "Rob again", "rep", "Falcons")
    with pytest.raises(StoreError, match="unknown role"):
        store.add_user(SYSTEM, "x@y.test", "X", "coach", "Falcons")
    with pytest.raises(StoreError, match="time zone"):
        store.ensure_team(SYSTEM, "Hawks", "Mars/Olympus")
    assert store.get_user(team.rep, "Rob@Falcons.test").team == "Falcons"
    assert [u.name for u in store.team_members(team.rep, "Falcons")] == ["Mia Manager", "Ria Rep", "Rob Rep"]


def test_assignment_statuses(store: Store, team: Team, bank: ScenarioBank) -> None:
    scenario = bank.get("cfo-price-routing")
    store.clock = lambda: datetime(2026, 11, 20, 12, tzinfo=UTC)
    team_wide = store.create_assignment(
        team.manager, scenario.id, date(2026, 11, 25), team="Falcons", pass_mark=70, min_attempts=2
    )
    solo = store.create_assignment(
        team.manager, "school-budget-tutoring", date(2026, 11, 30), user=team.rep2.email
    )
    # Rob: 80 then 65 -> passed when the second drill completes (min attempts 2).
    for overall, day in ((80, 21), (65, 22)):
        practise(
            store,
            team.rep,
            scenario,
            overall,
            datetime(2026, 11, day, 13, tzinfo=UTC),
            started=datetime(2026, 11, day, 12, tzinfo=UTC),
        )
    # Ria: one attempt in progress on the team assignment, nothing on her own.
    store.start_attempt(team.rep2, scenario, at=datetime(2026, 11, 23, 12, tzinfo=UTC))

    store.clock = lambda: datetime(2026, 11, 24, 12, tzinfo=UTC)
    rows = {(r.assignment.id, r.user): r for r in assignment_status(store, team.manager, "Falcons")}
    rob = rows[(team_wide.id, team.rep.email)]
    assert (rob.status, rob.attempts, rob.best, rob.on_time) == ("passed", 2, 80, True)
    assert rob.passed_at == datetime(2026, 11, 22, 13, tzinfo=UTC)
    assert rows[(team_wide.id, team.rep2.email)].status == "in_progress"
    assert rows[(solo.id, team.rep2.email)].status == "not_started"
    assert len(rows) == 3  # the team assignment covers reps only, not the manager

    store.clock = lambda: datetime(2026, 11, 27, 12, tzinfo=UTC)  # after 25 Nov (Los Angeles)
    mine = {r.assignment.id: r.status for r in my_assignments(store, team.rep2)}
    assert mine == {team_wide.id: "overdue", solo.id: "not_started"}
    assert {r.user for r in assignment_status(store, team.rep, "Falcons")} == {team.rep.email}


def test_turn_recorder_retries_then_keeps_the_turn(
    store: Store, team: Team, bank: ScenarioBank, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = store.start_attempt(team.rep, bank.get("cfo-price-routing"))
    rec = store.turn_recorder(a.id, team.rep, retries=3, backoff=0.001, budget=0.05)
    real = Store.record_turn
    failures = {"left": 2}

    def flaky(self: Store, *args: object, **kw: object) -> None:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OperationalError("INSERT INTO turns", {}, Exception("database is locked"))
        real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "record_turn", flaky)
    rec(SimpleNamespace(index=0, role="buyer", text="Too expensive.", state={}, notice=None))
    assert [t.text for t in store.turns(team.rep, a.id)] == ["Too expensive."]  # two failures, third try

    failures["left"] = 10**6
    with pytest.raises(StoreError, match="turn 1 .* kept"):
        rec(SimpleNamespace(index=1, role="rep", text="What feels high?", state={}, notice=None))
    assert [p.index for p in rec.pending] == [1]
    assert len(store.turns(team.rep, a.id)) == 1

    # The outage is known (a turn is pending): the next turn is tried once, not for the whole budget.
    with pytest.raises(StoreError, match="turn 1 .* after 1 tries"):
        rec(SimpleNamespace(index=2, role="buyer", text="The board froze spend.", state={}, notice="n"))
    assert [p.index for p in rec.pending] == [1, 2]
    with pytest.raises(StoreError, match=r"after (\d+) tries") as full:
        rec.flush()  # saving on purpose uses the full budget again
    assert int(re.search(r"after (\d+) tries", str(full.value)).group(1)) >= 3  # type: ignore[union-attr]

    failures["left"] = 0  # the database is back: the next turn flushes the pending one first
    rec(SimpleNamespace(index=2, role="buyer", text="The board froze spend.", state={}, notice="n"))
    assert [(t.index, t.text) for t in store.turns(team.rep, a.id)] == [
        (0, "Too expensive."),
        (1, "What feels high?"),
        (2, "The board froze spend."),
    ]
    assert rec.pending == []


def test_a_locked_database_is_retried_for_seconds_not_milliseconds(
    store: Store, team: Team, bank: ScenarioBank, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: the default budget rides out a lock that lasts longer than the old 0.35 s of retries."""
    import time

    a = store.start_attempt(team.rep, bank.get("cfo-price-routing"))
    rec = store.turn_recorder(a.id, team.rep)
    real = Store.record_turn
    locked_until = time.monotonic() + 1.2

    def locked(self: Store, *args: object, **kw: object) -> None:
        if time.monotonic() < locked_until:
            raise OperationalError("INSERT INTO turns", {}, Exception("database is locked"))
        real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "record_turn", locked)
    rec(SimpleNamespace(index=0, role="buyer", text="Too expensive.", state={}, notice=None))
    assert [t.text for t in store.turns(team.rep, a.id)] == ["Too expensive."]


def test_a_cli_drill_keeps_going_through_a_database_blip(
    store: Store, team: Team, bank: ScenarioBank, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: a blip longer than the retries no longer ends `scrimmage drill --save`; the turn is kept in
    memory, written before the next one, and nothing is stored twice."""
    from coach_engine.cli.drill import _Saver
    from coach_engine.drill_record import DrillRecord

    a = store.start_attempt(team.rep, bank.get("cfo-price-routing"))
    saver = _Saver(DrillRecord.resume(store, team.rep, a.id, budget=0.0))
    saver.record.recorder.backoff = 0.001
    real = Store.record_turn
    down = {"on": True}

    def blip(self: Store, *args: object, **kw: object) -> None:
        if down["on"]:
            raise OperationalError("INSERT INTO turns", {}, Exception("database is locked"))
        real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "record_turn", blip)
    saver.recorder(SimpleNamespace(index=0, role="buyer", text="Too expensive.", state={}, notice=None))
    assert store.turns(team.rep, a.id) == [] and len(saver.record.pending) == 1  # kept, drill goes on
    down["on"] = False
    saver.recorder(SimpleNamespace(index=1, role="rep", text="What feels high?", state={}, notice=None))
    saver.recorder(SimpleNamespace(index=1, role="rep", text="What feels high?", state={}, notice=None))
    assert [(t.index, t.text) for t in store.turns(team.rep, a.id)] == [(0, "Too expensive."),
                                                                       (1, "What feels high?")]
