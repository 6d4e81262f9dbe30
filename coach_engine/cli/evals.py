"""`scrimmage eval ...`: the buyer and grader evals (placeholders until their issues land)."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import fail

app = typer.Typer(help="Run the evals: buyer behaviour and grader agreement.", no_args_is_help=True)


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
    from .common import bank, console, print_json, settings

    path = scripts or buyer_eval.SCRIPTS
    if not path.is_file():
        fail(f"rep scripts not found: {path}")
    cases = buyer_eval.load_cases(path)
    if not cases:
        fail(f"no rep scripts in {path}")
    s = settings()
    _, summary = buyer_eval.run_eval(cases, bank(s), get_embedder(s))
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
    if not summary.meets_bar:
        sys.stdout.flush()
        raise typer.Exit(1)


@app.command("grader")
def grader(
    grader_choice: str | None = typer.Option(None, "--grader", help="offline or llm (default: settings)."),
    split: str = typer.Option("test", "--split", help="dev, test, holdout, holdout2, redteam(2), all."),
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
    if split not in grader_eval.SPLITS:
        fail(f"--split must be one of {', '.join(grader_eval.SPLITS)}, not {split!r}")
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
