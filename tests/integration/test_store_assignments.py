"""Assignments that mean what they say (issue 15), on real SQLite and PostgreSQL.

* only full drills of the assigned scenario count: not a clinic reply, not a warm-up, not a drill
  ended with fewer than the minimum replies, not a drill started before it was assigned;
* the minimum number of drills *and* the pass mark are both needed;
* assigning the same thing again returns the open assignment;
* assignments are edited and cancelled with their history kept; a cancelled one is shown to no
  rep, counted in no matrix and earns no points;
* the completion matrix's counts are its cells.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import Date, column, insert, table

from coach_engine.assignments import (
    assign,
    assignment_status,
    completion_matrix,
    describe_event,
    my_assignments,
)
from coach_engine.leaderboard import compute_leaderboard
from coach_engine.points import load_rules
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import SYSTEM, PermissionDenied, Store, StoreError
from coach_engine.store.engine import alembic_config, make_engine
from coach_engine.store.schema import AttemptRow, TeamRow, TurnRow, UserRow, UTCDateTime

from .conftest import Team, practise

CFO, SCHOOL = "cfo-price-routing", "school-budget-tutoring"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def status_of(store: Store, team: Team, assignment_id: int, email: str) -> tuple[str, int, int | None]:
    rows = {(r.assignment.id, r.user): r for r in assignment_status(store, team.manager, "Falcons")}
    r = rows[(assignment_id, email)]
    return r.status, r.attempts, r.best


def test_only_full_drills_of_the_scenario_count(store: Store, team: Team, bank: ScenarioBank) -> None:
    """The issue's case: one clinic reply at 88 passed 'minimum 2, pass mark 75'. Not any more."""
    cfo, school = bank.get(CFO), bank.get(SCHOOL)
    min_replies = load_rules().drill.min_replies
    practise(store, team.rep, cfo, 99, at(19))  # before the assignment: does not count
    store.clock = lambda: at(20)
    a = store.create_assignment(
        team.manager, CFO, date(2026, 11, 27), team="Falcons", pass_mark=75, min_attempts=2
    )
    practise(store, team.rep, cfo, 88, at(21, 9), replies=1, mode="clinic")
    practise(store, team.rep, cfo, 90, at(21, 10), mode="warmup")
    practise(store, team.rep, cfo, 95, at(21, 11), replies=min_replies - 1)  # a drill ended too soon
    practise(store, team.rep, school, 90, at(21, 12))  # another scenario
    store.clock = lambda: at(22)
    assert status_of(store, team, a.id, team.rep.email) == ("in_progress", 0, None)
    board = compute_leaderboard(store, team.manager, "Falcons", "2026-W47")
    assert {r.user: r.assignment_points for r in board.rows}[team.rep.email] == 0

    practise(store, team.rep, cfo, 80, at(22, 13))
    assert status_of(store, team, a.id, team.rep.email) == ("in_progress", 1, 80)  # 1 of 2
    practise(store, team.rep, cfo, 60, at(23, 9))
    store.clock = lambda: at(24)
    rows = {r.user: r for r in assignment_status(store, team.manager, "Falcons")}
    assert (rows[team.rep.email].status, rows[team.rep.email].attempts) == ("passed", 2)
    assert rows[team.rep.email].passed_at == at(23, 9)  # when the second drill completed
    assert rows[team.rep2.email].status == "not_started"


def test_pass_mark_and_minimum_are_both_needed(store: Store, team: Team, bank: ScenarioBank) -> None:
    cfo, school = bank.get(CFO), bank.get(SCHOOL)
    store.clock = lambda: at(20)
    two = store.create_assignment(
        team.manager, CFO, date(2026, 11, 27), user=team.rep.email, pass_mark=75, min_attempts=2
    )
    high = store.create_assignment(
        team.manager, SCHOOL, date(2026, 11, 24), user=team.rep.email, pass_mark=90
    )
    practise(store, team.rep, cfo, 88, at(21))
    practise(store, team.rep, school, 85, at(21))
    practise(store, team.rep, school, 89, at(22))
    store.clock = lambda: at(23)
    assert status_of(store, team, two.id, team.rep.email) == ("in_progress", 1, 88)  # pass mark met, 1 of 2
    assert status_of(store, team, high.id, team.rep.email) == ("in_progress", 2, 89)  # 2 drills, none at 90
    practise(store, team.rep, cfo, 50, at(23, 13))  # the second drill need not pass: one at the mark did
    store.clock = lambda: at(26)  # after 24 Nov in Los Angeles
    assert status_of(store, team, two.id, team.rep.email) == ("passed", 2, 88)
    assert status_of(store, team, high.id, team.rep.email) == ("overdue", 2, 89)


