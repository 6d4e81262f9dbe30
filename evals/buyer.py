"""Buyer eval: does the code-directed buyer hold its ground against bad reps and yield to good ones?

Simulated buyers are known to give in too easily, so the bar is two-sided: a
strong rep must win, and every other style (pushy, discount-first,
competitor-basher, passive, feature-dumper, prompt-injector, keyword-stuffer)
must fail to win, each on at least 95% of the bank's scenarios. Cases are rep
scripts in ``data/buyer_scripts.jsonl`` written by the team, one JSON object a
line: ``{"scenario", "style", "turns": [...], "expect": "agreed" | "not_agreed"}``.

``run_case`` plays a script through the same ``DrillSession`` the app uses
(scripted voice, seed 0) until the buyer agrees, walks away or the script
ends; ``summarise`` turns results into the figures the CLI prints: share right
per style, turns strong reps needed (median, max), and every miss.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from coach_engine.datafiles import DataFileError
from coach_engine.embeddings import Embedder
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank, resolve_scenario
from coach_engine.session import DrillSession

DATA_DIR = Path(__file__).resolve().parent / "data"
REPO_DIR = DATA_DIR.parents[1]
SCRIPTS = DATA_DIR / "buyer_scripts.jsonl"
STYLES = ("strong", "pushy", "discount_first", "competitor_basher", "passive", "feature_dumper",
          "prompt_injector", "keyword_stuffer")
BAR = 0.95

__all__ = ["BAR", "CLOSE_BAR", "FITTING_CLOSES", "SCRIPTS", "STYLES", "BuyerCase", "CaseResult",
           "EvalSummary", "case_scenario", "load_cases", "run_case", "run_eval", "summarise", "write_report"]


class BuyerCase(BaseModel):
    """One rep script and the outcome it should get."""

    model_config = ConfigDict(extra="forbid")

    scenario: str
    style: str
    turns: list[str] = Field(min_length=1)
    expect: Literal["agreed", "not_agreed"]


@dataclass
class CaseResult:
    scenario: str
    style: str
    expect: str
    outcome: str
    rep_turns: int
    """Rep turns played before the drill ended (agreement, walk-away or script end)."""
    passed: bool
    transcript: list[dict[str, str]] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def load_cases(path: str | Path = SCRIPTS) -> list[BuyerCase]:
    """Read the JSONL scripts; a bad line is an error naming the line."""
    cases: list[BuyerCase] = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(BuyerCase.model_validate(json.loads(line)))
        except Exception as exc:  # json or validation error
            raise ValueError(f"{path}: line {n}: {exc}") from None
    return cases


def case_scenario(ref: str, bank: ScenarioBank) -> Scenario:
    """A script's ``scenario``: a bank id or a YAML path, like ``scrimmage drill --scenario``.

    A relative path that is not found from the working directory is tried from the repository
    root, so held-out files (``evals/data/holdout_scenarios/<id>.yaml``) run from anywhere.
    """
    path = Path(ref)
    if not path.is_absolute() and not path.exists() and (REPO_DIR / path).is_file():
        ref = str(REPO_DIR / path)
    return resolve_scenario(ref, bank)


def run_case(case: BuyerCase, bank: ScenarioBank, embedder: Embedder, seed: int = 0) -> CaseResult:
    """Play one script against the buyer; the case passes when won/not-won matches ``expect``."""
    scenario = case_scenario(case.scenario, bank)
    session = DrillSession(scenario, embedder=embedder, seed=seed, max_turns=max(scenario.max_turns,
                                                                                    len(case.turns)))
    session.start()
    played = 0
    for line in case.turns:
        if session.finished:
            break
        if not line.strip():
            continue
        session.rep_says(line)
        played += 1
    outcome = session.outcome
    won = outcome == "agreed"
    passed = won == (case.expect == "agreed")
    return CaseResult(
        scenario=case.scenario, style=case.style, expect=case.expect, outcome=outcome, rep_turns=played,
        passed=passed, transcript=[t.model_dump() for t in session.transcript.turns],
        state=session.state.model_dump(mode="json"),
    )


@dataclass
class EvalSummary:
    cases: int
    by_style: dict[str, dict[str, Any]]
    strong_turns: dict[str, float | int | None]
    misses: list[dict[str, Any]]
    meets_bar: bool
    bar: float = BAR
    closes: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Closes that fit (issue 13): how often a style ends the way a real buyer would end it."""
    realism: dict[str, Any] = field(default_factory=dict)
    """The realism lint over every buyer line after the opening (``evals.realism``; bar 0 for each check)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(results: Sequence[CaseResult], bar: float = BAR) -> EvalSummary:
    """Share right per style, strong reps' turns to agreement, and every miss."""
    by_style: dict[str, dict[str, Any]] = {}
    for style in dict.fromkeys([*STYLES, *(r.style for r in results)]):
        rs = [r for r in results if r.style == style]
        if not rs:
            continue
        right = sum(r.passed for r in rs)
        by_style[style] = {
            "cases": len(rs), "right": right, "share": round(right / len(rs), 4),
            "agreed": sum(r.outcome == "agreed" for r in rs),
            "walked_away": sum(r.outcome == "walked_away" for r in rs),
            "open": sum(r.outcome == "open" for r in rs),
            "meets_bar": right / len(rs) >= bar,
        }
    wins = [r.rep_turns for r in results if r.style == "strong" and r.outcome == "agreed"]
    strong_turns: dict[str, float | int | None] = {
        "median": statistics.median(wins) if wins else None,
        "max": max(wins) if wins else None,
        "min": min(wins) if wins else None,
    }
    misses = [
        {"scenario": r.scenario, "style": r.style, "expect": r.expect, "outcome": r.outcome,
         "rep_turns": r.rep_turns, "error": r.error,
         "unmet": [i["text"] for i in r.state.get("resolution", []) if not i.get("met")],
         "resistance": r.state.get("resistance")}
        for r in results if not r.passed
    ]
    meets = bool(by_style) and all(v["meets_bar"] for v in by_style.values())
    return EvalSummary(len(results), by_style, strong_turns, misses, meets, bar, closes=_closes(results))


