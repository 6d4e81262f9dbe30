"""Scope is enforced in the engine: every read and write, called by the wrong user, is refused.

Each row names a store call and the users allowed to make it; every other
user of the fixture — another rep of the team, another team's rep and
manager, a rep trying a manager's action, a manager trying an admin's — must
get ``PermissionDenied`` naming them. Accounts (``store.accounts``) and the
audit trail (``store.audit``) are held to the same rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from coach_engine.assignments import assignment_status
from coach_engine.leaderboard import compute_leaderboard
from coach_engine.models import Scenario, Scorecard, SkillScore
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import AccountStore, AuditLog, PermissionDenied, Store, User
from coach_engine.studio import scenario_yaml

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
    to_team = store.create_assignment(team.manager, scenario.id, date(2031, 1, 1), team="Falcons")
    to_rep = store.create_assignment(team.manager, scenario.id, date(2031, 2, 1), user=team.rep.email)
    data = scenario.model_dump(mode="json")
    v1 = Scenario.model_validate(data | {"id": "falcons-cfo"})
    v2 = Scenario.model_validate(data | {"id": "falcons-cfo", "title": "Falcons CFO, harder"})
    store.authored.create(team.manager, v1, scenario_yaml(v1))
    studio = store.create_assignment(team.manager, "falcons-cfo", date(2031, 3, 1), team="Falcons")
    store.authored.save_version(team.manager, v2, scenario_yaml(v2), base_version=1)
    return SimpleNamespace(done=done.id, open=open_.id, assignment=to_team.id, rep_assignment=to_rep.id,
                           studio_assignment=studio.id)


_T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


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
    ("transcript_turns", lambda s, u, t, w: s.transcript_turns(u, w.done), {"rep", "manager", "admin"}),
    (
        "team_by_id",
        lambda s, u, t, w: s.team_by_id(u, t.manager.team_id),
        {"rep", "rep2", "manager", "admin"},
    ),
    (
        "list_users_of_team",
        lambda s, u, t, w: s.list_users(u, "Falcons"),
        {"rep", "rep2", "manager", "admin"},
    ),
    ("team_scope_read", lambda s, u, t, w: s.team_scope(u, "Falcons"), {"rep", "rep2", "manager", "admin"}),
    ("team_scope_manage", lambda s, u, t, w: s.team_scope(u, "Falcons", manage=True), {"manager", "admin"}),
    ("review_counts", lambda s, u, t, w: s.review_counts(u, "Falcons"), {"manager", "admin"}),
    ("rep_reviews", lambda s, u, t, w: s.rep_reviews(u, t.rep.email), {"rep", "manager", "admin"}),
    ("flagged_turns", lambda s, u, t, w: s.flagged_turns(u, [w.done]), {"rep", "rep2", "manager", "admin"}),
    (
        "get_team_assignment",
        lambda s, u, t, w: s.get_assignment(u, w.assignment),
        {"rep", "rep2", "manager", "admin"},
    ),
    (
        "get_rep_assignment",
        lambda s, u, t, w: s.get_assignment(u, w.rep_assignment),
        {"rep", "manager", "admin"},
    ),
    ("assignment_history", lambda s, u, t, w: s.assignment_history(u, w.assignment), {"manager", "admin"}),
    (
        "accounts_of_team",
        lambda s, u, t, w: AccountStore(s).accounts(u, "Falcons"),
        {"rep", "rep2", "manager", "admin"},
    ),
    ("audit_trail", lambda s, u, t, w: AuditLog(s).events(u), {"admin"}),
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
    ("mark_reviews_seen", lambda s, u, t, w: s.mark_reviews_seen(u, w.done), {"rep"}),
    (
        "update_assignment",
        lambda s, u, t, w: s.update_assignment(u, w.assignment, pass_mark=90),
        {"manager", "admin"},
    ),
    ("cancel_assignment", lambda s, u, t, w: s.cancel_assignment(u, w.assignment), {"manager", "admin"}),
    (
        "move_assignment",
        lambda s, u, t, w: s.move_assignment(u, w.studio_assignment),
        {"manager", "admin"},
    ),
    ("restore_scenario", lambda s, u, t, w: s.authored.restore(u, "falcons-cfo", 1), {"manager", "admin"}),
    ("archive_scenario", lambda s, u, t, w: s.authored.archive(u, "falcons-cfo"), {"manager", "admin"}),
    (
        "save_draft",
        lambda s, u, t, w: s.authored.save_draft(u, "id: x", base_text=""),
        {"manager", "other_manager", "admin"},
    ),
    (
        "team_timezone",
        lambda s, u, t, w: s.ensure_team(u, "Falcons", "Europe/Berlin"),
        {"manager", "admin"},
    ),
    (
        "import_attempt",
        lambda s, u, t, w: s.import_attempt(
            u, t.rep, w.scenario, [], card(w.scenario.id), started_at=_T, completed_at=_T
        ),
        {"admin"},
    ),
    (
        "invite_rep",
        lambda s, u, t, w: AccountStore(s).invite(u, f"invited-{u.id}@falcons.test", "New", "rep", "Falcons"),
        {"manager", "admin"},
    ),
    ("issue_reset", lambda s, u, t, w: AccountStore(s).issue_reset(u, t.rep.email), {"admin"}),
    (
        "disable_rep",
        lambda s, u, t, w: AccountStore(s).set_disabled(u, t.rep2.email, True),
        {"manager", "admin"},
    ),
    ("set_role", lambda s, u, t, w: AccountStore(s).set_role(u, t.rep.email, "manager"), {"admin"}),
    ("set_team", lambda s, u, t, w: AccountStore(s).set_team(u, t.rep.email, "Owls"), {"admin"}),
    (
        "set_password",
        lambda s, u, t, w: AccountStore(s).set_password(u, t.rep.email, "a long new secret"),
        {"admin"},
    ),
    (
        "end_sessions",
        lambda s, u, t, w: AccountStore(s).end_sessions(u, t.rep.email),
        {"rep", "manager", "admin"},
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


def test_no_team_can_replace_a_shipped_scenario(store: Store, team: Team, bank: ScenarioBank) -> None:
    """The studio refuses a shipped id outright, and a studio row with one (written round the studio,
    straight through the store) never replaces the shipped file in anyone's bank."""
    from coach_engine.store import ScenarioIdTaken
    from coach_engine.studio import bank_with_authored, save

    shipped = bank.get("cfo-price-routing")
    for manager in (team.manager, team.other_manager, team.admin):
        with pytest.raises(ScenarioIdTaken, match="shipped"):
            save(store, manager, bank, scenario_yaml(shipped))
    bypass = Scenario.model_validate(shipped.model_dump(mode="json") | {"title": "Hijacked"})
    store.save_scenario(team.manager, bypass, scenario_yaml(bypass))
    merged = bank_with_authored(bank, store.authored.scenarios(team.other_rep))
    assert merged.get("cfo-price-routing").title == shipped.title
