"""`scrimmage drill` from the outside: scripted, JSON, unseen scenario files, interactive, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import BANK_DIR

STRONG = [
    "That's a fair reaction, $48k is real money. What's behind the number for you?",
    "So what would it take for the board to feel safe saying yes?",
    "On fuel alone Routewise trims 12-18% within a quarter; Hartley Freight kept $210k in its first year.",
    "How about a paid pilot on 20 trucks, planned with your controller in half an hour next Tuesday?",
]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SCRIMMAGE_EMBEDDING_BACKEND="hash")
    return subprocess.run(
        [sys.executable, "-c", "from coach_engine.cli import main; main()", *args],
        capture_output=True, text=True, timeout=180, env=env, input=stdin,
    )


@pytest.fixture
def script(tmp_path: Path) -> Path:
    p = tmp_path / "rep.txt"
    p.write_text("\n\n".join(STRONG) + "\n", encoding="utf-8")
    return p


def test_json_result_has_the_documented_shape(script: Path) -> None:
    r = run("drill", "--scenario", "cfo-price-routing", "--rep-script", str(script), "--json", "--seed", "3")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert {"scenario_id", "outcome", "turns", "buyer_state", "scorecard"} <= set(data)
    assert data["scenario_id"] == "cfo-price-routing"
    assert data["scorecard"] is None or isinstance(data["scorecard"], dict)  # filled once grading runs
    assert data["outcome"] in ("agreed", "walked_away", "open")
    assert data["ended"].startswith(data["outcome"])
    roles = [t["role"] for t in data["turns"]]
    assert roles[0] == "buyer" and roles[1::2] == ["rep"] * (len(roles) // 2)
    assert data["turns"][1]["text"] == STRONG[0]  # blank lines are skipped
    assert {"resistance", "trust", "patience", "resolution", "stage"} <= set(data["buyer_state"])


def test_seed_changes_the_words_not_the_decisions(script: Path) -> None:
    a = json.loads(run("drill", "-s", "cfo-price-routing", "--rep-script", str(script), "--json",
                       "--seed", "1").stdout)
    b = json.loads(run("drill", "-s", "cfo-price-routing", "--rep-script", str(script), "--json",
                       "--seed", "2").stdout)
    assert a["buyer_state"] == b["buyer_state"]
    assert [t["text"] for t in a["turns"]] != [t["text"] for t in b["turns"]]


def test_a_scenario_file_nobody_has_seen(tmp_path: Path, script: Path) -> None:
    data = yaml.safe_load((BANK_DIR / "cfo-price-routing.yaml").read_text(encoding="utf-8"))
    data["id"] = "brand-new-scenario"
    data["buyer"]["name"] = "Morgan Alvarez"
    data["buyer"]["personality"] = "expressive"
    data["difficulty"] = "hard"
    data["buyer"]["resolution"] = ["The rep finds out what the board really needs",
                                   "The rep brings a story from a similar fleet"]
    data["buyer"].pop("next_step")
    path = tmp_path / "new.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    r = run("drill", "--scenario", str(path), "--rep-script", str(script), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["scenario_id"] == "brand-new-scenario"
    assert out["turns"][0]["text"].startswith("At $48k")


def test_plain_output_prints_the_conversation_and_outcome(script: Path) -> None:
    r = run("drill", "--scenario", "cfo-price-routing", "--rep-script", str(script))
    assert r.returncode == 0, r.stderr
    assert "Dana Whitfield:" in r.stdout and "Outcome:" in r.stdout


def test_a_buyer_who_ends_the_call_without_a_yes_is_told_apart_from_time_running_out(tmp_path: Path) -> None:
    """The buyer pockets a discount and ends the call: the outcome is still open (no deal, no walk-out), and
    the rep reads that the buyer ended it, as the app says."""
    offers = tmp_path / "offers.txt"
    offers.write_text("I can take 20% off the price if that helps.\nOkay, 25% off and the first month free.\n"
                      "Fine, 30% off, final offer.\n", encoding="utf-8")
    r = run("drill", "--scenario", "cfo-price-routing", "--rep-script", str(offers))
    assert r.returncode == 0, r.stderr
    assert "Outcome: open: the buyer ended the call without a commitment" in r.stdout
    r = run("drill", "--scenario", "cfo-price-routing", "--rep-script", str(offers), "--json")
    data = json.loads(r.stdout)
    assert data["outcome"] == "open"
    assert data["ended"] == "open: the buyer ended the call without a commitment"


def test_interactive_reads_lines_until_end(script: Path) -> None:
    r = run("drill", "--scenario", "cfo-price-routing", stdin="What's behind that?\n\n/end\n")
    assert r.returncode == 0, r.stderr
    assert "Outcome: open" in r.stdout
    assert "Say something" in r.stderr  # the blank line is refused with a message, not a traceback


@pytest.mark.parametrize(("args", "needle"), [
    (("--scenario", "no-such-scenario", "--rep-script", "{script}"), "No scenario"),
    (("--scenario", "cfo-price-routing", "--rep-script", "/nonexistent/rep.txt"), "not found"),
    (("--scenario", "cfo-price-routing", "--rep-script", "{script}", "--voice", "robot"), "--voice"),
    (("--scenario", "cfo-price-routing", "--rep-script", "{script}", "--voice", "llm"), "OPENAI"),
    (("--scenario", "cfo-price-routing", "--json"), "--rep-script"),
])
def test_errors_are_one_clear_line(args: tuple[str, ...], needle: str, script: Path) -> None:
    r = run("drill", *[a.replace("{script}", str(script)) for a in args])
    assert r.returncode == 1
    assert needle in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_too_long_line_in_a_script_is_reported(tmp_path: Path) -> None:
    p = tmp_path / "long.txt"
    p.write_text("x" * 2500 + "\n", encoding="utf-8")
    r = run("drill", "--scenario", "cfo-price-routing", "--rep-script", str(p), "--json")
    assert r.returncode == 1 and "2,000" in r.stderr
