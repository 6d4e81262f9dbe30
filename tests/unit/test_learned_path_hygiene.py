"""The learned reading stays learned: few hand-written patterns, and no eval text quoted in its code.

Issue 12's budget (200 patterns, 1,500 alternation branches in coach_engine) holds now that the rule
reading is retired; the learned path itself is held tighter, so the pile does not grow back into it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from evals.pattern_budget import count

REPO = Path(__file__).resolve().parents[2]
LEARNED_PATH = [REPO / "coach_engine" / "reading", REPO / "coach_engine" / "text.py",
                REPO / "coach_engine" / "structure.yaml", REPO / "coach_engine" / "signals.py",
                REPO / "coach_engine" / "grading" / "calibration.py"]
NOT_READING = {REPO / "coach_engine" / "reading" / "disguise.py"}
"""The disguise normaliser undoes encodings (lookalike letters, spacing, reversal) before anything is read;
issue 12 keeps it as it is, general, so its character classes count toward the engine's budget only."""


def _files() -> list[Path]:
    out: list[Path] = []
    for p in LEARNED_PATH:
        out.extend(sorted(p.rglob("*.py")) + sorted(p.rglob("*.yaml")) if p.is_dir() else [p])
    return [f for f in out if f not in NOT_READING]


def test_the_learned_path_holds_few_patterns(tmp_path: Path) -> None:
    for f in _files():
        dest = tmp_path / f.relative_to(REPO)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.read_bytes())
    per = count(tmp_path)
    patterns = sum(p for p, _ in per.values())
    branches = sum(b for _, b in per.values())
    # today 27 and 563, most in structure.yaml's word lists; session 26 added three (a step offered, and
    # what makes a time urgent: the guide's line between a proposal and pressure, which two data sets could
    # not teach the model, 288 of 292 labelled sentences agree with it; a figure of change, which makes a
    # claim quantified in 201 of 202 labelled claims)
    assert patterns <= 27 and branches <= 570, per


def test_the_engine_keeps_the_pattern_budget() -> None:
    per = count(REPO / "coach_engine")
    patterns = sum(p for p, _ in per.values())
    branches = sum(b for _, b in per.values())
    # The budget is 200 and 1,500; the stop hook's own counter has found about 30 more patterns than this
    # one (it counts differently), so this one holds a margin under it.
    assert patterns <= 165 and branches <= 1500, (patterns, branches)


def _runs(text: str, n: int = 5) -> set[str]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def _eval_runs(n: int) -> set[str]:
    """Every run of ``n`` words in the replies and turns of the eval sets."""
    evals: set[str] = set()
    for f in sorted((REPO / "evals" / "data").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts = [row.get("reply") or ""] + [t["text"] if isinstance(t, dict) else t
                                                    for t in row.get("turns") or []]
                for t in texts:
                    evals |= _runs(t, n)
    return evals


def test_no_eval_text_is_quoted_in_the_learned_path_or_its_tests() -> None:
    evals = _eval_runs(5)
    mine = _files() + sorted((REPO / "tests" / "unit").glob("test_reading_*.py"))  # not test_disguise.py
    hits = {f.name: sorted(_runs(f.read_text(encoding="utf-8")) & evals)[:3] for f in mine}
    assert not {k: v for k, v in hits.items() if v}


def test_no_engine_code_quotes_an_eval_text() -> None:
    """Issue 12: no eval text in engine code or docstrings (seven words in a row). The benchmark's
    synthetic replies (``bench/``) only time the engine; runs of single letters are the disguise alphabet."""
    evals = _eval_runs(7)
    engine = [f for f in sorted((REPO / "coach_engine").rglob("*.py")) if "bench" not in f.parts]
    hits = {f.name: [r for r in sorted(_runs(f.read_text(encoding="utf-8"), 7) & evals)
                     if any(len(w) > 1 for w in r.split())][:3] for f in engine}
    assert not {k: v for k, v in hits.items() if v}


def test_no_test_quotes_an_eval_text() -> None:
    """The tests hold ideas in their own words, never an eval set's (seven words in a row). A run that a
    scenario file holds too is the scenario's (a customer's result, a figure), which a test may quote."""
    scenario_runs: set[str] = set()
    data = REPO / "evals" / "data"
    files = [*(REPO / "scenarios").glob("*.yaml"), *data.glob("holdout*_scenarios/*.yaml")]
    for f in files:
        scenario_runs |= _runs(f.read_text(encoding="utf-8"), 7)
    quoted = {r for r in _eval_runs(7) - scenario_runs if any(len(w) > 1 for w in r.split())}
    hits = {f.name: sorted(_runs(f.read_text(encoding="utf-8"), 7) & quoted)[:3]
            for f in sorted((REPO / "tests").rglob("*.py"))}
    assert not {k: v for k, v in hits.items() if v}
