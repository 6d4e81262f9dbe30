"""Figures, timing and failure isolation: what every benchmark group shares.

Why this shape: the suite measures parts that other engineers are still
building, and a benchmark that dies with a traceback tells nobody anything.
So every figure has a fixed name registered in ``CATALOG`` up front, each
group runs inside ``guarded`` and a group that cannot run (its module is not
there yet, or it raised) still reports every one of its figures, each with an
``error`` saying why. The JSON shape per figure is ``{"median", "p95",
"unit", "n"}`` (issue 7) plus optional context: ``size`` (what was measured
on, e.g. stored replies), ``note``, ``budget``/``met``, and ``series`` (how
the cost grows with size, for the chart).
Percentiles are numpy's (linear interpolation, numpy's default).
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..errors import ScrimmageError

T = TypeVar("T")

__all__ = [
    "CATALOG",
    "BenchContext",
    "Capped",
    "Figure",
    "FigureSpec",
    "Measure",
    "MissingPart",
    "Stopwatch",
    "guarded",
    "machine_info",
    "measured",
    "percentile",
    "require",
    "time_calls",
]


@dataclass(frozen=True)
class FigureSpec:
    """A figure the suite always reports: its name, unit, what it means and its budget."""

    name: str
    unit: str
    group: str
    label: str
    budget: float | None = None
    """The issue's budget for the figure's p95 (or median for counts), in ``unit``."""
    budget_on: str = "p95"
    higher_is_better: bool = False


def _specs(*specs: FigureSpec) -> dict[str, FigureSpec]:
    return {s.name: s for s in specs}


CATALOG: dict[str, FigureSpec] = _specs(
    FigureSpec("buyer_turn_offline", "ms", "engine", "Offline buyer turn (signals + director + voice)",
               20.0),  # issue 13 (issue 7 asked 50 ms)
    FigureSpec("grade_transcript_10_turns", "ms", "engine", "Offline grading, 10-turn transcript", 300.0),
    FigureSpec("grade_reply", "ms", "engine", "Offline grading, single reply"),
    FigureSpec("reading_turn_learned", "ms", "engine", "Learned turn reading, 3 sentences (warm)", 25.0),
    FigureSpec("grade_batch_throughput", "replies/s", "engine", "Offline grading, batch throughput",
               higher_is_better=True),
    FigureSpec("embedding_load", "s", "embeddings", "Embedding model load (fresh process)"),
    FigureSpec("embedding_throughput", "sentences/s", "embeddings", "Embedding throughput (batches of 64)",
               higher_is_better=True),
    FigureSpec("embedding_query", "ms", "embeddings", "Embedding one query sentence"),
    FigureSpec("index_add_10k", "replies/s", "index", "Attempt index add throughput, 10k replies",
               higher_is_better=True),
    FigureSpec("index_query_10k", "ms", "index", "Team's best replies query, 10k stored"),
    FigureSpec("index_add_100k", "replies/s", "index", "Attempt index add throughput, 100k replies",
               higher_is_better=True),
    FigureSpec("index_query_100k", "ms", "index", "Team's best replies query, 100k stored", 50.0),
    FigureSpec("leaderboard_sqlite", "ms", "leaderboard", "Weekly leaderboard, 1,000 reps, SQLite", 200.0),
    FigureSpec("leaderboard_postgres", "ms", "leaderboard", "Weekly leaderboard, 1,000 reps, PostgreSQL",
               200.0),
    FigureSpec("load_drill_sqlite", "s", "load",
               "A whole drill (4 replies, graded, indexed), 20 at once, SQLite"),
    FigureSpec("load_turn_write_sqlite", "ms", "load", "One turn's write while 20 drills run, SQLite"),
    FigureSpec("load_drill_postgres", "s", "load",
               "A whole drill (4 replies, graded, indexed), 20 at once, PostgreSQL"),
    FigureSpec("load_turn_write_postgres", "ms", "load", "One turn's write while 20 drills run, PostgreSQL"),
    FigureSpec("cold_start_first_paint", "s", "coldstart", "streamlit run → Practice page rendered", 5.0),
    FigureSpec("sign_in_to_first_buyer_line", "s", "coldstart", "Sign-in → first buyer line"),
    FigureSpec("llm_calls_per_buyer_turn", "calls", "llm", "LLM chat calls per buyer turn", 1.0,
               budget_on="max"),
    FigureSpec("llm_prompt_tokens_per_buyer_turn", "tokens", "llm", "Prompt tokens per buyer turn"),
    FigureSpec("llm_prompt_tokens_turn_10", "tokens", "llm", "Prompt tokens of the buyer turn at turn 10",
               2000.0, budget_on="max"),
    FigureSpec("llm_calls_per_grading", "calls", "llm", "LLM chat calls per 10-turn grading", 1.0,
               budget_on="max"),
    FigureSpec("llm_prompt_tokens_per_grading", "tokens", "llm", "Prompt tokens per 10-turn grading"),
)


def percentile(values: Sequence[float], q: float) -> float:
    """``numpy.percentile`` with its default linear interpolation; ValueError when there are no samples.

    numpy is imported here, not at the top: every ``scrimmage`` command imports this module for ``CATALOG``.
    """
    if not values:
        raise ValueError("no samples")
    import numpy as np

    return float(np.percentile(values, q, method="linear"))


@dataclass
class Figure:
    """One measured figure: samples in the spec's unit, or an error saying why there are none."""

    name: str
    samples: list[float] = field(default_factory=list)
    error: str | None = None
    size: int | None = None
    note: str = ""
    series: list[tuple[float, float]] = field(default_factory=list)
    """(size, median) points showing how the cost grows (turn index, stored replies, reps)."""
    series_x: str = ""

    @property
    def spec(self) -> FigureSpec:
        return CATALOG[self.name]

    @property
    def median(self) -> float:
        return float(statistics.median(self.samples))

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95)

    @property
    def met(self) -> bool | None:
        spec = self.spec
        if spec.budget is None or self.error or not self.samples:
            return None
        value = max(self.samples) if spec.budget_on == "max" else self.p95
        return value >= spec.budget if spec.higher_is_better else value <= spec.budget

    def to_json(self) -> dict[str, Any]:
        if self.error is not None or not self.samples:
            return {"error": self.error or "no samples were taken", "unit": self.spec.unit}
        out: dict[str, Any] = {
            "median": _round(self.median),
            "p95": _round(self.p95),
            "unit": self.spec.unit,
            "n": len(self.samples),
        }
        if self.size is not None:
            out["size"] = self.size
        if self.spec.budget is not None:
            out["budget"] = self.spec.budget
            out["met"] = self.met
        if self.note:
            out["note"] = self.note
        if self.series:
            out["series"] = {"x": self.series_x, "points": [[_round(x), _round(y)] for x, y in self.series]}
        return out


