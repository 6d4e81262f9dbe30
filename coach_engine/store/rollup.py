"""Weekly roll-ups for the leaderboard: stamped weeks and per-rep sums, kept exact by recomputing.

The leaderboard needs, per rep, drills and score sums for this week, the four
weeks before (most improved) and eight weeks back (the streak), plus this
week's per-skill averages. Scanning raw attempts and skill scores for that
cost seconds at 1,000 reps (docs/PERFORMANCE.md §3). Instead:

* every completed attempt stores its local ISO week (``attempts.week``, see
  ``weeks.local_week_number``), computed in its team's zone when it completes,
  and how many replies the rep made (``attempts.replies``);
* ``week_reps``, ``week_scenarios`` and ``week_skills`` hold one row per (team, week, rep[,
  mode and scenario, or skill]), over *counted* attempts only (``counted``: enough
  replies for the mode, ``coach_engine/points.yaml``) — drills for ``week_reps`` and
  ``week_skills``, every mode for ``week_scenarios``.

A roll-up row is never incremented: whenever an attempt in a bucket changes
(completed, re-graded, reviewed) the bucket is recomputed from the source rows
(``refresh``) in the same transaction, so it cannot drift. Concurrent writers
of one bucket are serialised by locking the team row (shared) and the rep's
row (exclusive) first; PostgreSQL honours the locks, SQLite has one writer
anyway. When a team's time zone changes, ``restamp_team`` recomputes its weeks
and roll-ups. Rows written behind the store's back (bulk loads) have no week;
the leaderboard finds them through ``ix_attempts_team_week`` and calls
``stamp_missing`` before it reads, which also counts their replies from ``turns``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from ..points import MODES, load_rules
from .schema import (
    AttemptRow,
    SkillScoreRow,
    TeamRow,
    TurnRow,
    UserRow,
    WeekRepRow,
    WeekScenarioRow,
    WeekSkillRow,
)
from .weeks import iso_week, local_week_number, shift_week, week_bounds, week_number

__all__ = [
    "count_replies",
    "counted",
    "lock_bucket",
    "refresh",
    "rep_replies",
    "restamp_team",
    "stamp",
    "stamp_missing",
    "team_timezone",
]


ROLLUPS = (WeekRepRow, WeekScenarioRow, WeekSkillRow)


def team_timezone(s: Session, team_id: int | None, *, lock: bool = False) -> str:
    """The team's zone (UTC without a team); ``lock`` takes a shared row lock on PostgreSQL."""
    if team_id is None:
        return "UTC"
    q = select(TeamRow.timezone).where(TeamRow.id == team_id)
    tz = s.scalar(q.with_for_update(read=True) if lock else q)
    return tz or "UTC"


def lock_bucket(s: Session, team_id: int | None, user_id: int) -> str:
    """Lock the team (shared) and the rep (exclusive) before a write that refreshes their buckets.

    Returns the team's zone, read under the lock so a concurrent time-zone change cannot slip between.
    """
    tz = team_timezone(s, team_id, lock=True)
    s.execute(select(UserRow.id).where(UserRow.id == user_id).with_for_update())
    return tz


def counted(modes: Sequence[str] = MODES) -> ColumnElement[bool]:
    """SQL: an attempt of one of ``modes`` with at least its mode's minimum replies (``points.yaml``).

    Only completed attempts have ``replies``; callers add ``status == 'completed'`` as they need.
    """
    rules = load_rules()
    return or_(*(and_(AttemptRow.mode == m, AttemptRow.replies >= rules.mode(m).min_replies) for m in modes))


def rep_replies(s: Session, attempt_id: int) -> int:
    """How many rep turns an attempt has stored."""
    q = select(func.count()).where(TurnRow.attempt_id == attempt_id, TurnRow.role == "rep")
    return int(s.scalar(q) or 0)


def count_replies(s: Session, where: Sequence[ColumnElement[bool]]) -> None:
    """Fill ``replies`` from ``turns`` on completed attempts that have none (rows loaded behind our back)."""
    per_attempt = (
        select(func.count())
        .where(TurnRow.attempt_id == AttemptRow.id, TurnRow.role == "rep")
        .scalar_subquery()
    )
    s.execute(
        update(AttemptRow)
        .where(*where, AttemptRow.status == "completed", AttemptRow.replies.is_(None))
        .values(replies=per_attempt)
    )


def stamp(row: AttemptRow, tz: str) -> None:
    """Set ``row.week`` from ``row.completed_at`` in ``tz`` (None while not completed, or without a team)."""
    done = row.completed_at is not None and row.team_id is not None
    row.week = local_week_number(row.completed_at, tz) if done else None  # type: ignore[arg-type]


