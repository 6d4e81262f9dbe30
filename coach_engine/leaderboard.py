"""The weekly leaderboard: one team, one ISO week in the team's time zone.

What earns points is data: ``points.yaml``, loaded and checked by
``coach_engine.points``, which also does the per-rep arithmetic (``rep_week``)
and writes the rules panel (``RULES``) from the same numbers, so the text and
the arithmetic cannot disagree. In short: each drilled scenario earns points by
its best score that week (nothing below the floor), plus a bonus for beating
the rep's earlier best on it; clinics and warm-ups earn a little, capped per
week; only attempts with enough replies count at all; assignments passed on time
and the streak add fixed credit.

Aggregation happens in SQL — a handful of small queries whatever the team
size — and Python only combines per-rep numbers. Week boundaries come from
``store.weeks`` (local Monday 00:00 in the team's zone, as UTC instants).

Why it reads roll-ups: at 1,000 reps × 20 drills a week, the streak (eight
weeks back) and most improved (four weeks back) scanned ~160,000 attempts and
the skill leaders joined ~100,000 skill scores per request, far over the
200 ms budget (docs/PERFORMANCE.md §3). Counted drills, score sums, the best
score per mode and scenario and per-skill sums now come from ``week_reps`` /
``week_scenarios`` / ``week_skills`` (one row per rep and week[, mode and
scenario, or skill]), kept exact by ``store.rollup`` on every write and keyed by
the local week stored on each attempt; the rep's earlier best on a scenario is
one index seek per scenario drilled this week (``ix_week_scenarios_history``).
Assignment credit looks only at open assignments that can be passed on time
this week (``_on_time_passes``), so it reads a short index range.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from .assignments import ASSIGNED_MODE, Progress
from .points import PointRules, load_rules, rep_week, rules_markdown, streak_length
from .store import Store, User, rollup
from .store.schema import AssignmentRow, AttemptRow, UserRow, WeekRepRow, WeekScenarioRow, WeekSkillRow
from .store.weeks import end_of_day_utc, iso_week, shift_week, week_bounds, week_number

__all__ = ["RULES", "Leaderboard", "LeaderboardRow", "MostImproved", "SkillLeader", "compute_leaderboard"]

RULES = rules_markdown(load_rules())
"""The rules panel (markdown) for the point rules in ``points.yaml``."""


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    user: str
    name: str
    points: int
    drills: int
    """Counted full drills this week (enough replies)."""
    average: float | None
    """Average overall of those drills; None without any (pages show "—")."""
    streak: int
    best_skill: str | None = None
    drill_points: int = 0
    improvement_points: int = 0
    practice_points: int = 0
    """Clinic and warm-up points, each capped per week."""
    assignment_points: int = 0
    streak_points: int = 0
    overridden_by: tuple[str, ...] = ()
    """Managers whose review re-scored one of this week's attempts (``reviews.rescore``), by name."""

    @property
    def reviewed_label(self) -> str:
        """"overridden by Maya Chen" when a manager's review changed a score counted here; else ""."""
        return f"overridden by {', '.join(self.overridden_by)}" if self.overridden_by else ""

    @property
    def average_label(self) -> str:
        """The average as shown: one decimal, or "—" for a rep with no counted drill this week."""
        return "—" if self.average is None else f"{self.average:.1f}"

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
    point_rules: PointRules = field(default_factory=load_rules)
    """The numbers behind ``rules`` (for pages that quote one, e.g. the trailing weeks)."""

    def to_json(self) -> dict[str, Any]:
        """The `leaderboard --json` shape."""
        return {"team": self.team, "week": self.week, "rows": [r.to_json() for r in self.rows]}


