"""Offline engine figures: a buyer turn and grading, with the embedding model already loaded.

Why measured this way: a rep feels the time between pressing Enter and the
buyer's line, so a buyer turn is timed around ``DrillSession.rep_says`` —
signals, director and scripted voice together — on 10-turn drills over every
scenario in the bank (``--quick``: every third). Per-turn medians by turn
index show whether the cost grows with the conversation. Between turns the
bench runs ``DrillSession.warm_ahead`` untimed, as the app and ``scrimmage
drill`` run it while the rep reads the buyer's line and types.

Grading is timed the way the app uses it: right after the drill, in the same
process, so the rep turns' embeddings are already cached ("warm"). The cold
case (texts never embedded before, as ``scrimmage grade`` on a new file) is
reported in the note. Single-reply grading and batch throughput use replies
the process has never seen, as a clinic or ``grade --batch`` would.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from ..models import Scenario, Transcript
from .core import BenchContext, Figure, Measure, measured, percentile, require
from .data import reply_pool, synthetic_transcript, ten_turn_script

__all__ = ["run_engine"]

TURNS = 10


def _scenarios(ctx: BenchContext) -> list[Scenario]:
    bank = ctx.cache["bank"]
    scenarios = [bank.get(i) for i in bank.ids()]
    return scenarios[::5] if ctx.quick else scenarios


def _drill(session_mod: Any, scenario: Scenario, embedder: Any, seed: int, deadline: float = float("inf"),
           turns: int = TURNS) -> tuple[list[float], Any]:
    """Run one drill of up to ``turns`` rep turns (stopping at ``deadline``); per-turn ms and the session."""
    from ..buyer.scripted import ScriptedVoice

    session = session_mod.DrillSession(scenario, embedder=embedder, voice=ScriptedVoice(seed), seed=seed,
                                       max_turns=TURNS)
    session.start()
    laps: list[float] = []
    for line in ten_turn_script(scenario, seed)[:turns]:
        if session.finished or time.monotonic() > deadline:
            break
        session.warm_ahead()  # done while the rep reads the line and types, as the app and the CLI do
        t0 = time.perf_counter()
        session.rep_says(line)
        laps.append((time.perf_counter() - t0) * 1000.0)
    return laps, session


def buyer_turn(ctx: BenchContext) -> Figure:
    session_mod = require("coach_engine.session", "DrillSession", why="issue 3")
    require("coach_engine.buyer.scripted", "ScriptedVoice", why="issue 3")
    embedder = ctx.cache["embedder"]
    scenarios = _scenarios(ctx)
    seeds = [1]
    _drill(session_mod, scenarios[-1], embedder, 0, turns=2)  # warm-up: rule files, prototypes, caches
    samples: list[float] = []
    by_turn: dict[int, list[float]] = {}
    early = 0
    transcripts: list[tuple[Scenario, Transcript, Any]] = []
    cap = 10.0 if ctx.quick else 240.0
    deadline = time.monotonic() + cap
    runs = ctx.capped([(seed, s) for seed in seeds for s in scenarios], full_s=cap, quick_s=cap, min_n=1)
    for seed, s in runs:
        laps, session = _drill(session_mod, s, embedder, seed, deadline if samples else float("inf"))
        samples.extend(laps)
        for i, ms in enumerate(laps, start=1):
            by_turn.setdefault(i, []).append(ms)
        if session.finished and len(laps) < TURNS:
            early += 1
        transcripts.append((s, session.transcript, session.outcome))
    ctx.cache["drill_transcripts"] = transcripts
    fig = Figure("buyer_turn_offline", samples, size=runs.taken,
                 series=[(t, statistics.median(v)) for t, v in sorted(by_turn.items())], series_x="turn")
    n_scen = len({x[0].id for x in transcripts})
    stopped = f"; stopped at the {cap:.0f} s time cap" if time.monotonic() > deadline else ""
    fig.note = (f"{runs.taken} drills of up to {TURNS} rep turns over {n_scen} scenarios; {early} ended "
                f"before turn {TURNS} (agreed or walked away){stopped}")
    return fig


def _grader(ctx: BenchContext) -> Any:
    if "grader" not in ctx.cache:
        grading = require("coach_engine.grading", "get_grader", why="issue 4")
        from ..settings import Settings

        settings = Settings(data_dir=ctx.workdir / "data", grader="offline", voice="offline")
        ctx.cache["grader"] = grading.get_grader(settings, ctx.cache["embedder"])
    return ctx.cache["grader"]


def _ten_turn_transcripts(ctx: BenchContext, seed: int) -> list[tuple[Scenario, Transcript]]:
    """Transcripts with 10 rep turns: from the engine's own drills when they lasted, else synthetic."""
    out = [(s, t) for s, t, _o in ctx.cache.get("drill_transcripts", [])
           if sum(1 for x in t.turns if x.role == "rep") >= TURNS]
    have = {s.id for s, _ in out}
    for s in _scenarios(ctx):
        if s.id not in have:
            out.append((s, synthetic_transcript(s, ten_turn_script(s, seed), seed)))
    return out


