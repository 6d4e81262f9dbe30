"""The weekly leaderboard at the size of a large sales org (1,000 reps, 12 weeks of history).

This asserts behaviour at scale — every rep ranked, in order — not a time: speed is
measured by `scrimmage bench` (figures `leaderboard_sqlite` / `leaderboard_postgres`
in docs/PERFORMANCE.md), since a timed test fails whenever CI's machine is busy.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from coach_engine.leaderboard import compute_leaderboard
from coach_engine.store import SYSTEM, Store
from coach_engine.store.schema import AttemptRow, SkillScoreRow, UserRow

REPS = 1000
WEEKS = 12
PER_WEEK = 4


def populate(store: Store) -> None:
    team = store.ensure_team(SYSTEM, "Big Team", "America/New_York")
    rng = random.Random(7)
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    with store.session() as s:
        s.execute(
            insert(UserRow),
            [
                {
                    "email": f"rep{i}@big.test",
                    "name": f"Rep {i:04d}",
                    "role": "rep",
                    "team_id": team.id,
                    "created_at": now - timedelta(days=200),
                }
                for i in range(REPS)
            ],
        )
        ids = [u.id for u in s.query(UserRow).filter(UserRow.team_id == team.id)]
        attempts, n = [], 0
        for uid in ids:
            for w in range(WEEKS):
                for _ in range(rng.randrange(PER_WEEK + 1)):
                    n += 1
                    t = now - timedelta(weeks=w, hours=rng.randrange(0, 24 * 6))
                    attempts.append(
                        {
                            "id": n,
                            "user_id": uid,
                            "team_id": team.id,
                            "scenario_id": f"s{rng.randrange(30)}",
                            "scenario_hash": "x",
                            "objection": "price",
                            "difficulty": "medium",
                            "mode": "drill",
                            "voice": "offline",
                            "grader": "offline",
                            "status": "completed",
                            "outcome": "open",
                            "overall": rng.randrange(20, 100),
                            "started_at": t,
                            "updated_at": t,
                            "completed_at": t,
                            "replies": rng.randrange(1, 6),  # one reply: a drill that doesn't count
                        }
                    )
        s.execute(insert(AttemptRow), attempts)
        s.execute(
            insert(SkillScoreRow),
            [
                {"attempt_id": a["id"], "skill_id": sk, "name": sk.title(), "score": rng.randrange(1, 6)}
                for a in attempts
                for sk in ("explore", "value", "close")
            ],
        )
    store.clock = lambda: now


@pytest.mark.slow
def test_leaderboard_for_a_thousand_reps(store: Store) -> None:
    populate(store)
    board = compute_leaderboard(store, SYSTEM, "Big Team")
    assert len(board.rows) == REPS and board.rows[0].rank == 1
    assert [r.points for r in board.rows] == sorted((r.points for r in board.rows), reverse=True)
    assert len({r.rank for r in board.rows}) == REPS  # ties broken deterministically
    again = compute_leaderboard(store, SYSTEM, "Big Team")
    assert [r.user for r in again.rows] == [r.user for r in board.rows]
