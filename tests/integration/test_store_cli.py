"""The team commands end to end on real SQLite: users add, assign, history --json, leaderboard --json."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coach_engine.cli import app
from coach_engine.models import Scorecard, SkillScore
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings
from coach_engine.store import Store
from coach_engine.store.weeks import iso_week

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def db(tmp_path: Path) -> Store:
    return Store.from_settings(Settings(data_dir=tmp_path / "data"))


def test_users_assign_history_leaderboard(db: Store, bank: ScenarioBank) -> None:
    code, out = run(
        "users",
        "add",
        "--email",
        "mia@falcons.test",
        "--name",
        "Mia",
        "--role",
        "manager",
        "--team",
        "Falcons",
        "--timezone",
        "Europe/Berlin",
    )
    assert code == 0, out
    assert "Falcons" in out
    code, out = run("users", "add", "--email", "rob@falcons.test", "--name", "Rob Rep", "--team", "Falcons")
    assert code == 0, out
    code, out = run("users", "add", "--email", "rob@falcons.test", "--name", "Again", "--team", "Falcons")
    assert code == 1 and "already exists" in out

    code, out = run(
        "assign",
        "--scenario",
        "cfo-price-routing",
        "--team",
        "Falcons",
        "--due",
        "2030-01-31",
        "--pass-mark",
        "75",
    )
    assert code == 0, out
    assert out.startswith("Assigned")
    # The same assignment again: the open one is kept, nothing new is made.
    code, out = run(
        "assign",
        "--scenario",
        "cfo-price-routing",
        "--team",
        "Falcons",
        "--due",
        "2030-01-31",
        "--pass-mark",
        "75",
        "--json",
    )
    assert code == 0 and json.loads(out)["created"] is False
    code, out = run(
        "assign", "--scenario", "no-such-thing", "--user", "rob@falcons.test", "--due", "2030-01-31"
    )
    assert code == 1
    code, out = run("assign", "--scenario", "cfo-price-routing", "--due", "2030-01-31")
    assert code == 1 and "exactly one" in out
    code, out = run(
        "assign", "--scenario", "cfo-price-routing", "--user", "rob@falcons.test", "--due", "soon"
    )
    assert code == 1 and "YYYY-MM-DD" in out

    rob = db.login("rob@falcons.test")
    scenario = bank.get("cfo-price-routing")
    t = datetime.now(UTC)  # after the assignment was made, so it counts
    a = db.start_attempt(rob, scenario, at=t)
    for i, (role, text) in enumerate([("buyer", "Too expensive."), ("rep", "What feels high?")] * 2):
        db.record_turn(rob, a.id, i, role, text)  # two replies: a full drill that counts
    db.complete_attempt(
        rob,
        a.id,
        Scorecard(
            scenario_id=scenario.id,
            rubric="objection-handling",
            grader="test",
            overall=81,
            outcome="agreed",
            skills=[SkillScore(id="explore", name="Explore", score=4)],
        ),
        at=t,
    )
    b = db.start_attempt(rob, scenario, at=t + timedelta(seconds=1))

    code, out = run("history", "--user", "rob@falcons.test", "--json")
    assert code == 0, out
    history = json.loads(out)
    assert [h["status"] for h in history][-1] == "completed"
    assert {k for h in history for k in h} >= {"scenario_id", "outcome", "overall", "started_at", "status"}
    assert history[-1] == {
        "id": a.id,
        "scenario_id": "cfo-price-routing",
        "outcome": "agreed",
        "overall": 81,
        "started_at": t.isoformat(),
        "status": "completed",
    }
    assert b.id in [h["id"] for h in history]

    code, out = run("leaderboard", "--team", "Falcons", "--json")
    assert code == 0, out
    board = json.loads(out)
    assert board["team"] == "Falcons" and board["week"] == iso_week(datetime.now(UTC), "Europe/Berlin")
    assert board["rows"] == [
        {
            "rank": 1,
            "user": "rob@falcons.test",
            "name": "Rob Rep",
            "points": 35 + 50,  # a drill at 81 (80-89 tier) + the team assignment passed on time
            "drills": 1,
            "average": 81.0,
            "streak": 0,
        }
    ]
    code, out = run("leaderboard", "--team", "Falcons", "--week", "2026-W01", "--json")
    assert json.loads(out)["rows"][0]["points"] == 0
    code, out = run("leaderboard", "--team", "Falcons", "--week", "W01")
    assert code == 1 and "2026-W48" in out
    code, out = run("leaderboard", "--team", "Nobody")
    assert code == 1 and "no team named" in out
    code, out = run("leaderboard", "--team", "Falcons", "--rules")
    assert code == 0 and "Rob Rep" in out and "How the weekly leaderboard works" in out
    code, out = run("history", "--user", "ghost@falcons.test")
    assert code == 1 and "no user" in out


def test_drill_save_stores_the_attempt(db: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIMMAGE_EMBEDDING_BACKEND", "hash")
    assert run("users", "add", "--email", "rob@falcons.test", "--name", "Rob", "--team", "Falcons")[0] == 0
    script = tmp_path / "rep.txt"
    script.write_text(
        "What makes the price feel high right now?\nWhat would the board need to approve a pilot?\n"
    )
    code, out = run(
        "drill",
        "--scenario",
        "cfo-price-routing",
        "--rep-script",
        str(script),
        "--json",
        "--save",
        "--user",
        "rob@falcons.test",
    )
    assert code == 0, out
    result = json.loads(out[out.index("{") :])
    rob = db.login("rob@falcons.test")
    attempt = db.get_attempt(rob, result["attempt_id"])
    assert (attempt.status, attempt.overall) == ("completed", result["scorecard"]["overall"])
    assert [t.text for t in db.transcript_turns(rob, attempt.id)] == [t["text"] for t in result["turns"]]
    code, out = run("drill", "--scenario", "cfo-price-routing", "--rep-script", str(script), "--save")
    assert code == 1 and "--user" in out
    code, out = run(
        "drill",
        "--scenario",
        "cfo-price-routing",
        "--rep-script",
        str(script),
        "--save",
        "--user",
        "ghost@falcons.test",
    )
    assert code == 1 and "no user" in out
