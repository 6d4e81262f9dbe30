"""`scrimmage grade` from the outside: reply, transcript file, batch JSONL, readable output, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import BANK_DIR

REPLY = "That's fair, Dana. What's behind the budget number? Does that make sense as a start?"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SCRIMMAGE_EMBEDDING_BACKEND="hash", COLUMNS="120")
    return subprocess.run([sys.executable, "-c", "from coach_engine.cli import main; main()", "grade", *args],
                          capture_output=True, text=True, timeout=120, env=env)


def transcript_file(tmp_path: Path, data: object, name: str = "t.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


TURNS = [{"role": "buyer", "text": "At $48k a year this is way over what we set aside."},
         {"role": "rep", "text": REPLY},
         {"role": "buyer", "text": "The board froze new software spend."},
         {"role": "rep", "text": "Can your controller and I grab half an hour on Tuesday at 10?"}]


def test_reply_json_is_a_scorecard_and_deterministic() -> None:
    a = run("--scenario", "cfo-price-routing", "--reply", REPLY, "--json")
    assert a.returncode == 0, a.stderr
    card = json.loads(a.stdout)
    assert card["mode"] == "reply" and card["scenario_id"] == "cfo-price-routing"
    assert 0 <= card["overall"] <= 100 and {s["id"] for s in card["skills"]} >= {"explore", "delivery"}
    b = run("--scenario", "cfo-price-routing", "--reply", REPLY, "--json")
    assert a.stdout == b.stdout


def test_transcript_file_with_scenario_path_and_readable_output(tmp_path: Path) -> None:
    path = transcript_file(tmp_path, {"scenario": "cfo-price-routing", "turns": TURNS, "outcome": "agreed"})
    r = run("--transcript", str(path), "--scenario", str(BANK_DIR / "cfo-price-routing.yaml"))
    assert r.returncode == 0, r.stderr
    for text in ("Overall:", "Listen and acknowledge", "/5", "Delivery", "outcome: agreed"):
        assert text in r.stdout
    if "Improvements" in r.stdout:
        assert "Try instead:" in r.stdout
    # quotes are placed by the rep's own reply count (the second reply is transcript turn 3)
    assert "reply 2" in r.stdout and "turn 3" not in r.stdout


def test_bad_transcript_files_get_clear_messages(tmp_path: Path) -> None:
    cases = {
        "missing.json": (None, "not found"),
        "bad.json": ("{not json", "not valid JSON"),
        "role.json": ({"scenario": "cfo-price-routing", "turns": [{"role": "coach", "text": "x"}]},
                      "turns.0.role"),
        "norep.json": ({"scenario": "cfo-price-routing", "turns": TURNS[:1]}, "no rep turns"),
        "noturns.json": ({"scenario": "cfo-price-routing"}, "missing 'turns'"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name if data is None else transcript_file(tmp_path, data, name)
        r = run("--transcript", str(path))
        assert r.returncode == 1, name
        assert message in r.stderr, (name, r.stderr)
        assert "Traceback" not in r.stderr + r.stdout


def test_usage_errors() -> None:
    assert "exactly one of" in run("--scenario", "cfo-price-routing").stderr
    assert "--reply needs --scenario" in run("--reply", "hi").stderr
    r = run("--scenario", "no-such-scenario", "--reply", "hi")
    assert r.returncode == 1 and "No scenario with id" in r.stderr
    bad = run("--scenario", "cfo-price-routing", "--reply", "x", "--grader", "gpt")
    assert "--grader must be" in bad.stderr
    llm = run("--scenario", "cfo-price-routing", "--reply", "x", "--grader", "llm")
    assert llm.returncode == 1 and "OPENAI_API_KEY" in llm.stderr


def test_batch_outputs_one_line_per_input_in_order_with_error_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"scenario": "cfo-price-routing", "reply": REPLY}),
        "{broken",
        json.dumps({"scenario": "cfo-price-routing", "turns": TURNS}),
        json.dumps({"scenario": "nope", "reply": "x"}),
        "",
        json.dumps({"scenario": "dental-price-scheduling", "reply": "ok", "turns": []}),
        json.dumps({"scenario": str(BANK_DIR / "dental-price-scheduling.yaml"),
                    "reply": "What's behind that?"}),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run("--batch", str(path), "--json")
    assert r.returncode == 1  # some lines were bad
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 6
    assert out[0]["mode"] == "reply" and out[2]["mode"] == "transcript"
    assert out[1]["line"] == 2 and "not valid JSON" in out[1]["error"]
    assert out[3]["line"] == 4 and "nope" in out[3]["error"]
    assert out[4]["line"] == 6 and "exactly one of" in out[4]["error"]
    assert out[5]["scenario_id"] == "dental-price-scheduling"
    single = run("--scenario", "cfo-price-routing", "--reply", REPLY, "--json")
    assert json.loads(single.stdout) == out[0]


def test_a_batch_line_with_bad_bytes_or_half_a_character_is_reported_and_the_rest_graded(
    tmp_path: Path
) -> None:
    good = json.dumps({"scenario": "cfo-price-routing", "reply": REPLY}).encode()
    not_utf8 = b'{"scenario": "cfo-price-routing", "reply": "caf\xe9 \xff"}'
    half = json.dumps({"scenario": "cfo-price-routing", "reply": "\ud800" + REPLY}).encode()
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\n".join([good, not_utf8, half, good]) + b"\n")
    r = run("--batch", str(path), "--json")
    assert r.returncode == 1
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o.get("line") for o in out] == [None, 2, 3, None]
    assert out[1]["error"] == "not UTF-8 text (byte 0xe9 at column 48); save the file as UTF-8"
    assert "lone surrogate" in out[2]["error"] and "\\ud800" in out[2]["error"]
    assert out[0] == out[3] and out[0]["scenario_id"] == "cfo-price-routing"


def test_drill_json_includes_the_scorecard(tmp_path: Path) -> None:
    script = tmp_path / "rep.txt"
    lines = ["That's fair, Dana. What's behind the number?",
             "Would Tuesday at 10 work for a half-hour call with your controller?"]
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = dict(os.environ, SCRIMMAGE_EMBEDDING_BACKEND="hash")
    r = subprocess.run([sys.executable, "-c", "from coach_engine.cli import main; main()", "drill",
                        "--scenario", "cfo-price-routing", "--rep-script", str(script), "--json"],
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    card = data["scorecard"]
    assert card["scenario_id"] == "cfo-price-routing" and card["mode"] == "transcript"
    assert card["outcome"] == data["outcome"]
    for skill in card["skills"]:
        for check in skill["checks"]:
            for ev in check["evidence"]:
                assert ev["quote"] in data["turns"][ev["turn"]]["text"]
