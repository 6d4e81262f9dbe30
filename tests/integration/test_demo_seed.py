"""`seed-demo`: a live team from real engine runs, fast, and only once."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach_engine.demo import DEMO_FILE, DemoAlreadySeeded, seed_demo
from coach_engine.leaderboard import compute_leaderboard
from coach_engine.memory import enrich
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings
from coach_engine.store import SYSTEM, Store
from coach_engine.store.index import AttemptIndex


@pytest.mark.slow
def test_default_demo_is_alive(tmp_path: Path, bank: ScenarioBank, embedder: Any) -> None:
    import chromadb

    settings = Settings(data_dir=tmp_path / "data", embedding_backend="local")
    store = Store.from_settings(settings)
    index = AttemptIndex(chromadb.PersistentClient(path=str(tmp_path / "chroma")), embedder)
    # The shipped demo_results.jsonl only makes this faster; a stale cache (the engine changed)
    # means the drills run through the engine again, never that stale scores are served.
    summary = seed_demo(store, bank=bank, settings=settings, index=index)
    assert summary.users == 9 and len(summary.weeks) == 6 and summary.attempts >= 80
    assert summary.indexed > summary.attempts

    spec = yaml.safe_load(DEMO_FILE.read_text())
    manager = store.login(spec["manager"]["email"])
    board = compute_leaderboard(store, manager, spec["team"]["name"])
    assert len(board.rows) == 8 and board.rows[0].points > 0 and board.skill_leaders

    # Reps improve: the team's average in the last two weeks beats the first two.
    attempts = store.team_attempts(manager, spec["team"]["name"])
    by_week: dict[str, list[int]] = {}
    from coach_engine.store.weeks import iso_week

    for a in attempts:
        by_week.setdefault(iso_week(a.completed_at or a.started_at, board.timezone), []).append(
            a.overall or 0
        )
    weeks = sorted(by_week)
    early = statistics.mean(by_week[weeks[0]] + by_week[weeks[1]])
    late = statistics.mean(by_week[weeks[-1]] + by_week[weeks[-2]])
    assert late > early + 5, (early, late)

    # Memory works on demo data: some weak attempt gets better teammate examples and a trend.
    weak = sorted((a for a in attempts if a.overall is not None), key=lambda a: a.overall or 0)[:10]
    cards = [enrich(store, index, manager, a.id) for a in weak]
    assert any(c.from_team for c in cards) and any(c.trend for c in cards)

    with pytest.raises(DemoAlreadySeeded):
        seed_demo(store, bank=bank, settings=settings, index=index)


def test_uncached_drills_run_through_the_engine(
    tmp_path: Path, bank: ScenarioBank, settings: Settings
) -> None:
    spec = yaml.safe_load(DEMO_FILE.read_text())
    spec["reps"] = spec["reps"][:1]
    spec["reps"][0]["drills_per_week"] = 2
    spec["scenarios"] = ["cfo-price-routing"]
    spec["assignments"] = []
    demo_file = tmp_path / "demo.yaml"
    demo_file.write_text(yaml.safe_dump(spec))
    store = Store.from_settings(settings)
    summary = seed_demo(
        store,
        bank=bank,
        settings=settings,
        index=None,
        weeks=2,
        demo_file=demo_file,
        results_file=tmp_path / "results.jsonl",
    )
    assert summary.engine_runs >= 1 and summary.cached + summary.engine_runs == summary.attempts
    assert not (tmp_path / "results.jsonl").exists()  # the shipped file is only rewritten by --refresh
    assert (settings.data_dir / "demo_results.jsonl").read_text().count("\n") == summary.engine_runs
    rep = store.login(spec["reps"][0]["email"])
    history = store.list_attempts(SYSTEM, rep.email)
    assert len(history) == summary.attempts
    turns = store.transcript_turns(SYSTEM, history[0].id)
    assert turns[0].role == "buyer" and turns[1].role == "rep"
    card = store.scorecard(SYSTEM, history[0].id)
    assert card is not None and card.overall == history[0].overall
