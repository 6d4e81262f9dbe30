"""Moving a live assignment to another version of its studio scenario (issue 15, part 4), on real
SQLite and PostgreSQL.

* only the team's manager (or an admin) moves it; anyone else gets the store's ``PermissionDenied``;
* the move is in the assignment's history and in the audit trail, like any edit;
* a rep's next drill for it runs the new version, and drills done before the move still count;
* ``newer_version`` says when an assignment is behind (what the Team page shows).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coach_engine.assignments import assignment_status, describe_event, my_assignments, newer_version
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import AuditLog, NotFound, PermissionDenied, Store, StoreError
from coach_engine.studio import bank_with_authored, pinned_scenario, scenario_yaml

from .conftest import Team, practise

CFO = "cfo-price-routing"
SID = "north-cfo-drill"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def version_of(bank: ScenarioBank, title: str) -> Scenario:
    data = bank.get(CFO).model_dump(mode="json")
    return Scenario.model_validate(data | {"id": SID, "title": title})


@pytest.fixture
def versions(store: Store, team: Team, bank: ScenarioBank) -> tuple[Scenario, Scenario]:
    """A studio scenario with two versions, saved before anything is assigned."""
    v1, v2 = version_of(bank, "Our CFO drill"), version_of(bank, "Our CFO drill, harder")
    store.clock = lambda: at(19)
    store.authored.create(team.manager, v1, scenario_yaml(v1), reserved={CFO: "the CFO file"})
    return v1, v2


def save_v2(store: Store, team: Team, v2: Scenario) -> None:
    store.authored.save_version(team.manager, v2, scenario_yaml(v2), base_version=1)


def test_only_the_teams_manager_or_an_admin_moves_an_assignment(
    store: Store, team: Team, versions: tuple[Scenario, Scenario]
) -> None:
    _, v2 = versions
    a = store.create_assignment(team.manager, SID, date(2026, 11, 27), team="Falcons")
    save_v2(store, team, v2)
    for who, why in ((team.rep, "only the team's manager"), (team.other_manager, "own team"),
                     (team.other_rep, "only the team's manager")):
        with pytest.raises(PermissionDenied, match=why):
            store.move_assignment(who, a.id)
    assert store.get_assignment(team.manager, a.id).scenario_version == 1  # nothing moved
    assert len(store.assignment_history(team.manager, a.id)) == 1  # and nothing logged

    assert store.move_assignment(team.manager, a.id).scenario_version == 2  # the latest by default
    assert store.move_assignment(team.admin, a.id, version=1).scenario_version == 1  # any version
    with pytest.raises(NotFound, match="no version 7"):
        store.move_assignment(team.manager, a.id, version=7)
    store.cancel_assignment(team.manager, a.id)
    with pytest.raises(StoreError, match="cancelled"):
        store.move_assignment(team.manager, a.id)


def test_a_move_is_in_the_history_and_the_audit_trail(
    store: Store, team: Team, versions: tuple[Scenario, Scenario]
) -> None:
    _, v2 = versions
    a = store.create_assignment(team.manager, SID, date(2026, 11, 27), user=team.rep.email)
    save_v2(store, team, v2)
    store.clock = lambda: at(22)
    store.move_assignment(team.manager, a.id, note="the harder one")
    assert store.move_assignment(team.manager, a.id).scenario_version == 2  # already there

    history = store.assignment_history(team.manager, a.id)
    assert [e.action for e in history] == ["created", "edited"]  # a second move to the same version adds none
    moved = history[-1]
    assert (moved.actor, moved.changes, moved.at) == (
        team.manager.email, {"scenario_version": [1, 2]}, at(22))
    assert describe_event(moved) == "changed scenario version 1 → 2 — “the harder one”"

    newest_first = AuditLog(store).events(team.admin, action="assignment")
    trail = [e for e in reversed(newest_first) if e.target == str(a.id)]
    assert [e.action for e in trail] == ["assignment.create", "assignment.edit"]
    assert (trail[-1].actor, trail[-1].before, trail[-1].after, trail[-1].note) == (
        team.manager.email, {"scenario_version": 1}, {"scenario_version": 2}, "the harder one")


def test_after_a_move_the_reps_next_drill_uses_the_new_version_and_old_drills_still_count(
    store: Store, team: Team, bank: ScenarioBank, versions: tuple[Scenario, Scenario]
) -> None:
    v1, v2 = versions
    store.clock = lambda: at(20)
    a = store.create_assignment(team.manager, SID, date(2026, 11, 27), team="Falcons", min_attempts=2)
    save_v2(store, team, v2)

    def next_drill() -> Scenario:
        """What the Practice page gives the rep for this assignment (``_engine.scenario_for``)."""
        (mine,) = my_assignments(store, team.rep, now=at(22))
        merged = bank_with_authored(bank, store.authored.scenarios(team.rep))
        return pinned_scenario(merged, store, team.rep, SID, version=mine.assignment.scenario_version)

    assert next_drill() == v1  # a save never moves it
    practise(store, team.rep, next_drill(), 90, at(21))

    store.clock = lambda: at(22)
    store.move_assignment(team.manager, a.id)
    drill = next_drill()
    assert (drill.title, drill.content_hash()) == ("Our CFO drill, harder", v2.content_hash())
    attempt = store.start_attempt(team.rep, drill, mode="drill", at=at(23))
    assert attempt.scenario_hash == v2.content_hash()

    rows = {r.user: r for r in assignment_status(store, team.manager, "Falcons", now=at(23))}
    mine = rows[team.rep.email]
    assert (mine.status, mine.attempts) == ("in_progress", 1)  # the drill on v1 still counts
    store.abandon_attempt(team.rep, attempt.id)
    practise(store, team.rep, drill, 80, at(24))
    rows = {r.user: r for r in assignment_status(store, team.manager, "Falcons", now=at(25))}
    mine = rows[team.rep.email]
    assert (mine.status, mine.attempts) == ("passed", 2)  # one drill on each version


def test_newer_version_says_when_an_assignment_is_behind(
    store: Store, team: Team, versions: tuple[Scenario, Scenario]
) -> None:
    _, v2 = versions
    a = store.create_assignment(team.manager, SID, date(2026, 11, 27), team="Falcons")
    shipped = store.create_assignment(team.manager, CFO, date(2026, 11, 27), team="Falcons")

    def latest() -> dict[str, int]:
        return {s.scenario_id: s.version for s in store.authored.scenarios(team.manager)}

    assert newer_version(a, latest()) is None and newer_version(shipped, latest()) is None
    save_v2(store, team, v2)
    assert newer_version(store.get_assignment(team.manager, a.id), latest()) == 2
    assert newer_version(shipped, latest()) is None  # shipped scenarios have no versions
    store.move_assignment(team.manager, a.id)
    assert newer_version(store.get_assignment(team.manager, a.id), latest()) is None
