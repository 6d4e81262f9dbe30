"""Nothing is lost: a drill process killed with SIGKILL mid-way resumes with every turn intact.

A child process drives a real ``DrillSession`` whose ``on_turn`` is the store's
turn recorder and prints each turn once ``on_turn`` has returned. The test
kills it (no exception, no cleanup) after a few turns, then resumes the drill
in this process from the stored turns and finishes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("coach_engine.session", reason="DrillSession (issue 3) is not in this tree yet")

from coach_engine.buyer.scripted import ScriptedVoice
from coach_engine.embeddings import HashEmbedder
from coach_engine.models import Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.session import DrillSession
from coach_engine.store import SYSTEM, Store

REP_LINES = [
    "That's fair, Dana. Before I defend the number, what makes $48k feel high right now?",
    "So the board froze new software after the ERP rollout. What would they need to approve a pilot?",
    "Hartley Freight took $210k off its first-year costs, mainly fuel, which drops 12-18% in a quarter.",
    "What if we scoped a paid 90-day pilot on 20 trucks, with a fuel target the board signs off first?",
    "Can I get half an hour with your controller on Thursday to plan that pilot?",
    "Apart from that, what else could keep this from reaching the board?",
]

CHILD = textwrap.dedent(
    """
    import sys, time
    from coach_engine.buyer.scripted import ScriptedVoice
    from coach_engine.embeddings import HashEmbedder
    from coach_engine.scenarios import ScenarioBank
    from coach_engine.session import DrillSession
    from coach_engine.store import Store

    url, email, attempt_id, bank_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    lines = sys.argv[5:]
    store = Store.open(url)
    rep = store.login(email)
    scenario = ScenarioBank.from_dirs([bank_dir]).get("cfo-price-routing")
    recorder = store.turn_recorder(attempt_id, rep)

    def on_turn(event):
        recorder(event)
        if not event.update:
            print(f"SAVED {event.index} {event.role}", flush=True)

    drill = DrillSession(scenario, embedder=HashEmbedder(), voice=ScriptedVoice(0), on_turn=on_turn)
    drill.start()
    for line in lines:
        drill.rep_says(line)
        time.sleep(0.3)
    print("DONE", flush=True)
    time.sleep(600)
    """
)


def test_killed_drill_resumes_with_every_turn(db_url: str, tmp_path: Path, bank: ScenarioBank) -> None:
    from tests.conftest import BANK_DIR

    store = Store.open(db_url)
    rep = store.add_user(SYSTEM, "rob@falcons.test", "Rob Rep", "rep", "Falcons")
    scenario = bank.get("cfo-price-routing")
    attempt = store.start_attempt(rep, scenario)
    script = tmp_path / "child_drill.py"
    script.write_text(CHILD)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen(
        [sys.executable, str(script), db_url, rep.email, str(attempt.id), str(BANK_DIR), *REP_LINES],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    saved: list[str] = []
    deadline = time.monotonic() + 120
    try:
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if line.startswith("SAVED"):
                saved.append(line.strip())
            if len(saved) >= 5:  # opening + two full exchanges: the drill is mid-way
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert len(saved) >= 5, f"child stopped early: {proc.stderr.read() if proc.stderr else ''}"

    stored = store.turns(rep, attempt.id)
    assert [f"SAVED {t.index} {t.role}" for t in stored][
        : len(saved)
    ] == saved  # every confirmed turn is there
    assert [t.index for t in stored] == list(range(len(stored)))  # in order, no gaps
    assert stored[0].text == scenario.buyer.opening
    rep_texts = [t.text for t in stored if t.role == "rep"]
    assert rep_texts == REP_LINES[: len(rep_texts)]
    assert store.get_attempt(rep, attempt.id).status == "in_progress"
    assert [a.id for a in store.open_attempts(rep)] == [attempt.id]

    # Resume in this process from what the store holds, and finish the drill.
    recorder = store.turn_recorder(attempt.id, rep)
    turns = store.transcript_turns(rep, attempt.id)
    drill = DrillSession.resume(
        scenario, turns, embedder=HashEmbedder(), voice=ScriptedVoice(0), on_turn=recorder
    )
    assert drill.transcript.turns[: len(turns)] == turns
    for line in REP_LINES[len(rep_texts) :]:
        if drill.finished:
            break
        drill.rep_says(line)
    final = store.transcript_turns(rep, attempt.id)
    assert final == drill.transcript.turns
    assert [t.text for t in final if t.role == "rep"][: len(rep_texts)] == rep_texts
    assert all(isinstance(t, Turn) for t in final)
    store.close()
