"""Assignments: who must drill what by when, and where each assignee stands.

Status is never stored; it is computed from attempts every time, so it can not
drift from what actually happened. Only *qualifying* attempts count: a full
drill (mode ``drill`` — not a clinic reply, not a warm-up) of the assigned
scenario, started after the assignment was made, by the assignee; it completes
with at least the rules' minimum rep replies (``points.yaml``: ``drill.min_replies``)
— a drill ended with fewer counts for nothing. Then:

* ``passed``      — at least ``min_attempts`` qualifying drills, and at least one
  of them scored at or above the pass mark (``overall >= pass_mark``; it need not
  be the last one). It was passed at the later of those two moments (``on_time``
  if that is before the end of the due date in the team's time zone);
* ``overdue``     — not passed and the due date is over;
* ``in_progress`` — any full drill of the scenario started since it was made;
* ``not_started`` — none.

An assignment to a studio scenario drills the version it was made on until its manager
moves it (``Store.move_assignment``, kept in its history like any edit);
``newer_version`` says when a newer one exists. Attempts are matched by scenario, not
version, so drills done before a move still count.

A team assignment applies to every rep in the team. A cancelled assignment is
kept (with its history, ``Store.assignment_history``) but shown to no rep and
counted nowhere. Assigning the same thing twice returns the open one
(``assign`` says whether it was new). The per-assignee numbers come from one SQL
query (``progress_rows``) whose rule the leaderboard's "assignments passed on
time" credit repeats; ``completion_matrix`` lays the statuses out for the team
page, one cell per (rep, assignment), so its counts are the cells'.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal, Unpack

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from .store import Assignment, AssignmentEvent, Store, User
from .store.assigning import AssignTo
from .store.rollup import counted
from .store.schema import AssignmentRow, AttemptRow, UserRow
from .store.weeks import end_of_day_utc

__all__ = [
    "ASSIGNED_MODE",
    "STATUSES",
    "Assigned",
    "AssigneeStatus",
    "CompletionMatrix",
    "Status",
    "assign",
    "assignment_status",
    "completion_matrix",
    "describe_event",
    "my_assignments",
    "newer_version",
    "progress_rows",
]

Status = Literal["not_started", "in_progress", "passed", "overdue"]
STATUSES: tuple[Status, ...] = ("not_started", "in_progress", "passed", "overdue")
ASSIGNED_MODE = "drill"
"""Assignments are for full drills; clinic replies and warm-ups never count toward one."""


@dataclass(frozen=True)
class Progress:
    """One assignee's qualifying drills on one assignment (see the module docstring)."""

    assignment_id: int
    user_id: int
    started: int
    """Full drills of the scenario started since it was assigned (in progress or completed)."""
    completed: int
    """Qualifying drills: completed, with enough replies."""
    best: int | None
    first_pass: datetime | None
    """When the first qualifying drill at or above the pass mark completed."""
    nth_completed: datetime | None
    """When the ``min_attempts``-th qualifying drill completed."""

    def passed_at(self, min_attempts: int) -> datetime | None:
        """When it was passed: ``min_attempts`` qualifying drills *and* one at the pass mark, the later."""
        if self.first_pass is None or self.completed < min_attempts:
            return None
        if self.nth_completed is None:
            return self.first_pass
        return max(self.first_pass, self.nth_completed)


@dataclass(frozen=True)
class AssigneeStatus:
    assignment: Assignment
    user: str
    name: str
    status: Status
    attempts: int
    """Qualifying drills done (what ``min_attempts`` counts)."""
    best: int | None
    passed_at: datetime | None
    on_time: bool
    due_at: datetime
    """End of the due date in the team's time zone (UTC)."""


@dataclass(frozen=True)
class Assigned:
    """What ``assign`` did."""

    assignment: Assignment
    created: bool
    """False when an identical open assignment existed: it is returned and nothing new was made."""


