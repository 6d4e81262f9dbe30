"""`scrimmage index rebuild` restores the reply index from the database after Chroma's folder is lost (issue
14: the database is the source of truth; the index is a derived copy that can always be rebuilt)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def scrimmage(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCRIMMAGE_DATA_DIR": str(data_dir), "SCRIMMAGE_EMBEDDING_BACKEND": "hash"}
    return subprocess.run([sys.executable, "-c", "from coach_engine.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=600, env=env)


def test_a_deleted_index_is_rebuilt_from_the_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    seeded = scrimmage(data, "seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    shutil.rmtree(data / "chroma")  # the index is gone; every attempt is still in SQL

    first = scrimmage(data, "index", "rebuild")
    assert first.returncode == 0, first.stderr

    from coach_engine.settings import Settings
    from coach_engine.store import SYSTEM, Store
    from coach_engine.store.index import AttemptIndex

    settings = Settings(data_dir=data, embedding_backend="hash")
    index = AttemptIndex.from_settings(settings)
    store = Store.from_settings(settings)
    team = next(u.team for u in store.list_users(SYSTEM) if u.team)
    # The demo's history depends on the hour it is seeded (nothing in the future), so count, don't guess.
    completed = len(store.team_attempts(SYSTEM, team, status="completed"))
    assert "Re-indexed" in first.stdout and f"{completed} completed attempts" in first.stdout
    objection = store.team_attempts(SYSTEM, team, status="completed")[0].objection
    stored = sum(c.count() for c in index._team_shards(store.get_team(SYSTEM, team).id, objection))
    assert stored > 0
    again = scrimmage(data, "index", "rebuild")  # idempotent: the same rows, upserted
    assert again.stdout == first.stdout
    assert sum(c.count() for c in index._team_shards(store.get_team(SYSTEM, team).id, objection)) == stored