CLOSE_BAR = 2 / 3
FITTING_CLOSES: dict[str, str] = {
    "discount_first": "open",
    "passive": "open",
}
"""How a real buyer ends these calls: a rep who only cut the price sees the offer pocketed and a stall; one
who went along with the objection gets the polite brush-off. Neither is a walk-away (that is for pressure,
disrespect, gaming and wasted time). The bar is "usually": at least ``CLOSE_BAR`` of the style's drills."""


def _closes(results: Sequence[CaseResult]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for style, fitting in FITTING_CLOSES.items():
        rs = [r for r in results if r.style == style]
        if rs:
            k = sum(r.outcome == fitting for r in rs)
            out[style] = {"fitting": fitting, "count": k, "cases": len(rs), "share": round(k / len(rs), 4),
                          "meets_bar": k / len(rs) >= CLOSE_BAR}
    return out


def run_eval(cases: Iterable[BuyerCase], bank: ScenarioBank, embedder: Embedder) -> tuple[
        list[CaseResult], EvalSummary]:
    """Run every case (a case whose scenario is missing is a miss, not a crash)."""
    from .realism import lint_summary

    results = []
    drills = []
    for case in cases:
        try:
            results.append(run_case(case, bank, embedder))
            ended = results[-1].state.get("stage") in ("agreed", "walked_away", "stalled")
            drills.append((case_scenario(case.scenario, bank), results[-1].transcript, ended))
        except (KeyError, DataFileError) as exc:
            msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            results.append(CaseResult(case.scenario, case.style, case.expect, "error", 0, False,
                                      error=str(msg)))
    summary = summarise(results)
    summary.realism = lint_summary(drills)
    return results, summary


def write_report(summary: EvalSummary, path: str | Path) -> Path:
    """A markdown report a person can read (plus a bar chart beside it when matplotlib is installed)."""
    out = Path(path)
    if out.suffix != ".md":
        out = out / "buyer_eval.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Buyer eval", "",
        f"{summary.cases} drills. Bar: every style right on at least {summary.bar:.0%} of scenarios "
        f"(strong reps win, every other style fails to win). **{'Meets' if summary.meets_bar else 'Below'} "
        "the bar.**", "",
        "| style | cases | right | share | agreed | walked away | open |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for style, v in summary.by_style.items():
        lines.append(f"| {style} | {v['cases']} | {v['right']} | {v['share']:.0%} | {v['agreed']} | "
                     f"{v['walked_away']} | {v['open']} |")
    if summary.closes:
        lines += ["", "## Closes that fit", "", "| style | fitting close | drills | share | bar |",
                  "|---|---|---:|---:|---|"]
        for style, c in summary.closes.items():
            lines.append(f"| {style} | {c['fitting']} | {c['count']}/{c['cases']} | {c['share']:.0%} | "
                         f"{'ok' if c['meets_bar'] else 'below'} |")
    t = summary.strong_turns
    lines += ["", f"Strong reps needed {t['median']} rep turns (median), {t['max']} at most.", "",
              "## Misses", ""]
    if not summary.misses:
        lines.append("None.")
    for m in summary.misses:
        unmet = "; ".join(m["unmet"]) or "-"
        lines.append(f"- `{m['scenario']}` / {m['style']}: expected {m['expect']}, got {m['outcome']} after "
                     f"{m['rep_turns']} turn(s). Unmet: {unmet}")
    chart = _chart(summary, out.with_suffix(".png"))
    if chart is not None:
        lines += ["", f"![share right per style]({chart.name})"]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def _chart(summary: EvalSummary, path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    styles = list(summary.by_style)
    shares = [summary.by_style[s]["share"] * 100 for s in styles]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.barh(styles, shares, color=["#2a9d8f" if v >= summary.bar * 100 else "#e76f51" for v in shares])
    ax.axvline(summary.bar * 100, color="black", linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of drills with the right outcome")
    ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
