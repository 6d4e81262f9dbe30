"""The audit trail on real SQL: every manager and admin action, with who, when, what and before/after.

Overrides and reviews, assignments (created, edited, cancelled, moved), studio
scenarios (created, edited, restored, archived), accounts and teams — each
writes one line in the transaction of the change, so a refused change writes
none; only admins read the trail, and its CSV export neutralises formulas.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from coach_engine.csv_export import neutralise, to_csv
from coach_engine.models import Scenario, Scorecard, SkillScore
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import SYSTEM, AccountStore, AuditEvent, AuditLog, PermissionDenied, Store, StoreError
from coach_engine.store.audit import export_csv
from coach_engine.studio import scenario_yaml

from .conftest import Team

CFO = "cfo-price-routing"


def log(store: Store, team: Team, action: str | None = None) -> list[AuditEvent]:
    return list(reversed(AuditLog(store).events(team.admin, action=action)))  # oldest first


def completed(store: Store, team: Team, bank: ScenarioBank) -> int:
    scenario = bank.get(CFO)
    a = store.start_attempt(team.rep, scenario)
    store.record_turn(team.rep, a.id, 0, "buyer", scenario.buyer.opening)
    store.record_turn(team.rep, a.id, 1, "rep", "What's behind the number?")
    card = Scorecard(scenario_id=CFO, rubric="objection-handling", grader="test", overall=60,
                     skills=[SkillScore(id="explore", name="Explore", score=2),
                             SkillScore(id="value", name="Value", score=3)])
    store.complete_attempt(team.rep, a.id, card)
    return a.id


def test_a_review_with_an_override_records_before_and_after(
    store: Store, team: Team, bank: ScenarioBank
) -> None:
    attempt = completed(store, team, bank)
    store.add_review(team.manager, attempt, {"explore": 4}, "Ask before you answer")
    (event,) = log(store, team, "review")
    assert (event.actor, event.actor_role, event.action) == (team.manager.email, "manager", "review.add")
    assert (event.target_type, event.target, event.team) == ("attempt", str(attempt), "Falcons")
    assert event.before == {"overall": 60, "skills": {"explore": 2}}
    assert event.after is not None
    assert event.after["skills"] == {"explore": 4} and event.after["comment"] == "Ask before you answer"
    assert event.after["overall"] == store.get_attempt(team.manager, attempt).overall


def test_assignments_are_recorded_created_edited_cancelled(store: Store, team: Team) -> None:
    a = store.create_assignment(team.manager, CFO, date(2030, 1, 1), team="Falcons")
    store.update_assignment(team.manager, a.id, pass_mark=80, note="stricter")
    store.cancel_assignment(team.manager, a.id)
    events = log(store, team, "assignment")
    assert [e.action for e in events] == ["assignment.create", "assignment.edit", "assignment.cancel"]
    assert events[0].after is not None and events[0].after["scenario_id"] == CFO
    assert (events[1].before, events[1].after, events[1].note) == ({"pass_mark": 70}, {"pass_mark": 80},
                                                                    "stricter")
    assert (events[2].before, events[2].after) == ({"status": "open"}, {"status": "cancelled"})


def test_studio_changes_are_recorded(store: Store, team: Team, bank: ScenarioBank) -> None:
    data = bank.get(CFO).model_dump(mode="json")
    v1 = Scenario.model_validate(data | {"id": "north-cfo", "title": "Our CFO drill"})
    v2 = Scenario.model_validate(data | {"id": "north-cfo", "title": "Our CFO drill, harder"})
    store.authored.create(team.manager, v1, scenario_yaml(v1))
    a = store.create_assignment(team.manager, "north-cfo", date(2030, 1, 1), team="Falcons")
    store.authored.save_version(team.manager, v2, scenario_yaml(v2), base_version=1)
    store.move_assignment(team.manager, a.id)
    store.authored.restore(team.manager, "north-cfo", 1)
    store.authored.archive(team.manager, "north-cfo")
    events = log(store, team, "scenario")
    assert [e.action for e in events] == ["scenario.create", "scenario.edit", "scenario.restore",
                                          "scenario.archive"]
    assert events[0].before is None and events[0].after is not None and events[0].after["version"] == 1
    assert events[1].before is not None and events[1].after is not None
    assert (events[1].before["version"], events[1].after["version"]) == (1, 2)
    assert events[1].before["content_hash"] == v1.content_hash() != events[1].after["content_hash"]
    assert events[2].note == "restored from version 1"
    assert events[3].after is not None and events[3].after["archived"] is True
    moved = [e for e in log(store, team, "assignment") if e.action == "assignment.edit"]
    assert moved[0].before == {"scenario_version": 1} and moved[0].after == {"scenario_version": 2}


def test_account_and_team_changes_are_recorded(store: Store, team: Team) -> None:
    accounts = AccountStore(store)
    store.ensure_team(team.manager, "Falcons", "Europe/Berlin")
    accounts.invite(team.manager, "newbie@falcons.test", "New Bie")
    accounts.issue_reset(team.admin, team.rep.email)
    accounts.set_disabled(team.manager, team.rep2.email, True)
    accounts.set_role(team.admin, team.rep.email, "manager")
    accounts.set_team(team.admin, team.other_rep.email, "Herons")
    got = [(e.action, e.actor, e.target) for e in log(store, team) if e.actor != SYSTEM.email]
    assert got == [
        ("team.timezone", team.manager.email, "Falcons"),
        ("user.add", team.manager.email, "newbie@falcons.test"),
        ("user.invite", team.manager.email, "newbie@falcons.test"),
        ("user.reset", team.admin.email, team.rep.email),
        ("user.disable", team.manager.email, team.rep2.email),
        ("user.role", team.admin.email, team.rep.email),
        ("team.create", team.admin.email, "Herons"),
        ("user.team", team.admin.email, team.other_rep.email),
    ]
    by_action = {e.action: e for e in log(store, team)}
    assert by_action["team.timezone"].before == {"timezone": "America/Los_Angeles"}
    assert by_action["user.disable"].before == {"disabled": False}
    assert by_action["user.role"].after == {"role": "manager"}
    moved = by_action["user.team"]
    assert (moved.before, moved.after) == ({"team": "Owls"}, {"team": "Herons"})
    assert "link_expires_at" in (by_action["user.invite"].after or {})


def test_the_command_line_is_recorded_as_itself(store: Store, team: Team) -> None:
    events = log(store, team, "user.add")
    assert {e.actor for e in events} == {SYSTEM.email}  # the Team fixture adds everyone through SYSTEM
    assert {e.target for e in events} == {u.email for u in team.everyone()}


def test_a_lockout_is_recorded(store: Store, team: Team) -> None:
    accounts = AccountStore(store)
    accounts.set_password(SYSTEM, team.rep.email, "correct horse battery")
    for _ in range(5):
        with pytest.raises(Exception, match="match|locked"):
            accounts.sign_in(team.rep.email, "wrong wrong wrong")
    (event,) = log(store, team, "user.lock")
    assert event.target == team.rep.email and "5 wrong passwords" in event.note


def test_a_refused_change_writes_no_line(store: Store, team: Team, bank: ScenarioBank) -> None:
    attempt = completed(store, team, bank)
    before = len(log(store, team))
    for call in (
        lambda: store.add_review(team.other_manager, attempt, {"explore": 5}, "not mine"),
        lambda: store.create_assignment(team.rep, CFO, date(2030, 1, 1), team="Falcons"),
        lambda: AccountStore(store).set_role(team.manager, team.rep.email, "admin"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert len(log(store, team)) == before


@pytest.mark.parametrize("who", ["rep", "manager", "other_manager"])
def test_only_admins_read_the_trail(store: Store, team: Team, who: str) -> None:
    with pytest.raises(PermissionDenied, match="only admins"):
        AuditLog(store).events(getattr(team, who))


def test_the_trail_filters_by_action_time_and_team(store: Store, team: Team) -> None:
    store.create_assignment(team.manager, CFO, date(2030, 1, 1), team="Falcons")
    store.create_assignment(team.other_manager, CFO, date(2030, 1, 1), team="Owls")
    trail = AuditLog(store)
    assert {e.team for e in trail.events(team.admin, action="assignment")} == {"Falcons", "Owls"}
    assert [e.team for e in trail.events(team.admin, action="assignment", team="Owls")] == ["Owls"]
    assert trail.events(team.admin, since=datetime.now(UTC) + timedelta(hours=1)) == []
    assert trail.events(SYSTEM, action="assignment.create")  # the command line is an admin


# --- the CSV export -------------------------------------------------------------------------------


def test_the_export_neutralises_formula_cells(store: Store, team: Team) -> None:
    store.add_user(SYSTEM, "evil@falcons.test", '=HYPERLINK("http://x.test","click")', "rep", "Falcons")
    store.add_user(SYSTEM, "at@falcons.test", "@SUM(A1:A9)", "rep", "Falcons")
    rows = list(csv.DictReader(io.StringIO(export_csv(AuditLog(store).events(team.admin)))))
    assert rows and set(rows[0]) >= {"When (UTC)", "Who", "Action", "Before", "After"}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    after = [r["After"] for r in rows if "HYPERLINK" in r["After"]]
    assert after and after[0].startswith("{")  # JSON text: already safe, and kept whole


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-cmd", "'-cmd"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
     ("plain", "plain"), (-3, -3), (None, ""), ("a=b", "a=b")],
)
def test_neutralise(value: Any, cell: Any) -> None:
    assert neutralise(value) == cell


def test_to_csv_neutralises_every_cell_the_header_too() -> None:
    text = to_csv([{"=h": "=x", "n": -2}, {"=h": "ok", "extra": "+y"}])
    assert text.splitlines() == ["'=h,n,extra", "'=x,-2,", "ok,,'+y"]


def test_twenty_thousand_characters_are_refused_with_the_limit_and_nothing_is_kept(
    store: Store, team: Team, bank: ScenarioBank
) -> None:
    """Names, team names, review comments and assignment notes have a length limit, said in the refusal;
    a refused change stores nothing and writes no audit line (on PostgreSQL too, whose columns are sized)."""
    huge = "x" * 20_000
    before = len(log(store, team))
    with pytest.raises(StoreError, match="a name may be at most 200 characters; this one has 20,000"):
        store.add_user(team.admin, "long@falcons.test", huge, "rep", "Falcons")
    with pytest.raises(StoreError, match="a team name may be at most 120"):
        store.ensure_team(team.admin, huge)
    with pytest.raises(StoreError, match="an email may be at most 254"):
        store.add_user(team.admin, huge + "@falcons.test", "Long Mail", "rep", "Falcons")
    attempt = completed(store, team, bank)
    with pytest.raises(StoreError, match="a review comment may be at most 5,000"):
        store.add_review(team.manager, attempt, {"explore": 4}, huge)
    made = store.create_assignment(team.manager, CFO, date(2026, 12, 20), team="Falcons")
    with pytest.raises(StoreError, match="a note may be at most 2,000"):
        store.update_assignment(team.manager, made.id, pass_mark=80, note=huge)
    assert store.get_assignment(team.manager, made.id).pass_mark == 70  # the refused edit left no trace
    assert not store.reviews(team.manager, attempt)
    assert "long@falcons.test" not in {u.email for u in store.list_users(team.admin)}
    actions = [e.action for e in log(store, team)[before:]]
    assert actions == ["assignment.create"]
