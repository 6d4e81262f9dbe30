"""`scrimmage bench`: the benchmark suite for every hot path (issue 7).

A command, not timed tests: figures depend on the machine, so the suite
reports them (a table, or one JSON object with ``--json``) and marks budgets
met or missed instead of failing. Progress goes to stderr so ``--json``
stdout stays one parseable object. The measuring lives in
``coach_engine.bench``; this module only parses options and prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ..bench.report import _fmt
from .common import console, err_console, print_json


def _table(data: dict[str, Any]) -> None:
    from rich.table import Table

    from ..bench.core import CATALOG

    machine = data["machine"]
    title = (f"scrimmage bench ({machine['mode']}) — {machine['cpu_count']} × {machine['cpu_model']}, "
             f"Python {machine['python']}, load average {machine.get('load_average')}")
    table = Table(title=title, title_justify="left")
    for col, justify in (("figure", "left"), ("median", "right"), ("p95", "right"), ("unit", "left"),
                         ("n", "right"), ("budget", "left"), ("notes", "left")):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for name, spec in CATALOG.items():
        fig = data[name]
        if "error" in fig:
            table.add_row(name, "—", "—", spec.unit, "0", "", f"[red]{fig['error']}[/]")
            continue
        budget = ""
        if "budget" in fig:
            mark = "[green]met[/]" if fig["met"] else "[red]MISSED[/]"
            op = "≥" if spec.higher_is_better else "≤"
            budget = f"{spec.budget_on} {op} {_fmt(fig['budget'])} {mark}"
        notes = fig.get("note", "")
        if "size" in fig:
            notes = f"size {fig['size']:,}; {notes}" if notes else f"size {fig['size']:,}"
        table.add_row(name, _fmt(fig["median"]), _fmt(fig["p95"]), fig["unit"], str(fig["n"]), budget, notes)
    console.print(table)


def bench(
    quick: bool = typer.Option(False, "--quick", help="Smaller sizes and fewer repeats (under two minutes)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
    out: Path | None = typer.Option(None, "--out", help="Also write bench.json and the growth chart here."),
    database_url: str | None = typer.Option(
        None, "--database-url", help="Also measure the leaderboard on this PostgreSQL URL (postgresql+psycopg://...)."
    ),
    cache_dir: Path | None = typer.Option(
        None, "--cache-dir", help="Keep the synthetic stores (index, leaderboard databases) here and "
                                  "reuse them next time instead of rebuilding (same data, same queries)."),
    only: list[str] = typer.Option([], "--only", help="Run only these groups (engine, llm, embeddings, load, "
                                                      "leaderboard, index, coldstart); repeatable."),
) -> None:
    """Measure every hot path against its budget: buyer turn, grading, embeddings, stores, app, LLM cost."""
    from ..bench.runner import GROUPS, run_bench, to_json, write_outputs

    unknown = [g for g in only if g not in GROUPS]
    if unknown:
        from .common import fail

        fail(f"unknown group(s) {', '.join(unknown)}; choose from {', '.join(GROUPS)}")

    def log(message: str) -> None:
        err_console.print(message, style="dim", highlight=False, soft_wrap=True)

    if quick:
        log("quick mode: smaller sizes (index 500/1,500 replies, 40 reps), fewer repeats, time caps; "
            "figure names stay the same and each figure's note says QUICK where the size differs")
    run = run_bench(quick=quick, out_dir=out, database_url=database_url, cache_dir=cache_dir,
                    groups=only or None, log=log)
    data = to_json(run)
    if out is not None:
        for path in write_outputs(data, out):
            log(f"wrote {path}")
    if as_json:
        print_json(data)
    else:
        _table(data)
