"""`scrimmage eval ...`: the buyer and grader evals (placeholders until their issues land)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .common import fail

app = typer.Typer(help="Run the evals: buyer behaviour and grader agreement.", no_args_is_help=True)


def eval_bank(base: Any, sealed: bool = False) -> Any:
    """The bank plus the scenarios that only eval sets use (buyer holdouts; the sealed set's on --sealed)."""
    from evals.registry import DATA_DIR

    from ..scenarios import load_scenarios

    dirs = sorted(DATA_DIR.glob("holdout*_scenarios"))
    if sealed:
        dirs.append(DATA_DIR / "sealed" / "scenarios")
    for path, scenario in load_scenarios(dirs)[0]:
        if scenario.id not in base:
            base.add(scenario, str(path))
    return base


def _write_calibration() -> None:
    import yaml

    from evals import grader as grader_eval

    from ..embeddings import get_embedder
    from ..grading.calibration import CALIBRATION_PATH
    from .common import console, settings, shipped_bank

    s = settings()
    data = grader_eval.fit_calibration(eval_bank(shipped_bank(s)), get_embedder(s))
    header = ("# The overall on the trainers' scale (coach_engine/grading/calibration.py): for each\n"
              "# mode, the calibrated overall at raw 0, 5, ..., 100.\n"
              "# Refit: scrimmage eval grader --calibrate\n")
    body = yaml.safe_dump(data, sort_keys=True, width=120, default_flow_style=None)
    CALIBRATION_PATH.write_text(header + body, encoding="utf-8")
    console.print(f"Wrote {CALIBRATION_PATH} ({data['cases']})")


@app.command("buyer")
def buyer(
    as_json: bool = typer.Option(False, "--json", help="Print the figures (and every miss) as JSON."),
    scripts: Path | None = typer.Option(None, "--scripts", help="Rep scripts JSONL (default: evals/data)."),
    report: Path | None = typer.Option(None, "--report", help="Also write a markdown report + chart here."),
) -> None:
    """Buyer behaviour: strong reps must win and every other style must fail, on >= 95% of scenarios."""
    import sys

    from rich.table import Table

    from evals import buyer as buyer_eval

    from ..embeddings import get_embedder
    from .common import console, print_json, settings, shipped_bank

    path = scripts or buyer_eval.SCRIPTS
    if not path.is_file():
        fail(f"rep scripts not found: {path}")
    cases = buyer_eval.load_cases(path)
    if not cases:
        fail(f"no rep scripts in {path}")
    s = settings()
    _, summary = buyer_eval.run_eval(cases, shipped_bank(s), get_embedder(s))
    written = buyer_eval.write_report(summary, report) if report is not None else None
    if written is not None and not as_json:
        console.print(f"Report: {written}", highlight=False)
    if as_json:
        print_json(summary.to_dict())
    else:
        table = Table("style", "cases", "right", "share", "agreed", "walked away", "open", "bar",
                      title=f"Buyer eval: {summary.cases} drills from {path.name}")
        for style, v in summary.by_style.items():
            table.add_row(style, str(v["cases"]), str(v["right"]), f"{v['share']:.0%}", str(v["agreed"]),
                          str(v["walked_away"]), str(v["open"]), "ok" if v["meets_bar"] else "[red]below[/]")
        console.print(table)
        t = summary.strong_turns
        console.print(f"Strong reps needed median {t['median']} / max {t['max']} rep turns to win.",
                      highlight=False)
        for m in summary.misses:
            unmet = "; ".join(m["unmet"]) or "—"
            console.print(f"[red]miss[/] {m['scenario']} · {m['style']}: expected {m['expect']}, got "
                          f"{m['outcome']} after {m['rep_turns']} turn(s); unmet: {unmet}", highlight=False)
        verdict = "[green]meets the bar[/]" if summary.meets_bar else "[red]below the bar[/]"
        console.print(f"{verdict} (every style right on >= {summary.bar:.0%} of scenarios)")
        for style, c in summary.closes.items():
            ok = "ok" if c["meets_bar"] else "[yellow]below[/]"
            console.print(f"Closes that fit: {style} ended {c['fitting']} in {c['count']}/{c['cases']} "
                          f"({c['share']:.0%}; bar {buyer_eval.CLOSE_BAR:.0%}) {ok}", highlight=False)
        r = summary.realism
        if r:
            counts = ", ".join(f"{k} {v}" for k, v in r["counts"].items())
            ok = "[green]clean[/]" if r["meets_bar"] else "[yellow]defects[/]"
            console.print(f"Realism lint over {r['buyer_lines']} buyer lines (bar 0 each): {ok} — {counts}",
                          highlight=False)
    if not summary.meets_bar:
        sys.stdout.flush()
        raise typer.Exit(1)


@app.command("grader")
def grader(
    grader_choice: str | None = typer.Option(None, "--grader", help="offline or llm (default: settings)."),
    split: str = typer.Option("test", "--split", help="A split from evals/registry.yaml, or all."),
    sealed: bool = typer.Option(False, "--sealed", help="Run the sealed set (once, when the work is done)."),
    calibrate: bool = typer.Option(False, "--calibrate", help="Refit the overall's calibration on dev."),
    report: Path | None = typer.Option(None, "--report", help="Write a markdown report and chart here."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
) -> None:
    """Grader agreement with trainer labels: Spearman, QWK, ±1 and pairwise accuracy, integrity bar."""
    import json
    import math
    import sys

    from rich.table import Table

    from evals import grader as grader_eval

    from ..embeddings import get_embedder
    from ..grading import get_grader
    from .common import console, settings, shipped_bank

    if grader_choice not in (None, "offline", "llm"):
        fail(f"--grader must be 'offline' or 'llm', not {grader_choice!r}")
    if calibrate:
        _write_calibration()
        return
    if sealed:
        split = "sealed"
    elif split not in grader_eval.SPLITS:
        fail(f"--split must be one of {', '.join(grader_eval.SPLITS)}, not {split!r}")
    s = settings()
    if grader_choice is not None:
        s = s.model_copy(update={"grader": grader_choice})
    cases = grader_eval.load_cases(split)
    if not cases:
        fail(f"no labelled cases for split '{split}' in {grader_eval.DATA_DIR}")
    result = grader_eval.run_eval(
        get_grader(s, get_embedder(s)), eval_bank(shipped_bank(s), sealed), split, cases
    )
    path = grader_eval.write_report(result, report) if report is not None else None
    if as_json:
        data = result.to_dict()
        data.pop("predictions")
        clean = json.loads(json.dumps(data, default=str).replace("NaN", "null"))
        if path is not None:
            clean["report"] = str(path)
        sys.stdout.write(json.dumps(clean, indent=2) + "\n")
        return
    table = Table("scope", "n", "Spearman", "QWK", "±1 acc", "pairwise",
                  title=f"Grader eval: {result.grader}, {split} split")
    for row in grader_eval.metric_rows(result):
        table.add_row(*row)
    console.print(table)
    for mode, m in result.integrity["modes"].items():
        status = "[green]met[/]" if m["passed"] else f"[red]NOT met[/] ({', '.join(m['offenders'])})"
        console.print(f"Integrity ({grader_eval.PLURAL[mode]}): {m['cases']} injection/stuffing cases, "
                      f"highest {m['max_integrity_score']} vs lowest genuine level-3 "
                      f"{m['min_genuine_level3']}: {status}")
    o = result.overall
    verdict = "[green]PASSED[/]" if result.passed else "[red]NOT MET[/]"
    rho = "n/a" if math.isnan(o["spearman"]) else f"{o['spearman']:.3f}"
    if o.get("spearman_ci"):
        rho += f" [{o['spearman_ci'][0]:.3f}, {o['spearman_ci'][1]:.3f}]"
    console.print(f"Bar (Spearman ≥ {grader_eval.BAR['spearman']}, pairwise ≥ {grader_eval.BAR['pairwise']}, "
                  f"integrity): {verdict} — Spearman {rho}, pairwise {o['pairwise']:.3f}"
                  + (f" [{o['pairwise_ci'][0]:.3f}, {o['pairwise_ci'][1]:.3f}]" if "pairwise_ci" in o else "")
                  + " (95% bootstrap intervals)")
    if path is not None:
        console.print(f"Report: {path}")
