"""Scope is enforced in the engine: every read and write, called by the wrong user, is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from coach_engine.assignments import assignment_status
from coach_engine.leaderboard import compute_leaderboard
from coach_engine.models import Scenario, Scorecard, SkillScore
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import PermissionDenied, Store, User

from .conftest import Team


def card(sid: str, overall: int = 70) -> Scorecard:
    return Scorecard(
        scenario_id=sid,
        rubric="objection-handling",
        grader="test",
        overall=overall,
        skills=[SkillScore(id="explore", name="Explore", score=3)],
    )


@pytest.fixture
def scenario(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")


@pytest.fixture
def world(store: Store, team: Team, scenario: Scenario) -> SimpleNamespace:
    done = store.start_attempt(team.rep, scenario)
    store.record_turn(team.rep, done.id, 0, "buyer", scenario.buyer.opening)
    store.record_turn(team.rep, done.id, 1, "rep", "What makes the price feel high?")
    store.complete_attempt(team.rep, done.id, card(scenario.id))
    open_ = store.start_attempt(team.rep, scenario)
    return SimpleNamespace(done=done.id, open=open_.id)


def _event(i: int) -> Any:
    return SimpleNamespace(index=i, role="rep", text="hello", state={}, notice=None)


# (name, call, actors allowed) — every other user in the fixture must get PermissionDenied.
READS: list[tuple[str, Callable[[Store, User, Team, SimpleNamespace], Any], set[str]]] = [
    ("get_user", lambda s, u, t, w: s.get_user(u, t.rep.email), {"rep", "manager", "admin"}),
    ("list_attempts", lambda s, u, t, w: s.list_attempts(u, t.rep.email), {"rep", "manager", "admin"}),
    ("open_attempts", lambda s, u, t, w: s.open_attempts(u, t.rep.email), {"rep", "manager", "admin"}),
    ("get_attempt", lambda s, u, t, w: s.get_attempt(u, w.done), {"rep", "manager", "admin"}),
    ("turns", lambda s, u, t, w: s.turns(u, w.done), {"rep", "manager", "admin"}),
    ("scorecard", lambda s, u, t, w: s.scorecard(u, w.done), {"rep", "manager", "admin"}),
    ("reviews", lambda s, u, t, w: s.reviews(u, w.done), {"rep", "manager", "admin"}),
    ("team_attempts", lambda s, u, t, w: s.team_attempts(u, "Falcons"), {"manager", "admin"}),
    ("team_members", lambda s, u, t, w: s.team_members(u, "Falcons"), {"rep", "rep2", "manager", "admin"}),
    ("get_team", lambda s, u, t, w: s.get_team(u, "Falcons"), {"rep", "rep2", "manager", "admin"}),
    (
        "assignments_for_team",
        lambda s, u, t, w: s.assignments_for_team(u, "Falcons"),
        {"rep", "rep2", "manager", "admin"},
    ),
    (
        "leaderboard",
        lambda s, u, t, w: compute_leaderboard(s, u, "Falcons"),
        {"rep", "rep2", "manager", "admin"},
    ),
    (
        "assignment_status",
        lambda s, u, t, w: assignment_status(s, u, "Falcons"),
        {"rep", "rep2", "manager", "admin"},
    ),
]

WRITES: list[tuple[str, Callable[[Store, User, Team, SimpleNamespace], Any], set[str]]] = [
    ("record_turn", lambda s, u, t, w: s.record_turn(u, w.open, 5, "rep", "hi"), {"rep", "admin"}),
    ("turn_recorder", lambda s, u, t, w: s.turn_recorder(w.open, u, retries=1)(_event(6)), {"rep", "admin"}),
    (
        "complete_attempt",
        lambda s, u, t, w: s.complete_attempt(u, w.open, card("cfo-price-routing")),
        {"rep", "admin"},
    ),
    ("abandon_attempt", lambda s, u, t, w: s.abandon_attempt(u, w.open), {"rep", "admin"}),
    (
        "start_attempt_for_rep",
        lambda s, u, t, w: s.start_attempt(u, w.scenario, user=t.rep),
        {"rep", "admin"},
    ),
    ("add_review", lambda s, u, t, w: s.add_review(u, w.done, {"explore": 4}, "good"), {"manager", "admin"}),
    (
        "assign_user",
        lambda s, u, t, w: s.create_assignment(u, "cfo-price-routing", date(2030, 1, 1), user=t.rep.email),
        {"manager", "admin"},
    ),
    (
        "assign_team",
        lambda s, u, t, w: s.create_assignment(u, "cfo-price-routing", date(2030, 1, 1), team="Falcons"),
        {"manager", "admin"},
    ),
    (
        "add_rep",
        lambda s, u, t, w: s.add_user(u, f"new-{u.id}@falcons.test", "New", "rep", "Falcons"),
        {"manager", "admin"},
    ),
    (
        "add_manager",
        lambda s, u, t, w: s.add_user(u, f"boss-{u.id}@falcons.test", "Boss", "manager", "Falcons"),
        {"admin"},
    ),
    ("create_team", lambda s, u, t, w: s.ensure_team(u, f"Team {u.id}"), {"admin"}),
    (
        "save_scenario",
        lambda s, u, t, w: s.save_scenario(u, w.scenario, "id: x"),
        {"manager", "other_manager", "admin"},
    ),
]


def _who(team: Team) -> dict[str, User]:
    return {
        "manager": team.manager,
        "rep": team.rep,
        "rep2": team.rep2,
        "other_manager": team.other_manager,
        "other_rep": team.other_rep,
        "admin": team.admin,
    }


@pytest.mark.parametrize(("name", "call", "allowed"), READS + WRITES, ids=[r[0] for r in READS + WRITES])
def test_wrong_user_is_refused(
    store: Store,
    team: Team,
    world: SimpleNamespace,
    scenario: Scenario,
    name: str,
    call: Callable[..., Any],
    allowed: set[str],
) -> None:
    world.scenario = scenario
    for who, user in _who(team).items():
        if who in allowed:
            continue
        with pytest.raises(PermissionDenied) as exc:
            call(store, user, team, world)
        assert user.email in str(exc.value), f"{name}: the message names the acting user"
        assert "may not" in str(exc.value)


@pytest.mark.parametrize(("name", "call", "allowed"), READS, ids=[r[0] for r in READS])
def test_allowed_users_can_read(
    store: Store, team: Team, world: SimpleNamespace, name: str, call: Callable[..., Any], allowed: set[str]
) -> None:
    """Every allowed role gets an answer, not a refusal and not nothing."""
    who = _who(team)
    for role in sorted(allowed):
        result = call(store, who[role], team, world)
        assert result is not None, f"{name}: {role} got no answer"


def test_allowed_users_can_write(
    store: Store, team: Team, world: SimpleNamespace, scenario: Scenario
) -> None:
    world.scenario = scenario
    store.record_turn(team.rep, world.open, 2, "rep", "hi")
    store.turn_recorder(world.open, team.admin)(_event(3))
    store.add_review(team.manager, world.done, {"explore": 4}, "tighter question next time")
    store.create_assignment(team.manager, scenario.id, date(2030, 1, 1), team="Falcons")
    store.add_user(team.manager, "new@falcons.test", "New Rep", "rep", "Falcons")
    store.save_scenario(team.manager, scenario, "yaml")
    store.complete_attempt(team.rep, world.open, card(scenario.id, 80))
    assert store.get_attempt(team.manager, world.done).skills == {"explore": 4}


def test_unknown_or_forged_actor_is_refused(store: Store, team: Team, world: SimpleNamespace) -> None:
    forged = User(id=team.rep.id, email="someone@else.test", name="X", role="admin")
    with pytest.raises(PermissionDenied):
        store.get_attempt(forged, world.done)
    ghost = User(id=9999, email="ghost@falcons.test", name="Ghost", role="admin")
    with pytest.raises(PermissionDenied):
        store.list_attempts(ghost, team.rep.email)


def test_role_change_applies_at_once(store: Store, team: Team, world: SimpleNamespace) -> None:
    """The acting user is re-read: a stale 'manager' snapshot of a rep gets nothing extra."""
    stale = User(team.rep2.id, team.rep2.email, team.rep2.name, "manager", team.rep2.team_id, "Falcons")
    with pytest.raises(PermissionDenied):
        store.get_attempt(stale, world.done)


def test_another_teams_manager_cannot_overwrite_a_scenario(
    store: Store, team: Team, scenario: Scenario
) -> None:
    store.save_scenario(team.manager, scenario, "v1")
    with pytest.raises(PermissionDenied, match="another team"):
        store.save_scenario(team.other_manager, scenario, "v2")
    assert [a.yaml_text for a in store.authored_scenarios(team.rep)] == ["v1"]