def refresh(
    s: Session, team_id: int | None, weeks: Collection[int | None], user_id: int | None = None
) -> None:
    """Recompute the roll-up rows of ``team_id`` for ``weeks`` (one rep's, or everyone's)."""
    s.flush()
    wanted = sorted({w for w in weeks if w is not None})
    if team_id is None or not wanted:
        return
    a = AttemptRow
    scope = [a.team_id == team_id, a.status == "completed", a.week.in_(wanted)]
    if user_id is not None:
        scope.append(a.user_id == user_id)
    for table in ROLLUPS:
        mine = [table.team_id == team_id, table.week.in_(wanted)]
        if user_id is not None:
            mine.append(table.user_id == user_id)
        s.execute(delete(table).where(*mine))
    _insert_rollups(s, scope)


def _insert_rollups(s: Session, scope: Sequence[ColumnElement[bool]]) -> None:
    a, k = AttemptRow, SkillScoreRow
    drills = [*scope, counted(("drill",))]
    s.execute(
        insert(WeekRepRow).from_select(
            ["team_id", "week", "user_id", "drills", "overall_sum"],
            select(a.team_id, a.week, a.user_id, func.count(), func.coalesce(func.sum(a.overall), literal(0)))
            .where(*drills)
            .group_by(a.team_id, a.week, a.user_id),
        )
    )
    s.execute(
        insert(WeekScenarioRow).from_select(
            ["team_id", "week", "user_id", "mode", "scenario_id", "best"],
            select(a.team_id, a.week, a.user_id, a.mode, a.scenario_id, func.max(a.overall))
            .where(*scope, counted())
            .group_by(a.team_id, a.week, a.user_id, a.mode, a.scenario_id),
        )
    )
    s.execute(
        insert(WeekSkillRow).from_select(
            ["team_id", "week", "user_id", "skill_id", "name", "scored", "score_sum"],
            select(
                a.team_id,
                a.week,
                a.user_id,
                k.skill_id,
                func.max(k.name),
                func.count(),
                func.sum(func.coalesce(k.reviewed_score, k.score)),
            )
            .join(k, k.attempt_id == a.id)
            .where(*drills)
            .group_by(a.team_id, a.week, a.user_id, k.skill_id),
        )
    )


def _stamp_range(
    s: Session, team_id: int, tz: str, first: datetime, last: datetime, *, only_missing: bool
) -> set[int]:
    """Set ``week`` on the team's completed attempts in [first, last], one UPDATE per local week."""
    touched: set[int] = set()
    label = iso_week(first, tz)
    while True:
        start, end = week_bounds(label, tz)
        if start > last:
            return touched
        where = [
            AttemptRow.team_id == team_id,
            AttemptRow.status == "completed",
            AttemptRow.completed_at >= start,
            AttemptRow.completed_at < end,
        ]
        if only_missing:
            where.append(AttemptRow.week.is_(None))
        result = s.execute(update(AttemptRow).where(*where).values(week=week_number(label)))
        if result.rowcount:  # type: ignore[attr-defined]
            touched.add(week_number(label))
        label = shift_week(label, 1)


def stamp_missing(s: Session, team_id: int) -> bool:
    """Stamp the team's completed attempts that have no week yet and refresh their buckets; any found?"""
    missing = and_(AttemptRow.team_id == team_id, AttemptRow.status == "completed", AttemptRow.week.is_(None))
    if s.scalar(select(AttemptRow.id).where(missing).limit(1)) is None:
        return False
    tz = s.scalar(select(TeamRow.timezone).where(TeamRow.id == team_id).with_for_update()) or "UTC"
    count_replies(s, [missing])
    first, last = s.execute(
        select(func.min(AttemptRow.completed_at), func.max(AttemptRow.completed_at)).where(missing)
    ).one()
    if first is not None:
        refresh(s, team_id, _stamp_range(s, team_id, tz, _aware(first), _aware(last), only_missing=True))
    return True


def restamp_team(s: Session, team_id: int, tz: str) -> None:
    """Recompute every stored week and roll-up of a team (its time zone changed)."""
    s.flush()
    done = and_(AttemptRow.team_id == team_id, AttemptRow.status == "completed")
    count_replies(s, [done])
    first, last = s.execute(
        select(func.min(AttemptRow.completed_at), func.max(AttemptRow.completed_at)).where(done)
    ).one()
    for table in ROLLUPS:
        s.execute(delete(table).where(table.team_id == team_id))
    if first is None:
        return
    _stamp_range(s, team_id, tz, _aware(first), _aware(last), only_missing=False)
    _insert_rollups(s, [done, AttemptRow.week.is_not(None)])


def _aware(value: datetime | str | None) -> datetime:
    """Aggregates bypass the column type on SQLite (text); normalise to aware UTC."""
    assert value is not None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