def test_the_same_assignment_is_not_made_twice(store: Store, team: Team, bank: ScenarioBank) -> None:
    due = date(2030, 1, 31)
    first = assign(store, team.manager, CFO, due, team="Falcons", pass_mark=75, min_attempts=2)
    again = assign(store, team.manager, CFO, due, team="Falcons", pass_mark=75, min_attempts=2)
    assert first.created and not again.created
    assert again.assignment.id == first.assignment.id
    assert len(store.assignment_history(team.manager, first.assignment.id)) == 1
    # Anything different is a new assignment: due date, pass mark, minimum, assignee.
    others = [
        assign(store, team.manager, CFO, date(2030, 2, 1), team="Falcons", pass_mark=75, min_attempts=2),
        assign(store, team.manager, CFO, due, team="Falcons", pass_mark=80, min_attempts=2),
        assign(store, team.manager, CFO, due, team="Falcons", pass_mark=75, min_attempts=1),
        assign(store, team.manager, CFO, due, user=team.rep.email, pass_mark=75, min_attempts=2),
    ]
    assert all(o.created for o in others)
    assert len({o.assignment.id for o in others} | {first.assignment.id}) == 5
    # The rep sees each once; the matrix has one cell per (rep, assignment).
    assert len(my_assignments(store, team.rep)) == 5
    # Once cancelled, the same terms make a new one.
    store.cancel_assignment(team.manager, first.assignment.id)
    renewed = assign(store, team.manager, CFO, due, team="Falcons", pass_mark=75, min_attempts=2)
    assert renewed.created and renewed.assignment.id != first.assignment.id


def test_edit_and_cancel_keep_history(store: Store, team: Team, bank: ScenarioBank) -> None:
    store.clock = lambda: at(20)
    a = store.create_assignment(team.manager, CFO, date(2026, 11, 24), team="Falcons", pass_mark=70)
    practise(store, team.rep, bank.get(CFO), 72, at(25))  # after the due date: late
    store.clock = lambda: at(26)
    assert status_of(store, team, a.id, team.rep.email)[0] == "passed"
    assert not {r.user: r for r in assignment_status(store, team.manager, "Falcons")}[team.rep.email].on_time

    store.clock = lambda: at(21, 9)
    edited = store.update_assignment(team.manager, a.id, due=date(2026, 11, 28), pass_mark=75)
    assert (edited.due, edited.pass_mark, edited.min_attempts) == (date(2026, 11, 28), 75, 1)
    store.clock = lambda: at(21, 10)
    assert store.update_assignment(team.manager, a.id, due=date(2026, 11, 28)) == edited  # nothing changed
    store.clock = lambda: at(26)
    # The rep's 72 is now under the pass mark; the due date is later, so not overdue.
    assert status_of(store, team, a.id, team.rep.email) == ("in_progress", 1, 72)
    store.update_assignment(SYSTEM, a.id, pass_mark=70)  # the command line acts as the team's manager
    rows = {r.user: r for r in assignment_status(store, team.manager, "Falcons")}
    assert rows[team.rep.email].status == "passed" and rows[team.rep.email].on_time  # before the new due

    store.clock = lambda: at(27)
    cancelled = store.cancel_assignment(team.manager, a.id, note="Covered in Monday's meeting")
    assert cancelled.status == "cancelled"
    history = store.assignment_history(team.manager, a.id)
    assert [(e.action, e.actor, e.at) for e in history] == [
        ("created", team.manager.email, at(20)),
        ("edited", team.manager.email, at(21, 9)),
        ("edited", team.manager.email, at(26)),
        ("cancelled", team.manager.email, at(27)),
    ]
    assert history[1].changes == {"due": ["2026-11-24", "2026-11-28"], "pass_mark": [70, 75]}
    assert [describe_event(e) for e in history] == [
        "assigned (due Tue 24 Nov 2026, pass mark 70, minimum drills 1)",
        "changed due Tue 24 Nov 2026 → Sat 28 Nov 2026; pass mark 70 → 75",
        "changed pass mark 75 → 70",
        "cancelled — “Covered in Monday's meeting”",
    ]
    with pytest.raises(StoreError, match="cancelled"):
        store.update_assignment(team.manager, a.id, pass_mark=60)
    with pytest.raises(StoreError, match="already cancelled"):
        store.cancel_assignment(team.manager, a.id)