def _on_time_passes(
    conn: Connection, team_id: int, tz: str, start: datetime, end: datetime
) -> dict[int, int]:
    """Per rep: assignments passed on time within [start, end) — ``assignments.progress_rows``' rule.

    Only open assignments that could be passed on time this week are looked at (made before the
    cutoff, due after the week starts), and only their qualifying drills (full drills with enough
    replies) completed before the cutoff (the end of the week or of the due date, whichever is
    first): an attempt completed later cannot make the pass land in this week, and
    ``Progress.passed_at`` is the same whether or not the later attempts are counted. So a
    long-running assignment costs one short index range instead of every attempt at its scenario.
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
        .where(
            or_(AssignmentRow.team_id == team_id, UserRow.team_id == team_id), AssignmentRow.status == "open"
        )
    ).all()
    qualifies = rollup.counted((ASSIGNED_MODE,))
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
            qualifies,
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


def _week_bests(
    conn: Connection, team_id: int, week: int
) -> tuple[dict[int, dict[tuple[str, str], int | None]], dict[int, dict[str, int | None]]]:
    """Per rep: this week's best score per (mode, scenario), and the earlier best per drilled scenario."""
    now, before = WeekScenarioRow, aliased(WeekScenarioRow)
    earlier = (
        select(func.max(before.best))
        .where(
            before.team_id == now.team_id,
            before.user_id == now.user_id,
            before.mode == "drill",
            before.scenario_id == now.scenario_id,
            before.week < now.week,
        )
        .correlate(now)
        .scalar_subquery()
    )
    bests: dict[int, dict[tuple[str, str], int | None]] = defaultdict(dict)
    previous: dict[int, dict[str, int | None]] = defaultdict(dict)
    rows = conn.execute(
        select(now.user_id, now.mode, now.scenario_id, now.best, case((now.mode == "drill", earlier))).where(
            now.team_id == team_id, now.week == week
        )
    ).all()
    for uid, mode, scenario_id, best, prev in rows:
        bests[uid][(mode, scenario_id)] = best
        if prev is not None:
            previous[uid][scenario_id] = int(prev)
    return bests, previous


def compute_leaderboard(store: Store, actor: User, team: str, week: str | None = None) -> Leaderboard:
    """The leaderboard of ``team`` for ``week`` (``2026-W48``; default: this week in the team's zone)."""
    rules = load_rules()
    team_rec, actor = store.team_scope(actor, team)
    tz = team_rec.timezone
    week = week or iso_week(store.clock(), tz)
    start, end = week_bounds(week, tz)
    streak_rule, trailing_n = rules.streak, rules.trailing_weeks
    # Week offsets (0 = this week) by stored week number, back as far as the streak or trailing need.
    lookback = max(streak_rule.lookback_weeks - 1, trailing_n)
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

        # Best counted score per (mode, scenario) this week, and the earlier drill best (roll-up).
        bests, previous = _week_bests(conn, team_rec.id, week_number(week))

        # Counted drills and score sums per rep from the weekly roll-up (store.rollup): this week, the
        # trailing weeks (most improved) and, as a bit mask of week offsets, the weeks with enough
        # drills for the streak; summed in SQL over ~9 rows per rep, one row per rep comes back.
        w = WeekRepRow
        now_n = week_number(week)
        trailing_weeks = w.week.between(
            week_number(shift_week(week, -trailing_n)), week_number(shift_week(week, -1))
        )
        bit = case(
            {n: 1 << i for n, i in offsets.items() if i < streak_rule.lookback_weeks}, value=w.week, else_=0
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
                func.sum(case((w.drills >= streak_rule.min_drills, bit), else_=0)),
            )
            .where(w.team_id == team_rec.id, w.week.between(min(offsets), max(offsets)))
            .group_by(w.user_id)
        ).all():
            if n_now:
                stats[uid] = (int(n_now), float(sum_now) / int(n_now))
            if n_prev:
                trailing[uid] = (int(n_prev), float(sum_prev) / int(n_prev))
            qualifying[uid] = {i for i in range(streak_rule.lookback_weeks) if int(mask) >> i & 1}

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

        # Attempts this week a manager's override re-scored (few: ix_attempts_team_week_reviewed).
        reviewer = aliased(UserRow)
        overridden: dict[int, set[str]] = defaultdict(set)
        for uid, manager in conn.execute(
            select(AttemptRow.user_id, reviewer.name)
            .join(reviewer, reviewer.id == AttemptRow.reviewed_by)
            .where(
                AttemptRow.team_id == team_rec.id,
                AttemptRow.week == now_n,
                AttemptRow.reviewed_by.is_not(None),
                AttemptRow.status == "completed",
                rollup.counted(),
            )
        ).all():
            overridden[uid].add(manager)

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
        streak, qualifies = streak_length(qualifying.get(uid, set()))
        pts = rep_week(
            rules,
            bests.get(uid, {}),
            previous.get(uid, {}),
            streak=streak,
            streak_qualifies=qualifies,
            assignments_passed=on_time.get(uid, 0),
        )
        best_skill = None
        if skill_avgs.get(uid):
            best_skill = min(skill_avgs[uid], key=lambda t: (-t[0], t[1]))[2]
        average = round(avg, 1) if avg is not None else None
        key = (-pts.total, -drills, -(average or 0.0), name.lower(), email)
        fields = (
            email,
            name,
            pts.total,
            drills,
            average,
            streak,
            best_skill,
            pts.drill,
            pts.improvement,
            pts.practice,
            pts.assignments,
            pts.streak,
            tuple(sorted(overridden.get(uid, ()))),
        )
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
        rules=rules_markdown(rules),
        point_rules=rules,
    )
