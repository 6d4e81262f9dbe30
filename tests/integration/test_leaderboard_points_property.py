"""The points property through the real store: two strong drills outrank many weak attempts.

``tests/unit/test_points.py`` plays thousands of random weeks through the point rules in plain
Python. Here a few of those random weeks (same generators, fewer attempts) are written into a
real database as attempts with their turns, and ``compute_leaderboard`` must rank the strong rep
first and give both reps exactly the points the plain rules give, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from coach_engine.leaderboard import compute_leaderboard
from coach_engine.models import Scorecard, SkillScore, Turn
from coach_engine.points import load_rules
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import SYSTEM, Store, User
from tests.unit.test_points import SCENARIOS, Try, history, strong_week, weak_try, week_points

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)  # 2026-W48 in UTC


def write(store: Store, bank: ScenarioBank, user: User, t: Try, rng: random.Random) -> None:
    scenario = bank.get(bank.ids()[SCENARIOS.index(t.scenario)])
    when = MONDAY - timedelta(weeks=t.week) + timedelta(minutes=rng.randrange(10, 7 * 24 * 60 - 10))
    turns = [Turn(role="buyer", text=scenario.buyer.opening)]
    for i in range(t.replies):
        turns += [Turn(role="rep", text=f"Reply {i}"), Turn(role="buyer", text="Go on.")]
    card = Scorecard(
        scenario_id=scenario.id,
        rubric="objection-handling",
        grader="test",
        overall=t.score,
        skills=[SkillScore(id="explore", name="Explore", score=3)],
    )
    store.import_attempt(
        SYSTEM,
        user,
        scenario,
        turns,
        card,
        started_at=when,
        completed_at=when + timedelta(minutes=5),
        mode=t.mode,
    )


def test_two_strong_drills_outrank_many_weak_attempts(store: Store, bank: ScenarioBank) -> None:
    rules = load_rules()
    rng = random.Random(48)
    store.clock = lambda: MONDAY + timedelta(days=6, hours=23)
    for n in range(4):
        team = f"Week {n}"
        # Names chosen so every tie-break would favour the weak rep: only points can put Zed first.
        zed = store.add_user(SYSTEM, f"zed{n}@x.test", "Zed Strong", "rep", team)
        amy = store.add_user(SYSTEM, f"amy{n}@x.test", "Amy Weak", "rep", team)
        strong = [t for t in history(rng, rules) if rng.random() < 0.5] + strong_week(rng, rules)
        weak = [t for t in history(rng, rules) if rng.random() < 0.5]
        weak += [weak_try(rng, rules) for _ in range(rng.randrange(5, 25))]
        weak += [  # a full streak of low-scoring drills behind the weak rep
            Try(w, "drill", "s0", rules.drill.floor - 1, rules.drill.min_replies)
            for w in range(rules.streak.lookback_weeks)
            for _ in range(rules.streak.min_drills)
        ]
        for user, tries in ((zed, strong), (amy, weak)):
            for t in tries:
                write(store, bank, user, t, rng)
        board = compute_leaderboard(store, SYSTEM, team, "2026-W48")
        first, second = board.rows
        assert (first.name, second.name) == ("Zed Strong", "Amy Weak"), board.rows
        assert first.points == week_points(rules, strong)[0].total
        assert second.points == week_points(rules, weak)[0].total
        assert second.streak_points > 0  # the weak rep's best case was in play