def progress_rows(s: Session, team_id: int) -> dict[tuple[int, int], Progress]:
    """Per (open assignment, user): drills started and qualifying since it was made, best, when passed."""
    ok = case((and_(AttemptRow.status == "completed", counted((ASSIGNED_MODE,))), 1), else_=0)
    n = func.row_number().over(
        partition_by=(AssignmentRow.id, AttemptRow.user_id, ok),
        order_by=(AttemptRow.completed_at, AttemptRow.id),
    )
    joined = (
        select(
            AssignmentRow.id.label("aid"),
            AttemptRow.user_id.label("uid"),
            ok.label("ok"),
            AttemptRow.overall.label("overall"),
            AttemptRow.completed_at.label("completed_at"),
            AssignmentRow.pass_mark.label("pass_mark"),
            AssignmentRow.min_attempts.label("min_attempts"),
            n.label("n"),
        )
        .join(
            AttemptRow,
            and_(
                AttemptRow.scenario_id == AssignmentRow.scenario_id,
                AttemptRow.mode == ASSIGNED_MODE,
                AttemptRow.status.in_(("completed", "in_progress")),
                AttemptRow.started_at >= AssignmentRow.created_at,
                AttemptRow.team_id == team_id,
                or_(
                    AttemptRow.user_id == AssignmentRow.user_id,
                    and_(AssignmentRow.user_id.is_(None), AssignmentRow.team_id == team_id),
                ),
            ),
        )
        .outerjoin(UserRow, UserRow.id == AssignmentRow.user_id)
        .where(
            or_(AssignmentRow.team_id == team_id, UserRow.team_id == team_id),
            AssignmentRow.status == "open",
        )
        .subquery()
    )
    is_done = joined.c.ok == 1
    q = select(
        joined.c.aid,
        joined.c.uid,
        func.count(),
        func.sum(case((is_done, 1), else_=0)),
        func.max(case((is_done, joined.c.overall))),
        func.min(case((and_(is_done, joined.c.overall >= joined.c.pass_mark), joined.c.completed_at))),
        func.min(case((and_(is_done, joined.c.n == joined.c.min_attempts), joined.c.completed_at))),
    ).group_by(joined.c.aid, joined.c.uid)
    out: dict[tuple[int, int], Progress] = {}
    for aid, uid, started, done, best, first_pass, nth in s.execute(q):
        out[(aid, uid)] = Progress(aid, uid, int(started), int(done or 0), best, _utc(first_pass), _utc(nth))
    return out


