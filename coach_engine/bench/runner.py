"""Run every benchmark group in order and assemble the figures, the table and the JSON.

Why one process, in this order: the embedding model is loaded once and shared
(as in the app), the cheap engine figures come first so a failure later
(a missing store, no browser) never costs them, and the cold start runs its
own ``streamlit`` subprocess so it is unaffected by what this process loaded.
Everything is written under a temporary work directory (SQLite files, Chroma,
the app's data dir), never the user's data directory.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core import CATALOG, BenchContext, Figure, describe_error, guarded, machine_info

__all__ = ["GROUPS", "BenchRun", "run_bench", "to_json", "write_outputs"]


@dataclass
class BenchRun:
    """Every figure of the catalog, plus what the machine was doing while they were taken."""

    figures: dict[str, Figure]
    quick: bool
    seconds: float = 0.0
    load_at_start: list[float] | None = None


_GROUP_FUNCTIONS = {
    "engine": (".engine_figures", "run_engine"),
    "embeddings": (".embedding_figures", "run_embeddings"),
    "index": (".index_figures", "run_index"),
    "leaderboard": (".leaderboard_figures", "run_leaderboard"),
    "load": (".load_figures", "run_load"),
    "coldstart": (".coldstart", "run_coldstart"),
    "llm": (".llm_cost", "run_llm"),
}
"""A group -> (its module in this package, its function)."""


def _group_runner(name: str) -> Callable[[BenchContext], dict[str, Figure]]:
    """Import a group lazily: a group whose own imports fail still reports its figures as errors."""
    module, function = _GROUP_FUNCTIONS[name]

    def run(ctx: BenchContext) -> dict[str, Figure]:
        figures: dict[str, Figure] = getattr(importlib.import_module(module, __package__), function)(ctx)
        return figures

    return run


GROUPS: tuple[str, ...] = ("engine", "llm", "embeddings", "leaderboard", "load", "index", "coldstart")


def _prepare_shared(ctx: BenchContext) -> None:
    """The bank and the loaded embedding model, shared by the groups that need them."""
    from ..embeddings import CachedEmbedder, LocalEmbedder
    from ..scenarios import ScenarioBank
    from ..settings import Settings

    settings = Settings(data_dir=ctx.workdir / "data")
    ctx.cache["bank"] = ScenarioBank.from_dirs(settings.scenario_dirs)
    embedder = CachedEmbedder(LocalEmbedder())
    t0 = time.perf_counter()
    embedder.embed(["load the model before anything is timed"])  # import torch + load + first encode
    ctx.cache["model_load_s"] = time.perf_counter() - t0
    ctx.cache["embedder"] = embedder


def run_bench(
    *,
    quick: bool = False,
    out_dir: Path | None = None,
    database_url: str | None = None,
    cache_dir: Path | None = None,
    groups: Sequence[str] | None = None,
    log: Callable[[str], None] = lambda _m: None,
    keep_workdir: bool = False,
) -> BenchRun:
    """Run the chosen groups (all by default); every figure of the catalog is in the result."""
    started = time.perf_counter()
    try:
        load_at_start: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load_at_start = None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    workdir = Path(tempfile.mkdtemp(prefix="scrimmage-bench-"))
    ctx = BenchContext(quick=quick, workdir=workdir, out_dir=out_dir, database_url=database_url,
                       cache_dir=cache_dir, log=log)
    chosen = list(groups or GROUPS)
    figures: dict[str, Figure] = {}
    try:
        try:
            _prepare_shared(ctx)
        except Exception as exc:
            message = f"the scenario bank or the embedding model did not load: {describe_error(exc)}"
            log(message)
            return BenchRun({n: Figure(n, error=message) for n in CATALOG}, quick, 0.0, load_at_start)
        for group in chosen:
            names = [n for n, spec in CATALOG.items() if spec.group == group]
            log(f"[{time.strftime('%H:%M:%S')}] {group}: {', '.join(names)}")
            t0 = time.perf_counter()
            figures.update(guarded(ctx, names, lambda g=group: _group_runner(g)(ctx)))  # type: ignore[misc]
            log(f"    done in {time.perf_counter() - t0:.1f} s")
        for name, spec in CATALOG.items():
            if name not in figures:
                figures[name] = Figure(name, error=f"not run (group '{spec.group}' was not selected)")
    finally:
        if not keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    return BenchRun({n: figures[n] for n in CATALOG}, quick, time.perf_counter() - started, load_at_start)


def to_json(run: BenchRun) -> dict[str, Any]:
    """The issue's JSON: each figure's name → {median, p95, unit, n, ...}, plus ``machine``."""
    out: dict[str, Any] = {name: fig.to_json() for name, fig in run.figures.items()}
    machine = machine_info()
    machine["mode"] = "quick" if run.quick else "full"
    machine["load_average_at_start"] = run.load_at_start
    machine["bench_seconds"] = round(run.seconds, 1)
    out["machine"] = machine
    return out


def write_outputs(data: dict[str, Any], out_dir: Path) -> list[Path]:
    """``bench.json``, ``figures.md`` and the growth chart in ``out_dir``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "bench.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    written = [path]
    from .charts import growth_chart
    from .report import markdown_table

    table = out_dir / "figures.md"
    table.write_text(markdown_table(data))
    written.append(table)

    chart = growth_chart(data, out_dir / "growth.png")
    if chart is not None:
        written.append(chart)
    return written