def test_an_edit_may_not_duplicate_another_open_assignment(store: Store, team: Team) -> None:
    store.create_assignment(team.manager, CFO, date(2030, 1, 31), team="Falcons")
    other = store.create_assignment(team.manager, CFO, date(2030, 1, 24), team="Falcons")
    with pytest.raises(StoreError, match="identical open assignment"):
        store.update_assignment(team.manager, other.id, due=date(2030, 1, 31))
    with pytest.raises(StoreError, match="pass mark must be 0-100"):
        store.update_assignment(team.manager, other.id, pass_mark=101)
    with pytest.raises(StoreError, match="at least 1"):
        store.update_assignment(team.manager, other.id, min_attempts=0)
    assert store.get_assignment(team.rep, other.id).due == date(2030, 1, 24)


def test_only_the_teams_manager_edits_cancels_or_reads_history(store: Store, team: Team) -> None:
    a = store.create_assignment(team.manager, CFO, date(2030, 1, 31), user=team.rep.email)
    for who in (team.rep, team.other_manager):
        with pytest.raises(PermissionDenied):
            store.update_assignment(who, a.id, pass_mark=50)
        with pytest.raises(PermissionDenied):
            store.cancel_assignment(who, a.id)
        with pytest.raises(PermissionDenied):
            store.assignment_history(who, a.id)
    with pytest.raises(PermissionDenied):
        store.get_assignment(team.rep2, a.id)  # a teammate's own assignment
    assert store.get_assignment(team.rep, a.id).id == a.id
    store.update_assignment(team.admin, a.id, pass_mark=50)
    assert store.assignment_history(team.manager, a.id)[-1].actor == team.admin.email


def test_a_cancelled_assignment_is_shown_to_no_one_and_counts_nowhere(
    store: Store, team: Team, bank: ScenarioBank
) -> None:
    store.clock = lambda: at(23)
    kept = store.create_assignment(team.manager, SCHOOL, date(2026, 11, 27), team="Falcons", pass_mark=50)
    gone = store.create_assignment(team.manager, CFO, date(2026, 11, 27), team="Falcons", pass_mark=50)
    practise(store, team.rep, bank.get(CFO), 80, at(24))
    practise(store, team.rep, bank.get(SCHOOL), 80, at(24))
    store.clock = lambda: at(25)
    before = {r.user: r.assignment_points for r in compute_leaderboard(store, team.manager, "Falcons").rows}
    store.cancel_assignment(team.manager, gone.id)
    assert {r.assignment.id for r in my_assignments(store, team.rep)} == {kept.id}
    assert {r.assignment.id for r in assignment_status(store, team.manager, "Falcons")} == {kept.id}
    assert [a.id for a in store.assignments_for_team(team.rep, "Falcons")] == [kept.id]
    everything = store.assignments_for_team(team.manager, "Falcons", include_cancelled=True)
    assert {(a.id, a.status) for a in everything} == {(kept.id, "open"), (gone.id, "cancelled")}
    after = {r.user: r.assignment_points for r in compute_leaderboard(store, team.manager, "Falcons").rows}
    points = load_rules().assignment_points
    assert (before[team.rep.email], after[team.rep.email]) == (2 * points, points)


