"""Many drills at once on one store: nothing lost or twice, and what each part costs under contention.

Issue 14 asks for 20 concurrent drills with their real stores, on SQLite and
on PostgreSQL. ``concurrent_drills`` runs them the way the app does, one
thread per rep (Streamlit runs each browser session's script in its own
thread), through the same ``drill_record.DrillRecord`` the page uses: the
attempt opened, a ``DrillSession`` whose every turn is written as it happens,
the offline grader, then complete, index the replies and enrich the card. All
threads start together behind a barrier. ``problems`` then checks what the
store holds against what each rep sent: every reply stored once, in order,
every attempt completed with its grade, every reply in the index.

The integration test (``tests/integration/test_load_concurrent_drills.py``)
asserts that behaviour and compares the leaderboard with one recomputed from
the attempts; ``scrimmage bench`` reports the times (a drill end to end, a
turn write), which only mean something next to the machine line.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import Scenario
from .core import BenchContext, Figure, describe_error
from .data import ten_turn_script

__all__ = ["LoadRun", "concurrent_drills", "problems", "run_load"]

REPLIES_PER_DRILL = 4


@dataclass
class LoadRun:
    """What the threads did: per attempt, the rep lines sent; the timings; any error, per thread."""

    sent: dict[int, list[str]] = field(default_factory=dict)
    overall: dict[int, int] = field(default_factory=dict)
    drill_s: list[float] = field(default_factory=list)
    turn_write_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def concurrent_drills(
    store: Any, index: Any, embedder: Any, grader: Any, reps: Sequence[Any], scenarios: Sequence[Scenario],
    *, replies: int = REPLIES_PER_DRILL, seed: int = 0,
) -> LoadRun:
    """One drill per rep, all at once (a thread each), through the app's own path; see the module doc."""
    from ..buyer.scripted import ScriptedVoice
    from ..drill_record import DrillRecord
    from ..session import DrillSession

    run = LoadRun()
    lock = threading.Lock()
    gate = threading.Barrier(len(reps))

    def drill(i: int, rep: Any) -> None:
        scenario = scenarios[i % len(scenarios)]
        try:
            gate.wait(timeout=120)
            t0 = time.perf_counter()
            record = DrillRecord.start(store, rep, scenario, voice="offline", grader=grader.name)
            laps: list[float] = []

            def timed(event: Any) -> None:
                t1 = time.perf_counter()
                record(event)
                laps.append((time.perf_counter() - t1) * 1000.0)

            session = DrillSession(scenario, embedder=embedder, voice=ScriptedVoice(seed + i), seed=seed + i,
                                   max_turns=max(replies, 2), on_turn=timed)
            session.start()
            said: list[str] = []
            for line in ten_turn_script(scenario, seed + i)[:replies]:
                if session.finished:
                    break
                session.rep_says(line)
                said.append(line)
            session.end()
            card = record.finish(grader.grade(scenario, session.transcript, session.outcome), index, scenario)
            with lock:
                run.sent[record.attempt_id] = said
                run.overall[record.attempt_id] = card.overall
                run.drill_s.append(time.perf_counter() - t0)
                run.turn_write_ms.extend(laps)
        except Exception as exc:  # reported, never lost: the checks count it as a failed drill
            with lock:
                run.errors.append(f"rep {rep.email}: {describe_error(exc)}")

    threads = [threading.Thread(target=drill, args=(i, rep), name=f"drill-{i}") for i, rep in enumerate(reps)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - t0
    return run


def problems(store: Any, index: Any, reps: Sequence[Any], run: LoadRun) -> list[str]:
    """Everything the store and the index hold that differs from what the reps did (empty: all kept)."""
    from ..store import SYSTEM

    out = list(run.errors)
    if len(run.sent) != len(reps):
        out.append(f"{len(reps)} drills ran, {len(run.sent)} finished")
    unindexed: list[int] = []
    for attempt_id, said in run.sent.items():
        attempt = store.get_attempt(SYSTEM, attempt_id)
        stored = [t.text for t in store.turns(SYSTEM, attempt_id) if t.role == "rep"]
        if stored != said:
            how = "in another order" if sorted(stored) == sorted(said) else "lost or duplicated"
            out.append(f"attempt {attempt_id}: {len(said)} replies sent, {len(stored)} stored, {how}")
        if attempt.status != "completed" or attempt.overall != run.overall[attempt_id]:
            out.append(f"attempt {attempt_id}: {attempt.status}, overall {attempt.overall} "
                       f"(graded {run.overall[attempt_id]})")
        if index is not None and said and attempt_id not in index.indexed_attempts(
                attempt.team_id, attempt.objection, [attempt_id]):
            unindexed.append(attempt_id)
    if unindexed:
        out.append(f"{len(unindexed)} attempts have no replies in the index: {unindexed[:5]}")
    return out


def _figures(ctx: BenchContext, url: str, backend: str) -> dict[str, Figure]:
    """20 drills at once (8 with ``--quick``) on a fresh team in ``url``, with an embedded Chroma index."""
    from ..grading import get_grader
    from ..settings import Settings
    from ..store import SYSTEM, Store
    from ..store.index import AttemptIndex

    n = ctx.size(20, 8)
    bank = ctx.cache["bank"]
    scenarios = [bank.get(i) for i in bank.ids()]
    embedder = ctx.cache["embedder"]
    settings = Settings(data_dir=ctx.workdir / f"load-{backend}")
    store = Store.open(url)
    run_id = uuid.uuid4().hex[:6]
    try:
        team = f"Load {run_id}"
        store.ensure_team(SYSTEM, team)
        reps = [store.add_user(SYSTEM, f"load{i}-{run_id}@bench.local", f"Load Rep {i}", "rep", team)
                for i in range(n)]
        index = AttemptIndex.from_settings(settings, embedder)
        grader = get_grader(settings, embedder)
        warm = store.add_user(SYSTEM, f"warm-{run_id}@bench.local", "Warm-up Rep", "rep", team)
        concurrent_drills(store, index, embedder, grader, [warm], scenarios)  # readers, grader, index loaded
        run = concurrent_drills(store, index, embedder, grader, reps, scenarios)
        wrong = problems(store, index, reps, run)
    finally:
        store.close()
    note = (f"{n} drills at once, {REPLIES_PER_DRILL} replies each, one thread per rep; all done in "
            f"{run.seconds:.1f} s; " + ("nothing lost or duplicated" if not wrong else "; ".join(wrong[:3])))
    if ctx.quick:
        note = f"QUICK: {n} drills, not 20; " + note
    return {
        f"load_drill_{backend}": Figure(f"load_drill_{backend}", run.drill_s, size=n, note=note),
        f"load_turn_write_{backend}": Figure(f"load_turn_write_{backend}", run.turn_write_ms, size=n,
                                             note=f"every turn's write while {n} drills run"),
    }


def run_load(ctx: BenchContext) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    db = ctx.workdir / "load.db"
    try:
        out.update(_figures(ctx, f"sqlite:///{db}", "sqlite"))
    except Exception as exc:
        message = describe_error(exc)
        out.update({n: Figure(n, error=message) for n in ("load_drill_sqlite", "load_turn_write_sqlite")})
    names = ("load_drill_postgres", "load_turn_write_postgres")
    if not ctx.database_url or not ctx.database_url.startswith("postgresql"):
        why = "skipped: no PostgreSQL URL (pass --database-url postgresql+psycopg://...)"
        out.update({n: Figure(n, error=why) for n in names})
        return out
    try:
        out.update(_figures(ctx, ctx.database_url, "postgres"))
    except Exception as exc:
        message = describe_error(exc)
        out.update({n: Figure(n, error=message) for n in names})
    return out
