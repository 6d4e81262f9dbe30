"""`scrimmage eval ...`: the buyer and grader evals (placeholders until their issues land)."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import fail

app = typer.Typer(help="Run the evals: buyer behaviour and grader agreement.", no_args_is_help=True)


@app.command("buyer")
def buyer() -> None:
    """Not available yet."""
    fail("'scrimmage eval buyer' is not available yet")


@app.command("grader")
def grader(
    grader_choice: str | None = typer.Option(None, "--grader", help="offline or llm (default: settings)."),
    split: str = typer.Option("test", "--split", help="dev (tune here), test (the bar) or all."),
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
    from .common import bank, console, settings

    if grader_choice not in (None, "offline", "llm"):
        fail(f"--grader must be 'offline' or 'llm', not {grader_choice!r}")
    if split not in ("dev", "test", "all"):
        fail(f"--split must be dev, test or all, not {split!r}")
    s = settings()
    if grader_choice is not None:
        s = s.model_copy(update={"grader": grader_choice})
    cases = grader_eval.load_cases(split)
    if not cases:
        fail(f"no labelled cases for split '{split}' in {grader_eval.DATA_DIR}")
    result = grader_eval.run_eval(get_grader(s, get_embedder(s)), bank(s), split, cases)
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
    console.print(f"Bar (Spearman ≥ {grader_eval.BAR['spearman']}, pairwise ≥ {grader_eval.BAR['pairwise']}, "
                  f"integrity): {verdict} — Spearman {rho}, pairwise {o['pairwise']:.3f}")
    if path is not None:
        console.print(f"Report: {path}")