def _utc(value: Any) -> datetime | None:
    """Aggregates bypass the column type on SQLite (text); normalise to aware UTC datetimes."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _statuses(
    store: Store, team: str, actor: User, now: datetime | None, only_user: int | None = None
) -> list[AssigneeStatus]:
    team_rec, actor = store.team_scope(actor, team)
    now = now or store.clock()
    assignments = store.assignments_for_team(actor, team)
    with store.session() as s:
        reps = {
            u.id: (u.email, u.name)
            for u in s.scalars(select(UserRow).where(UserRow.team_id == team_rec.id, UserRow.role == "rep"))
        }
        everyone = {
            u.id: (u.email, u.name)
            for u in s.scalars(
                select(UserRow).where(UserRow.id.in_([a.user_id for a in assignments if a.user_id]))
            )
        }
        progress = progress_rows(s, team_rec.id)
    out: list[AssigneeStatus] = []
    for a in assignments:
        targets = [a.user_id] if a.user_id is not None else sorted(reps, key=lambda i: reps[i])
        due_at = end_of_day_utc(a.due, team_rec.timezone)
        for uid in targets:
            if only_user is not None and uid != only_user:
                continue
            email, name = everyone.get(uid) or reps[uid]
            p = progress.get((a.id, uid))
            passed_at = p.passed_at(a.min_attempts) if p else None
            status: Status
            if passed_at is not None:
                status = "passed"
            elif now >= due_at:
                status = "overdue"
            elif p is not None and p.started > 0:
                status = "in_progress"
            else:
                status = "not_started"
            out.append(
                AssigneeStatus(
                    assignment=a,
                    user=email,
                    name=name,
                    status=status,
                    attempts=p.completed if p else 0,
                    best=p.best if p else None,
                    passed_at=passed_at,
                    on_time=passed_at is not None and passed_at < due_at,
                    due_at=due_at,
                )
            )
    return out


def assignment_status(
    store: Store, actor: User, team: str, now: datetime | None = None
) -> list[AssigneeStatus]:
    """Every assignee's status in a team: the manager's (or an admin's) view; a rep sees their own rows."""
    actor = store.refresh(actor)
    if actor.role == "rep":
        return _statuses(store, team, actor, now, only_user=actor.id)
    store.team_scope(actor, team, manage=True)
    return _statuses(store, team, actor, now)


def my_assignments(store: Store, actor: User, now: datetime | None = None) -> list[AssigneeStatus]:
    """The acting user's own assignments with their status."""
    actor = store.refresh(actor)
    if actor.team is None:
        return []
    return _statuses(store, actor.team, actor, now, only_user=actor.id)


def assign(
    store: Store,
    actor: User,
    scenario_id: str,
    due: date,
    *,
    known_scenarios: Sequence[str] | None = None,
    **to: Unpack[AssignTo],
) -> Assigned:
    """Assign a full drill, checking the scenario exists when the bank's ids are given.

    ``to``: ``user`` (an email) or ``team`` (a name), ``pass_mark`` and ``min_attempts``, passed on to
    ``Store.ensure_assignment`` (its defaults: 70 and 1). An identical open assignment (same assignee,
    scenario, due date, pass mark and minimum) is returned with ``created=False`` instead of being made
    twice.
    """
    if known_scenarios is not None and scenario_id not in known_scenarios:
        raise KeyError(f"No scenario with id '{scenario_id}' in the bank")
    assignment, created = store.ensure_assignment(actor, scenario_id, due, **to)
    return Assigned(assignment, created)


def newer_version(assignment: Assignment, latest: Mapping[str, int]) -> int | None:
    """The latest version of the assignment's studio scenario when the assignment is behind it, else None.

    ``latest`` maps studio scenario ids to their latest version (``AuthoredScenario.version``); a
    shipped scenario (not in it) or an assignment with no recorded version is never behind.
    """
    newest = latest.get(assignment.scenario_id)
    on = assignment.scenario_version
    if newest is None or on is None or on >= newest:
        return None
    return newest


@dataclass(frozen=True)
class CompletionMatrix:
    """The team page's grid: one row per rep, one column per open assignment, one status per cell.

    Built one cell per (assignment, assignee) status, so ``counts`` — a tally of the cells — is
    exactly what the grid shows.
    """

    reps: list[str]
    columns: list[str]
    cells: dict[tuple[str, str], Status]

    def counts(self) -> dict[Status, int]:
        """How many cells have each status (statuses with none are left out), in ``STATUSES`` order."""
        tally = Counter(self.cells.values())
        return {status: tally[status] for status in STATUSES if tally[status]}


def completion_matrix(rows: Sequence[AssigneeStatus], title: Callable[[str], str]) -> CompletionMatrix:
    """Lay out ``assignment_status`` rows; ``title`` names a scenario. Labels are unique, never ids:
    a rep's name (with the email when two reps share it), an assignment's title and due date (and
    the rep's name when it is one rep's), numbered when two would read the same."""
    names = {r.user: r.name for r in rows}
    shared = {n for n, k in Counter(names.values()).items() if k > 1}
    rep_label = {email: f"{name} ({email})" if name in shared else name for email, name in names.items()}
    column: dict[int, str] = {}
    for r in rows:
        a = r.assignment
        if a.id in column:
            continue
        base = f"{title(a.scenario_id)} · due {a.due:%d %b}" + (
            f" · {r.name}" if a.user_id is not None else ""
        )
        label, k = base, 2
        while label in column.values():
            label, k = f"{base} ({k})", k + 1
        column[a.id] = label
    cells = {(rep_label[r.user], column[r.assignment.id]): r.status for r in rows}
    return CompletionMatrix(sorted(set(rep_label.values()), key=str.lower), list(column.values()), cells)


_FIELDS = {
    "due": "due",
    "pass_mark": "pass mark",
    "min_attempts": "minimum drills",
    "scenario_version": "scenario version",
}


def _value(field: str, value: Any) -> str:
    if field == "due" and isinstance(value, str):
        try:
            return f"{date.fromisoformat(value):%a %d %b %Y}"
        except ValueError:
            return value
    return str(value)


def describe_event(event: AssignmentEvent) -> str:
    """One history line in words: "assigned …", "changed due Tue 10 Dec 2030 → …", "cancelled"."""
    if event.action == "created":
        made = {k: v[1] for k, v in event.changes.items() if isinstance(v, list) and len(v) == 2}
        what = ", ".join(f"{_FIELDS[k]} {_value(k, made[k])}" for k in _FIELDS if k in made)
        text = f"assigned ({what})" if what else "assigned"
    elif event.action == "edited":
        parts = [
            f"{_FIELDS.get(k, k)} {_value(k, v[0])} → {_value(k, v[1])}"
            for k, v in event.changes.items()
            if isinstance(v, list) and len(v) == 2
        ]
        text = "changed " + "; ".join(parts) if parts else "changed"
    else:
        text = event.action
    return f"{text} — “{event.note}”" if event.note else text
