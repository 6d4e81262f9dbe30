"""The leaderboard as it was computed before the stored week and roll-ups (commit 587eaba), for tests.

``compute_leaderboard`` now reads ``week_reps`` / ``week_skills`` and a narrowed
assignment query; this is the previous implementation — one scan of the raw
attempts over the lookback window, bucketed into local weeks at query time,
and ``assignments.progress_rows`` — kept verbatim (its result classes are the
module's own) so tests can check that both give the same board on any data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select

from coach_engine.assignments import progress_rows
from coach_engine.store import Store, User
from coach_engine.store.schema import AssignmentRow, AttemptRow, SkillScoreRow, UserRow
from coach_engine.store.weeks import end_of_day_utc, iso_week, shift_week, week_bounds

__all__ = ["RULES", "Leaderboard", "LeaderboardRow", "MostImproved", "SkillLeader", "compute_leaderboard"]

ASSIGNMENT_POINTS = 50
STREAK_MIN_DRILLS = 3
STREAK_POINTS_PER_WEEK = 10
STREAK_MAX_BONUS_WEEKS = 5
STREAK_LOOKBACK_WEEKS = 8
TRAILING_WEEKS = 4

RULES = f"""\
**How the weekly leaderboard works**

The week is the ISO week (Monday to Sunday) in the team's time zone. Every completed
practice counts: drills, clinics and warm-ups.

- **Scenario points**: for each scenario you practised this week, your *best* overall score
  (0-100) that week. Repeating a scenario only helps if you beat your best.
- **Assignments**: +{ASSIGNMENT_POINTS} for each assignment passed on time this week (the minimum
  number of attempts done and one attempt at or above the pass mark, before the end of the due date).
- **Streak**: a week with at least {STREAK_MIN_DRILLS} completed drills extends your streak of
  consecutive weeks (counted back up to {STREAK_LOOKBACK_WEEKS} weeks). Once you reach
  {STREAK_MIN_DRILLS} drills this week you get +{STREAK_POINTS_PER_WEEK} per streak week, this week
  included, up to +{STREAK_POINTS_PER_WEEK * STREAK_MAX_BONUS_WEEKS}. Until then the streak carried
  from last week is shown but earns nothing.
