"""Assignments: who must drill what by when, and where each assignee stands.

Status is never stored; it is computed from attempts every time, so it can not
drift from what actually happened:

* ``passed``      — at least ``min_attempts`` completed attempts since the
  assignment was made, and one of them scored at least the pass mark. It was
  passed at the later of those two moments (``on_time`` if that is before the
  end of the due date in the team's time zone);
* ``overdue``     — not passed and the due date is over;
* ``in_progress`` — any attempt started since the assignment was made;
* ``not_started`` — none.

A team assignment applies to every rep in the team. The per-assignee numbers
come from one SQL query (``progress_rows``) that the leaderboard reuses for
its "assignments passed on time" credit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from .store import Assignment, Store, User
from .store.schema import AssignmentRow, AttemptRow, UserRow
from .store.weeks import end_of_day_utc

__all__ = [
    "AssigneeStatus",
    "Status",
    "assign",
    "assignment_status",
    "my_assignments",
    "progress_rows",
]

Status = Literal["not_started", "in_progress", "passed", "overdue"]


@dataclass(frozen=True)
class Progress:
    assignment_id: int
    user_id: int
    started: int
    completed: int
    best: int | None
    first_pass: datetime | None
    nth_completed: datetime | None

    def passed_at(self, min_attempts: int) -> datetime | None:
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
    best: int | None
    passed_at: datetime | None
    on_time: bool
    due_at: datetime
    """End of the due date in the team's time zone (UTC)."""


def progress_rows(s: Session, team_id: int) -> dict[tuple[int, int], Progress]:
    """Per (assignment, user): attempts started and completed since it was made, best, when passed."""
    n = func.row_number().over(
        partition_by=(AssignmentRow.id, AttemptRow.user_id, AttemptRow.status),
        order_by=(AttemptRow.completed_at, AttemptRow.id),
    )
    joined = (
        select(
            AssignmentRow.id.label("aid"),
            AttemptRow.user_id.label("uid"),
            AttemptRow.status.label("status"),
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
        .where(or_(AssignmentRow.team_id == team_id, UserRow.team_id == team_id))
        .subquery()
    )
    is_done = joined.c.status == "completed"
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
    user: str | None = None,
    team: str | None = None,
    pass_mark: int = 70,
    min_attempts: int = 1,
    known_scenarios: Sequence[str] | None = None,
) -> Assignment:
    """Create an assignment, checking the scenario exists when the bank's ids are given."""
    if known_scenarios is not None and scenario_id not in known_scenarios:
        raise KeyError(f"No scenario with id '{scenario_id}' in the bank")
    return store.create_assignment(
        actor, scenario_id, due, user=user, team=team, pass_mark=pass_mark, min_attempts=min_attempts
    )