def grade_transcript(ctx: BenchContext) -> Figure:
    grader = _grader(ctx)
    items = _ten_turn_transcripts(ctx, seed=11)
    grader.grade(*synthetic_pair(ctx))  # first call loads rubrics and rule files
    cold: list[float] = []
    warm: list[float] = []
    for s, t in ctx.capped(items, full_s=150, quick_s=8, min_n=2):
        # Cold: the first grading of the transcript in this process. Warm: again, with its texts
        # embedded, as in the app where the drill has just embedded every rep turn.
        for bucket in (cold, warm, warm):
            t0 = time.perf_counter()
            grader.grade(s, t)
            bucket.append((time.perf_counter() - t0) * 1000.0)
    # Growth with transcript length (warm), rep turns 1..10.
    series = []
    s0, t0_ = items[0]
    rep_idx = [i for i, turn in enumerate(t0_.turns) if turn.role == "rep"]
    for k in range(1, len(rep_idx) + 1):
        cut = Transcript(scenario=t0_.scenario, turns=t0_.turns[: rep_idx[k - 1] + 1])
        laps = []
        for _ in range(3):
            t1 = time.perf_counter()
            grader.grade(s0, cut)
            laps.append((time.perf_counter() - t1) * 1000.0)
        series.append((float(k), statistics.median(laps)))
    fig = Figure("grade_transcript_10_turns", warm, size=TURNS, series=series, series_x="rep turns")
    fig.note = (f"warm: after the drill (turns already embedded, as in the app); cold (first grading of "
                f"new text, as `scrimmage grade`): median {statistics.median(cold):.0f} ms, "
                f"p95 {percentile(cold, 95):.0f} ms over {len(cold)} transcripts")
    return fig


def synthetic_pair(ctx: BenchContext) -> tuple[Scenario, Transcript]:
    s = _scenarios(ctx)[0]
    return s, synthetic_transcript(s, ten_turn_script(s, 99), 99)


def grade_reply(ctx: BenchContext) -> tuple[Figure, Figure]:
    grader = _grader(ctx)
    scenarios = [ctx.cache["bank"].get(i) for i in ctx.cache["bank"].ids()]
    n = 30 if ctx.quick else 150
    pool = reply_pool(scenarios, n, seed=int(time.time()) % 100000)
    grader.grade_reply(pool[0][0], pool[0][2])
    single: list[float] = []
    replies = ctx.capped(pool[1:], full_s=90, quick_s=5, min_n=3)
    for s, _style, text in replies:
        t0 = time.perf_counter()
        grader.grade_reply(s, text)
        single.append((time.perf_counter() - t0) * 1000.0)
    # Batch throughput: fresh replies, graded back to back in one process (as `grade --batch`).
    batch = 5 if ctx.quick else 50
    batches = 1 if ctx.quick else 4
    rng = random.Random(7)
    fresh = reply_pool(scenarios, batch * batches, seed=rng.randint(10**6, 10**7))
    throughput: list[float] = []
    for b in ctx.capped(range(batches), full_s=120, quick_s=5, min_n=1):
        chunk = fresh[b * batch : (b + 1) * batch]
        t0 = time.perf_counter()
        grade_many = getattr(grader, "grade_replies", None)
        if callable(grade_many):
            grade_many([(s, text) for s, _style, text in chunk])
        else:
            for s, _style, text in chunk:
                grader.grade_reply(s, text)
        throughput.append(batch / (time.perf_counter() - t0))
    f1 = Figure("grade_reply", single,
                note=f"replies new to the process (embedding included){replies.note()}")
    f2 = Figure("grade_batch_throughput", throughput, size=batch,
                note=f"{batches} batches of {batch} new replies; each sample is one batch's rate")
    return f1, f2


def reading_turn(ctx: BenchContext) -> Figure:
    """The learned reader on a fresh three-sentence turn (embedding included), model and encoder warm;
    the note gives what loading the shipped model costs (issue 12: p95 <= 25 ms, load <= 0.5 s)."""
    from ..reading import context_for
    from ..reading.model import ARTIFACT_DIR, _load
    from ..signals import reader_for

    t0 = time.perf_counter()
    _load.__wrapped__(str(ARTIFACT_DIR))
    load_ms = (time.perf_counter() - t0) * 1000.0
    scenario = _scenarios(ctx)[0]
    reader = reader_for(ctx.cache["embedder"])
    c = context_for(scenario, [], False)
    reader.read("Thanks for the time.", c)
    samples = []
    for i in range(40 if ctx.quick else 200):
        text = (f"That is a fair point about reply {i}. What went into the figure you set aside for it? "
                f"Would a short call on day {i % 28 + 1} help?")
        t = time.perf_counter()
        reader.read(text, c)
        samples.append((time.perf_counter() - t) * 1000.0)
    fig = Figure("reading_turn_learned", samples, size=len(samples))
    fig.note = f"loading the shipped model: {load_ms:.1f} ms"
    return fig


def run_engine(ctx: BenchContext) -> dict[str, Figure]:
    """Every engine figure; each fails on its own so a missing session still yields grading."""
    groups: tuple[tuple[tuple[str, ...], Measure], ...] = (
        (("buyer_turn_offline",), buyer_turn),
        (("grade_transcript_10_turns",), grade_transcript),
        (("reading_turn_learned",), reading_turn),
        (("grade_reply", "grade_batch_throughput"), grade_reply),
    )
    out: dict[str, Figure] = {}
    for names, measure in groups:
        out.update(measured(ctx, names, measure))
    return out