- **Columns**: drills done, average overall score, and your best skill this week (highest average
  skill score; a manager's review overrides the grader).
- **Ties** are broken by more drills, then higher average, then name (A-Z), then email.
- **Most improved**: the biggest rise of this week's average over your average of the previous
  {TRAILING_WEEKS} weeks (you need drills in both). Ties: more drills this week, then name.
- **Skill leaders**: the highest average score per skill this week. Ties: more drills, then name.
"""


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    user: str
    name: str
    points: int
    drills: int
    average: float | None
    streak: int
    best_skill: str | None = None
    scenario_points: int = 0
    assignment_points: int = 0
    streak_points: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "user": self.user,
            "name": self.name,
            "points": self.points,
            "drills": self.drills,
            "average": self.average,
            "streak": self.streak,
        }


@dataclass(frozen=True)
class MostImproved:
    user: str
    name: str
    average: float
    trailing_average: float
    delta: float


@dataclass(frozen=True)
class SkillLeader:
    skill_id: str
    skill: str
    user: str
    name: str
    average: float


@dataclass
class Leaderboard:
    team: str
    week: str
    timezone: str
    start: datetime
    end: datetime
    rows: list[LeaderboardRow]
    most_improved: MostImproved | None = None
    skill_leaders: list[SkillLeader] = field(default_factory=list)
    rules: str = RULES

    def to_json(self) -> dict[str, Any]:
        """The `leaderboard --json` shape."""
        return {"team": self.team, "week": self.week, "rows": [r.to_json() for r in self.rows]}


def _streak(qualifying: set[int]) -> tuple[int, bool]:
    """(streak length, whether this week qualifies) from week offsets (0 = this week) with enough drills."""
    start = 0 if 0 in qualifying else 1
    n = 0
    while start + n in qualifying:
        n += 1
    return n, 0 in qualifying


def compute_leaderboard(store: Store, actor: User, team: str, week: str | None = None) -> Leaderboard:
    """The leaderboard of ``team`` for ``week`` (``2026-W48``; default: this week in the team's zone)."""
    team_rec, actor = store.team_scope(actor, team)
    tz = team_rec.timezone
    week = week or iso_week(store.clock(), tz)
    start, end = week_bounds(week, tz)
    trailing_start, _ = week_bounds(shift_week(week, -TRAILING_WEEKS), tz)
    bounds = [week_bounds(shift_week(week, -i), tz) for i in range(STREAK_LOOKBACK_WEEKS)]
    done = and_(AttemptRow.team_id == team_rec.id, AttemptRow.status == "completed")
    this_week = and_(done, AttemptRow.completed_at >= start, AttemptRow.completed_at < end)

    with store.session() as s:
        conn = s.connection()  # Core rows: no ORM row processing for thousands of aggregates
        reps = list(
            conn.execute(
                select(UserRow.id, UserRow.email, UserRow.name).where(
                    UserRow.team_id == team_rec.id, UserRow.role == "rep"
                )
            )
        )

        best = (
            select(AttemptRow.user_id.label("uid"), func.max(AttemptRow.overall).label("best"))
            .where(this_week)
            .group_by(AttemptRow.user_id, AttemptRow.scenario_id)
            .subquery()
        )
        scenario_points = {
            uid: int(p)
            for uid, p in conn.execute(select(best.c.uid, func.sum(best.c.best)).group_by(best.c.uid))
        }

        # One scan over the lookback window, one row per rep: drills per week (for the streak) and
        # this week's / the trailing weeks' count and sum (conditional sums, no grouping on expressions).
        t = AttemptRow.completed_at
        in_week = [and_(t >= b0, t < b1) for b0, b1 in bounds]
        in_trailing = and_(t >= trailing_start, t < start)
        window_start = min(bounds[-1][0], trailing_start)
        stats: dict[int, tuple[int, float]] = {}
        trailing: dict[int, tuple[int, float]] = {}
        qualifying: dict[int, set[int]] = defaultdict(set)
        for uid, n_now, sum_now, n_prev, sum_prev, *counts in conn.execute(
            select(
                AttemptRow.user_id,
                func.sum(case((in_week[0], 1), else_=0)),
                func.sum(case((in_week[0], AttemptRow.overall), else_=0)),
                func.sum(case((in_trailing, 1), else_=0)),
                func.sum(case((in_trailing, AttemptRow.overall), else_=0)),
                *[func.sum(case((w, 1), else_=0)) for w in in_week[1:]],
            )
            .where(done, t >= window_start, t < end)
            .group_by(AttemptRow.user_id)
        ):
            if n_now:
                stats[uid] = (int(n_now), float(sum_now) / int(n_now))
            if n_prev:
                trailing[uid] = (int(n_prev), float(sum_prev) / int(n_prev))
            weekly = [n_now, *counts]
            qualifying[uid] = {i for i, n in enumerate(weekly) if (n or 0) >= STREAK_MIN_DRILLS}

        effective = func.coalesce(SkillScoreRow.reviewed_score, SkillScoreRow.score)
        skill_rows = list(
            conn.execute(
                select(
                    AttemptRow.user_id,
                    SkillScoreRow.skill_id,
                    func.max(SkillScoreRow.name),
                    func.avg(effective),
                    func.count(),
                )
                .join(SkillScoreRow, SkillScoreRow.attempt_id == AttemptRow.id)
                .where(this_week)
                .group_by(AttemptRow.user_id, SkillScoreRow.skill_id)
            )
        )

        has_assignments = s.scalar(select(func.count()).select_from(AssignmentRow)) or 0
        progress = progress_rows(s, team_rec.id) if has_assignments else {}
        assignments = (
            {
                a.id: a
                for a in s.scalars(
                    select(AssignmentRow).where(AssignmentRow.id.in_({aid for aid, _ in progress}))
                )
            }
            if progress
            else {}
        )

    on_time: dict[int, int] = defaultdict(int)
    for (aid, uid), p in progress.items():
        a = assignments[aid]
        passed_at = p.passed_at(a.min_attempts)
        if passed_at is not None and start <= passed_at < end and passed_at < end_of_day_utc(a.due, tz):
            on_time[uid] += 1

    skill_avgs: dict[int, list[tuple[float, str, str]]] = defaultdict(list)
    per_skill: dict[str, list[tuple[float, int, str, str, str]]] = defaultdict(list)
    names = {uid: (email, name) for uid, email, name in reps}
    for uid, skill_id, skill_name, avg, _n in skill_rows:
        if uid not in names:
            continue
        skill_avgs[uid].append((float(avg), skill_id, skill_name))
        per_skill[skill_id].append(
            (float(avg), stats.get(uid, (0, 0.0))[0], names[uid][1], names[uid][0], skill_name)
        )

    unranked: list[LeaderboardRow] = []
    for uid, email, name in reps:
        mine: tuple[int, float | None] = stats.get(uid, (0, None))
        drills, avg = mine
        streak, qualifies = _streak(qualifying.get(uid, set()))
        streak_pts = STREAK_POINTS_PER_WEEK * min(streak, STREAK_MAX_BONUS_WEEKS) if qualifies else 0
        scen_pts = scenario_points.get(uid, 0)
        assign_pts = ASSIGNMENT_POINTS * on_time.get(uid, 0)
        best_skill = None
        if skill_avgs.get(uid):
            best_skill = sorted(skill_avgs[uid], key=lambda t: (-t[0], t[1]))[0][2]
        unranked.append(
            LeaderboardRow(
                rank=0,
                user=email,
                name=name,
                points=scen_pts + assign_pts + streak_pts,
                drills=drills,
                average=round(avg, 1) if avg is not None else None,
                streak=streak,
                best_skill=best_skill,
                scenario_points=scen_pts,
                assignment_points=assign_pts,
                streak_points=streak_pts,
            )
        )
    unranked.sort(key=lambda r: (-r.points, -r.drills, -(r.average or 0.0), r.name.lower(), r.user))
    rows = [replace(r, rank=i + 1) for i, r in enumerate(unranked)]

    improved = None
    candidates = []
    for uid, email, name in reps:
        if uid in stats and uid in trailing:
            now_avg, prev_avg = stats[uid][1], trailing[uid][1]
            candidates.append((round(now_avg - prev_avg, 1), stats[uid][0], name, email, now_avg, prev_avg))
    if candidates:
        candidates.sort(key=lambda c: (-c[0], -c[1], c[2].lower(), c[3]))
        delta, _, name, email, now_avg, prev_avg = candidates[0]
        if delta > 0:
            improved = MostImproved(email, name, round(now_avg, 1), round(prev_avg, 1), delta)

    leaders = []
    for skill_id in sorted(per_skill):
        avg, _, name, email, skill_name = sorted(
            per_skill[skill_id], key=lambda t: (-t[0], -t[1], t[2].lower(), t[3])
        )[0]
        leaders.append(SkillLeader(skill_id, skill_name, email, name, round(avg, 2)))

    return Leaderboard(
        team=team_rec.name,
        week=week,
        timezone=tz,
        start=start,
        end=end,
        rows=rows,
        most_improved=improved,
        skill_leaders=leaders,
    )
