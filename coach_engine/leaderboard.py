"""The weekly leaderboard: one team, one ISO week in the team's time zone.

The rules live in ``RULES`` (markdown the app shows verbatim) and in the
constants right above it, so the text and the arithmetic cannot disagree.
Aggregation happens in SQL — a handful of small queries whatever the team
size — and Python only combines per-rep numbers. Week boundaries come from
``store.weeks`` (local Monday 00:00 in the team's zone, as UTC instants).

Why it reads roll-ups: at 1,000 reps × 20 drills a week, the streak (eight
weeks back) and most improved (four weeks back) scanned ~160,000 attempts and
the skill leaders joined ~100,000 skill scores per request, far over the
200 ms budget (docs/PERFORMANCE.md §3). Drills, score sums, best score per
scenario and per-skill sums now come from ``week_reps`` / ``week_scenarios`` /
``week_skills`` (one row per rep and week[, scenario or skill]), kept exact by
``store.rollup`` on every write and keyed by the local week stored on each
attempt. Assignment credit looks only at assignments that can be passed on
time this week (``_on_time_passes``), so it reads a short index range.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.engine import Connection

from .assignments import Progress
from .store import Store, User, rollup
from .store.schema import AssignmentRow, AttemptRow, UserRow, WeekRepRow, WeekScenarioRow, WeekSkillRow
from .store.weeks import end_of_day_utc, iso_week, shift_week, week_bounds, week_number

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


def _on_time_passes(
    conn: Connection, team_id: int, tz: str, start: datetime, end: datetime
) -> dict[int, int]:
    """Per rep: assignments passed on time within [start, end) — ``assignments.progress_rows``' rule.

    Only assignments that could be passed on time this week are looked at (made before the
    cutoff, due after the week starts), and only their attempts completed before the cutoff
    (the end of the week or of the due date, whichever is first): an attempt completed later
    cannot make the pass land in this week, and ``Progress.passed_at`` is the same whether or
    not the later attempts are counted. So a long-running assignment costs one short index
    range instead of every attempt at its scenario.
    """
    on_time: dict[int, int] = defaultdict(int)
    assignments = conn.execute(
        select(
            AssignmentRow.id,
            AssignmentRow.scenario_id,
            AssignmentRow.user_id,
            AssignmentRow.due,
            AssignmentRow.pass_mark,
            AssignmentRow.min_attempts,
            AssignmentRow.created_at,
        )
        .outerjoin(UserRow, UserRow.id == AssignmentRow.user_id)
        .where(or_(AssignmentRow.team_id == team_id, UserRow.team_id == team_id))
    ).all()
    for aid, scenario_id, user_id, due, pass_mark, min_attempts, created_at in assignments:
        due_end = end_of_day_utc(due, tz)
        cutoff = min(end, due_end)
        if created_at >= cutoff or cutoff <= start:
            continue
        # started_at < cutoff is implied by completed_at < cutoff; it keeps SQLite on the
        # (team, scenario, started_at) index instead of walking the team's completions in order.
        q = select(AttemptRow.user_id, AttemptRow.overall, AttemptRow.completed_at, AttemptRow.id).where(
            AttemptRow.team_id == team_id,
            AttemptRow.scenario_id == scenario_id,
            AttemptRow.started_at >= created_at,
            AttemptRow.started_at < cutoff,
            AttemptRow.status == "completed",
        )
        if user_id is not None:
            q = q.where(AttemptRow.user_id == user_id)
        done: dict[int, list[tuple[datetime, int, int | None]]] = defaultdict(list)
        for uid, overall, completed_at, attempt_id in conn.execute(q).all():
            if completed_at is not None and completed_at < cutoff:
                done[uid].append((completed_at, attempt_id, overall))
        for rows in done.values():
            rows.sort()  # completion order, as progress_rows' row_number()
        for uid, rows in done.items():
            first_pass = next((t for t, _, o in rows if o is not None and o >= pass_mark), None)
            nth = rows[min_attempts - 1][0] if len(rows) >= min_attempts else None
            best = max((o for _, _, o in rows if o is not None), default=None)
            passed_at = Progress(aid, uid, len(rows), len(rows), best, first_pass, nth).passed_at(
                min_attempts
            )
            if passed_at is not None and start <= passed_at < end and passed_at < due_end:
                on_time[uid] += 1
    return on_time


def compute_leaderboard(store: Store, actor: User, team: str, week: str | None = None) -> Leaderboard:
    """The leaderboard of ``team`` for ``week`` (``2026-W48``; default: this week in the team's zone)."""
    team_rec, actor = store.team_scope(actor, team)
    tz = team_rec.timezone
    week = week or iso_week(store.clock(), tz)
    start, end = week_bounds(week, tz)
    # Week offsets (0 = this week) by stored week number, back as far as the streak or trailing need.
    lookback = max(STREAK_LOOKBACK_WEEKS - 1, TRAILING_WEEKS)
    offsets = {week_number(shift_week(week, -i)): i for i in range(lookback + 1)}

    with store.session() as s:
        rollup.stamp_missing(s, team_rec.id)  # rows bulk-loaded behind the store's back, if any
        conn = s.connection()  # Core rows: no ORM row processing for thousands of aggregates
        # .all() everywhere: one fetchall per query instead of a driver call per row.
        reps = conn.execute(
            select(UserRow.id, UserRow.email, UserRow.name).where(
                UserRow.team_id == team_rec.id, UserRow.role == "rep"
            )
        ).all()

        # Scenario points: the sum of each rep's best score per scenario this week (roll-up).
        scenario_points = {
            uid: int(p or 0)
            for uid, p in conn.execute(
                select(WeekScenarioRow.user_id, func.sum(WeekScenarioRow.best))
                .where(WeekScenarioRow.team_id == team_rec.id, WeekScenarioRow.week == week_number(week))
                .group_by(WeekScenarioRow.user_id)
            ).all()
        }

        # Drills and score sums per rep from the weekly roll-up (store.rollup): this week, the
        # trailing weeks (most improved) and, as a bit mask of week offsets, the weeks with enough
        # drills for the streak; summed in SQL over ~9 rows per rep, one row per rep comes back.
        w = WeekRepRow
        now_n = week_number(week)
        trailing_weeks = w.week.between(
            week_number(shift_week(week, -TRAILING_WEEKS)), week_number(shift_week(week, -1))
        )
        bit = case(
            {n: 1 << i for n, i in offsets.items() if i < STREAK_LOOKBACK_WEEKS}, value=w.week, else_=0
        )
        stats: dict[int, tuple[int, float]] = {}
        trailing: dict[int, tuple[int, float]] = {}
        qualifying: dict[int, set[int]] = {}
        for uid, n_now, sum_now, n_prev, sum_prev, mask in conn.execute(
            select(
                w.user_id,
                func.sum(case((w.week == now_n, w.drills), else_=0)),
                func.sum(case((w.week == now_n, w.overall_sum), else_=0)),
                func.sum(case((trailing_weeks, w.drills), else_=0)),
                func.sum(case((trailing_weeks, w.overall_sum), else_=0)),
                func.sum(case((w.drills >= STREAK_MIN_DRILLS, bit), else_=0)),
            )
            .where(w.team_id == team_rec.id, w.week.between(min(offsets), max(offsets)))
            .group_by(w.user_id)
        ).all():
            if n_now:
                stats[uid] = (int(n_now), float(sum_now) / int(n_now))
            if n_prev:
                trailing[uid] = (int(n_prev), float(sum_prev) / int(n_prev))
            qualifying[uid] = {i for i in range(STREAK_LOOKBACK_WEEKS) if int(mask) >> i & 1}

        skill_rows = [
            (uid, skill_id, name, float(total) / scored, scored)
            for uid, skill_id, name, scored, total in conn.execute(
                select(
                    WeekSkillRow.user_id,
                    WeekSkillRow.skill_id,
                    WeekSkillRow.name,
                    WeekSkillRow.scored,
                    WeekSkillRow.score_sum,
                ).where(WeekSkillRow.team_id == team_rec.id, WeekSkillRow.week == week_number(week))
            ).all()
            if scored
        ]

        has_assignments = s.scalar(select(func.count()).select_from(AssignmentRow)) or 0
        on_time = _on_time_passes(conn, team_rec.id, tz, start, end) if has_assignments else {}

    skill_avgs: dict[int, list[tuple[float, str, str]]] = defaultdict(list)
    per_skill: dict[str, list[tuple[float, int, str, str, str]]] = defaultdict(list)
    names = {uid: (email, name) for uid, email, name in reps}
    for uid, skill_id, skill_name, skill_avg, _n in skill_rows:
        if uid not in names:
            continue
        skill_avgs[uid].append((skill_avg, skill_id, skill_name))
        per_skill[skill_id].append(
            (skill_avg, stats.get(uid, (0, 0.0))[0], names[uid][1], names[uid][0], skill_name)
        )

    unranked = []
    for uid, email, name in reps:
        mine: tuple[int, float | None] = stats.get(uid, (0, None))
        drills, avg = mine
        streak, qualifies = _streak(qualifying.get(uid, set()))
        streak_pts = STREAK_POINTS_PER_WEEK * min(streak, STREAK_MAX_BONUS_WEEKS) if qualifies else 0
        scen_pts = scenario_points.get(uid, 0)
        assign_pts = ASSIGNMENT_POINTS * on_time.get(uid, 0)
        best_skill = None
        if skill_avgs.get(uid):
            best_skill = min(skill_avgs[uid], key=lambda t: (-t[0], t[1]))[2]
        points = scen_pts + assign_pts + streak_pts
        average = round(avg, 1) if avg is not None else None
        key = (-points, -drills, -(average or 0.0), name.lower(), email)
        fields = (email, name, points, drills, average, streak, best_skill, scen_pts, assign_pts, streak_pts)
        unranked.append((key, fields))
    unranked.sort(key=lambda kf: kf[0])
    rows = [LeaderboardRow(i + 1, *fields) for i, (_, fields) in enumerate(unranked)]

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
        avg, _, name, email, skill_name = min(
            per_skill[skill_id], key=lambda t: (-t[0], -t[1], t[2].lower(), t[3])
        )
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
