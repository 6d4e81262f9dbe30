"""The weekly leaderboard computed the slow, obvious way, for tests.

``compute_leaderboard`` reads the weekly roll-ups (``week_reps``, ``week_scenarios``,
``week_skills``), the replies stored on each attempt, and a narrowed assignment
query. This reference reads none of them: it loads the team's completed attempts,
counts each one's rep replies from ``turns``, buckets them into local weeks at
query time, and replays every rule in plain Python — what counts, best per
(mode, scenario), the earlier best per scenario, the streak, the trailing
average, per-skill averages, who overrode a score and each open assignment's qualifying drills. Only
the point arithmetic itself is shared (``points.rep_week``), so tests compare
what the SQL aggregates, on any data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, or_, select

from coach_engine.leaderboard import Leaderboard, LeaderboardRow, MostImproved, SkillLeader
from coach_engine.points import load_rules, rep_week, rules_markdown, streak_length
from coach_engine.store import Store, User
from coach_engine.store.schema import AssignmentRow, AttemptRow, SkillScoreRow, TurnRow, UserRow
from coach_engine.store.weeks import end_of_day_utc, iso_week, shift_week, week_bounds, week_number

__all__ = ["compute_leaderboard"]


@dataclass(frozen=True)
class _Done:
    id: int
    user_id: int
    scenario_id: str
    mode: str
    overall: int
    started_at: datetime
    completed_at: datetime
    week: int
    """``week_number`` of the local week it completed in."""
    reviewed_by: int | None = None
    """The manager whose override re-scored it."""


def compute_leaderboard(store: Store, actor: User, team: str, week: str | None = None) -> Leaderboard:
    rules = load_rules()
    team_rec, actor = store.team_scope(actor, team)
    tz = team_rec.timezone
    week = week or iso_week(store.clock(), tz)
    start, end = week_bounds(week, tz)
    now_n = week_number(week)
    streak_weeks = [week_number(shift_week(week, -i)) for i in range(rules.streak.lookback_weeks)]
    trailing_weeks = {week_number(shift_week(week, -i)) for i in range(1, rules.trailing_weeks + 1)}

    with store.session() as s:
        reps = s.execute(
            select(UserRow.id, UserRow.email, UserRow.name).where(
                UserRow.team_id == team_rec.id, UserRow.role == "rep"
            )
        ).all()
        replies = dict(
            s.execute(
                select(TurnRow.attempt_id, func.count())
                .where(TurnRow.role == "rep")
                .group_by(TurnRow.attempt_id)
            ).all()
        )
        done = [
            _Done(aid, uid, sid, mode, overall or 0, started, completed, week_number(iso_week(completed, tz)),
                  reviewer)
            for aid, uid, sid, mode, overall, started, completed, reviewer in s.execute(
                select(
                    AttemptRow.id,
                    AttemptRow.user_id,
                    AttemptRow.scenario_id,
                    AttemptRow.mode,
                    AttemptRow.overall,
                    AttemptRow.started_at,
                    AttemptRow.completed_at,
                    AttemptRow.reviewed_by,
                ).where(AttemptRow.team_id == team_rec.id, AttemptRow.status == "completed")
            ).all()
            if rules.counts(mode, replies.get(aid, 0))
        ]
        user_names = dict(s.execute(select(UserRow.id, UserRow.name)).all())
        skill_scores = s.execute(
            select(
                SkillScoreRow.attempt_id,
                SkillScoreRow.skill_id,
                SkillScoreRow.name,
                func.coalesce(SkillScoreRow.reviewed_score, SkillScoreRow.score),
            )
        ).all()
        assignments = s.execute(
            select(
                AssignmentRow.scenario_id,
                AssignmentRow.user_id,
                AssignmentRow.due,
                AssignmentRow.pass_mark,
                AssignmentRow.min_attempts,
                AssignmentRow.created_at,
            )
            .outerjoin(UserRow, UserRow.id == AssignmentRow.user_id)
            .where(
                or_(AssignmentRow.team_id == team_rec.id, UserRow.team_id == team_rec.id),
                AssignmentRow.status == "open",
            )
        ).all()

    drills = [d for d in done if d.mode == "drill"]
    this_week = [d for d in drills if d.week == now_n]
    stats: dict[int, list[int]] = defaultdict(list)
    for d in this_week:
        stats[d.user_id].append(d.overall)
    trailing: dict[int, list[int]] = defaultdict(list)
    for d in drills:
        if d.week in trailing_weeks:
            trailing[d.user_id].append(d.overall)
    per_week: dict[tuple[int, int], int] = defaultdict(int)
    for d in drills:
        per_week[(d.user_id, d.week)] += 1

    bests: dict[int, dict[tuple[str, str], int | None]] = defaultdict(dict)
    for d in done:
        if d.week == now_n:
            key = (d.mode, d.scenario_id)
            bests[d.user_id][key] = max(bests[d.user_id].get(key) or 0, d.overall)
    previous: dict[int, dict[str, int | None]] = defaultdict(dict)
    for d in drills:
        if d.week < now_n:
            previous[d.user_id][d.scenario_id] = max(previous[d.user_id].get(d.scenario_id) or 0, d.overall)

    on_time: dict[int, int] = defaultdict(int)
    for scenario_id, user_id, due, pass_mark, min_attempts, created_at in assignments:
        due_end = end_of_day_utc(due, tz)
        mine: dict[int, list[_Done]] = defaultdict(list)
        for d in drills:
            if d.scenario_id == scenario_id and d.started_at >= created_at and user_id in (None, d.user_id):
                mine[d.user_id].append(d)
        for uid, rows in mine.items():
            rows.sort(key=lambda d: (d.completed_at, d.id))
            first_pass = next((d.completed_at for d in rows if d.overall >= pass_mark), None)
            if first_pass is None or len(rows) < min_attempts:
                continue
            passed_at = max(first_pass, rows[min_attempts - 1].completed_at)
            if start <= passed_at < end and passed_at < due_end:
                on_time[uid] += 1

    overridden: dict[int, set[str]] = defaultdict(set)
    for d in done:
        if d.week == now_n and d.reviewed_by is not None:
            overridden[d.user_id].add(user_names[d.reviewed_by])

    counted_this_week = {d.id: d.user_id for d in this_week}
    skill_sums: dict[tuple[int, str], list[int]] = defaultdict(list)
    skill_names: dict[tuple[int, str], str] = {}
    for aid, skill_id, name, score in skill_scores:
        if aid in counted_this_week:
            key = (counted_this_week[aid], skill_id)
            skill_sums[key].append(int(score))
            skill_names[key] = max(skill_names.get(key, ""), name)

    names = {uid: (email, name) for uid, email, name in reps}
    skill_avgs: dict[int, list[tuple[float, str, str]]] = defaultdict(list)
    per_skill: dict[str, list[tuple[float, int, str, str, str]]] = defaultdict(list)
    for (uid, skill_id), scores in skill_sums.items():
        if uid not in names:
            continue
        avg = sum(scores) / len(scores)
        skill_avgs[uid].append((avg, skill_id, skill_names[(uid, skill_id)]))
        per_skill[skill_id].append(
            (avg, len(stats.get(uid, [])), names[uid][1], names[uid][0], skill_names[(uid, skill_id)])
        )

    unranked: list[tuple[tuple[object, ...], LeaderboardRow]] = []
    for uid, email, name in reps:
        scores = stats.get(uid, [])
        avg = round(sum(scores) / len(scores), 1) if scores else None
        qualifying = {
            i for i, n in enumerate(streak_weeks) if per_week.get((uid, n), 0) >= rules.streak.min_drills
        }
        streak, qualifies = streak_length(qualifying)
        pts = rep_week(
            rules,
            bests.get(uid, {}),
            previous.get(uid, {}),
            streak=streak,
            streak_qualifies=qualifies,
            assignments_passed=on_time.get(uid, 0),
        )
        best_skill = (
            sorted(skill_avgs[uid], key=lambda t: (-t[0], t[1]))[0][2] if skill_avgs.get(uid) else None
        )
        row = LeaderboardRow(
            0,
            email,
            name,
            pts.total,
            len(scores),
            avg,
            streak,
            best_skill,
            pts.drill,
            pts.improvement,
            pts.practice,
            pts.assignments,
            pts.streak,
            tuple(sorted(overridden.get(uid, ()))),
        )
        unranked.append(((-pts.total, -len(scores), -(avg or 0.0), name.lower(), email), row))
    unranked.sort(key=lambda kr: kr[0])
    rows = [replace(r, rank=i + 1) for i, (_, r) in enumerate(unranked)]

    improved = None
    candidates = []
    for uid, email, name in reps:
        if stats.get(uid) and trailing.get(uid):
            now_avg = sum(stats[uid]) / len(stats[uid])
            prev_avg = sum(trailing[uid]) / len(trailing[uid])
            candidates.append((round(now_avg - prev_avg, 1), len(stats[uid]), name, email, now_avg, prev_avg))
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
        rules=rules_markdown(rules),
        point_rules=rules,
    )