def test_matrix_counts_are_its_cells(store: Store, team: Team) -> None:
    """Columns that would read the same (same scenario and due date) stay apart, so no cell is lost."""
    store.add_user(team.manager, "rob2@falcons.test", "Rob Rep", "rep", "Falcons")  # a second Rob Rep
    due = date(2030, 1, 31)
    store.create_assignment(team.manager, CFO, due, team="Falcons")
    store.create_assignment(team.manager, CFO, due, team="Falcons", pass_mark=80)
    store.create_assignment(team.manager, CFO, due, user=team.rep.email)
    store.create_assignment(team.manager, SCHOOL, due, user=team.rep2.email)
    rows = assignment_status(store, team.manager, "Falcons")
    grid = completion_matrix(rows, lambda sid: {CFO: "CFO drill", SCHOOL: "School drill"}[sid])
    assert len(rows) == 3 + 3 + 1 + 1
    assert len(grid.cells) == len(rows)
    assert sum(grid.counts().values()) == len(grid.cells) == 8
    assert grid.counts() == {"not_started": 8}
    assert grid.columns == [
        "CFO drill · due 31 Jan",
        "CFO drill · due 31 Jan (2)",
        "CFO drill · due 31 Jan · Rob Rep",
        "School drill · due 31 Jan · Ria Rep",
    ]
    assert grid.reps == ["Ria Rep", "Rob Rep (rob2@falcons.test)", "Rob Rep (rob@falcons.test)"]


def test_upgrade_from_0004_keeps_assignments_and_counts_replies(db_url: str) -> None:
    """0005 on a database that already has assignments and attempts: open, with a 'created' line."""
    engine = make_engine(db_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0004")
    made = datetime(2026, 11, 20, 9, tzinfo=UTC)
    with engine.begin() as conn:
        team_id = conn.execute(
            insert(TeamRow).values(name="Falcons", timezone="UTC", created_at=made).returning(TeamRow.id)
        ).scalar_one()
        mgr, rep = (
            conn.execute(
                insert(UserRow)
                .values(email=email, name=email[:3], role=role, team_id=team_id, created_at=made)
                .returning(UserRow.id)
            ).scalar_one()
            for email, role in (("mia@f.test", "manager"), ("rob@f.test", "rep"))
        )
        old_assignments = table(  # as 0004 left it: no status column yet
            "assignments",
            *(column(c) for c in ("scenario_id", "team_id", "pass_mark", "min_attempts", "created_by")),
            column("due", Date()),
            column("created_at", UTCDateTime()),
        )
        conn.execute(
            insert(old_assignments).values(
                scenario_id=CFO,
                team_id=team_id,
                due=date(2026, 11, 27),
                pass_mark=70,
                min_attempts=1,
                created_by=mgr,
                created_at=made,
            )
        )
        for aid, mode, replies in ((1, "drill", 2), (2, "drill", 1), (3, "clinic", 1)):
            conn.execute(
                insert(AttemptRow.__table__).values(
                    id=aid,
                    user_id=rep,
                    team_id=team_id,
                    scenario_id=CFO,
                    scenario_hash="x",
                    objection="price",
                    difficulty="medium",
                    mode=mode,
                    voice="",
                    grader="",
                    status="completed",
                    overall=80,
                    started_at=made,
                    updated_at=made,
                    completed_at=made,
                    week=202647,
                )
            )
            conn.execute(
                insert(TurnRow.__table__),
                [
                    {
                        "attempt_id": aid,
                        "idx": i,
                        "role": "rep" if i % 2 else "buyer",
                        "text": ".",
                        "created_at": made,
                    }
                    for i in range(2 * replies + 1)
                ],
            )
    engine.dispose()

    store = Store.open(db_url)
    try:
        manager = store.login("mia@f.test")
        (a,) = store.assignments_for_team(manager, "Falcons")
        assert a.status == "open"
        (created,) = store.assignment_history(manager, a.id)
        assert (created.action, created.actor, created.at) == ("created", "mia@f.test", made)
        assert created.changes["due"] == [None, "2026-11-27"]
        assert [store.get_attempt(SYSTEM, i).replies for i in (1, 2, 3)] == [2, 1, 1]
        board = compute_leaderboard(store, SYSTEM, "Falcons", "2026-W47")
        assert (board.rows[0].drills, board.rows[0].practice_points) == (1, 5)  # the 1-reply drill: no
    finally:
        store.close()
