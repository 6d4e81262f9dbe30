"""20 drills at once on one store, SQLite and PostgreSQL: nothing lost or twice, a leaderboard that adds up.

Each drill runs the app's own path in its own thread (``bench.load_figures.concurrent_drills``):
turns written as they happen, the offline grader with the real embedding model, the real embedded
Chroma index. Then the store must hold every reply once and in order, every attempt completed with
its grade, every attempt in the index; the weekly roll-ups must equal the aggregates over the source
rows, and the leaderboard must equal one recomputed from the attempts. Times are ``scrimmage bench``'s
job (the ``load`` group), not this test's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coach_engine.bench.load_figures import concurrent_drills, problems
from coach_engine.embeddings import CachedEmbedder
from coach_engine.grading import get_grader
from coach_engine.leaderboard import compute_leaderboard
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings
from coach_engine.store import SYSTEM, Store
from coach_engine.store.index import AttemptIndex

from .test_leaderboard_week_column import assert_rollups_exact, assert_same_as_scan

pytestmark = pytest.mark.slow

DRILLS = 20


def test_twenty_drills_at_once_keep_every_turn_and_the_leaderboard_adds_up(
    store: Store, bank: ScenarioBank, embedder: CachedEmbedder, tmp_path: Path
) -> None:
    team = "Crowd"
    store.ensure_team(SYSTEM, team)
    reps = [store.add_user(SYSTEM, f"rep{i}@crowd.test", f"Crowd Rep {i}", "rep", team)
            for i in range(DRILLS)]
    settings = Settings(data_dir=tmp_path / "data")
    index = AttemptIndex.from_settings(settings, embedder)
    scenarios = [bank.get(i) for i in bank.ids()]

    run = concurrent_drills(store, index, embedder, get_grader(settings, embedder), reps, scenarios)

    assert problems(store, index, reps, run) == []
    assert len(run.sent) == DRILLS and all(len(said) >= 2 for said in run.sent.values())
    assert_rollups_exact(store)
    board = compute_leaderboard(store, SYSTEM, team)
    assert_same_as_scan(store, team, [board.week])
    rows = {r.user: r for r in board.rows}
    for attempt_id in run.sent:
        attempt = store.get_attempt(SYSTEM, attempt_id)
        row = rows[attempt.user_email]
        assert (row.drills, row.average) == (1, float(attempt.overall or 0))