def _round(value: float) -> float:
    if value == int(value):
        return float(int(value))
    return round(value, 3 if abs(value) < 100 else 1)


class MissingPart(ScrimmageError, RuntimeError):
    """A part the figure measures is not in the codebase yet."""


def require(module: str, *names: str, why: str = "") -> Any:
    """Import ``module`` (and check it has ``names``), or raise ``MissingPart`` saying what is missing."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise MissingPart(f"not there yet: {module} cannot be imported ({exc}){why and ' — ' + why}") from exc
    absent = [n for n in names if not hasattr(mod, n)]
    if absent:
        raise MissingPart(f"not there yet: {module} has no {', '.join(absent)}{why and ' — ' + why}")
    return mod


def describe_error(exc: BaseException) -> str:
    """One line: the exception and the innermost frame of our own code that raised it."""
    if isinstance(exc, MissingPart):
        return str(exc)
    where = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if "coach_engine" in frame.filename or "app_pages" in frame.filename:
            where = f" (at {Path(frame.filename).name}:{frame.lineno})"
            break
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return f"failed: {type(exc).__name__}: {text}{where}"


@dataclass
class BenchContext:
    """What a group gets: sizes (quick or full), where to work, and shared lazily built parts."""

    quick: bool
    workdir: Path
    out_dir: Path | None = None
    database_url: str | None = None
    cache_dir: Path | None = None
    """Where the synthetic stores (index fills, leaderboard databases) persist between runs, if anywhere."""
    log: Callable[[str], None] = lambda _msg: None
    cache: dict[str, Any] = field(default_factory=dict)

    def store_dir(self, name: str) -> Path:
        """A folder for a synthetic store: reused from ``cache_dir`` (per mode) when given, else temporary."""
        base = (self.cache_dir / ("quick" if self.quick else "full")) if self.cache_dir else self.workdir
        path = base / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def size(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def capped(self, items: Iterable[T], *, full_s: float, quick_s: float, min_n: int = 3) -> Capped[T]:
        """Iterate ``items`` until a time cap (so ``--quick`` stays under two minutes on a busy machine)."""
        return Capped(items, quick_s if self.quick else full_s, min_n)


class Capped(Generic[T]):
    """Yields items until ``seconds`` have passed (always at least ``min_n``); records if it stopped early."""

    def __init__(self, items: Iterable[T], seconds: float, min_n: int = 3):
        self.items = items
        self.seconds = seconds
        self.min_n = min_n
        self.taken = 0
        self.stopped_early = False

    def __iter__(self) -> Iterator[T]:
        deadline = time.monotonic() + self.seconds
        for item in self.items:
            if self.taken >= self.min_n and time.monotonic() > deadline:
                self.stopped_early = True
                return
            self.taken += 1
            yield item

    def note(self) -> str:
        return f"; stopped at the {self.seconds:.0f} s time cap" if self.stopped_early else ""


def guarded(
    ctx: BenchContext, names: Sequence[str], run: Callable[[], dict[str, Figure]]
) -> dict[str, Figure]:
    """Run one group; whatever happens, return a Figure for every one of ``names``."""
    try:
        got = run()
    except Exception as exc:
        message = describe_error(exc)
        ctx.log(f"  {', '.join(names)}: {message}")
        return {n: Figure(n, error=message) for n in names}
    for n in names:
        if n not in got:
            got[n] = Figure(n, error="not measured (the group returned no value for it)")
    return got


Measure = Callable[[BenchContext], Figure | tuple[Figure, ...]]
"""A function measuring one or more figures."""


def measured(ctx: BenchContext, names: Sequence[str], measure: Measure) -> dict[str, Figure]:
    """The figures ``measure`` returns, by name; if it fails, each of ``names`` says why.

    So the figures of one group fail on their own: a broken measure costs only its own figures.
    """
    try:
        got = measure(ctx)
    except Exception as exc:
        message = describe_error(exc)
        return {n: Figure(n, error=message) for n in names}
    return {f.name: f for f in (got if isinstance(got, tuple) else (got,))}


def time_calls(fn: Callable[[], object], n: int, warmup: int = 1) -> list[float]:
    """Wall time of ``n`` calls of ``fn`` in milliseconds (after ``warmup`` untimed calls)."""
    for _ in range(warmup):
        fn()
    gc.collect()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


class Stopwatch:
    """``with sw.lap(): ...`` appends the block's wall time in milliseconds to ``sw.laps``."""

    def __init__(self) -> None:
        self.laps: list[float] = []

    @contextmanager
    def lap(self) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.laps.append((time.perf_counter() - t0) * 1000.0)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    """The ``machine`` entry: enough to tell whether two runs are comparable."""
    mem_gb: float | None = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem_gb = round(pages / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    try:
        load: list[float] | None = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": load,
    }
