"""Attempt index figures: add throughput and the "team's best replies" query at 10k and 100k replies.

How the index is filled, and why: embedding 100,000 unique replies would take
the model most of ten minutes on two cores, which is the embedding
throughput figure again, not the index's. So:

* a pool of unique synthetic replies (from the bank, ``data.reply_pool``) is
  embedded once with the real model;
* the index is filled to each size through Chroma's ``add`` with those
  vectors — each stored reply reuses a pool text with a little noise on its
  vector, so no two stored vectors are equal — and realistic metadata: 1,000
  reps in 50 teams of 20, ten objection types, scores, ISO weeks, turns;
* the figures are then measured through ``AttemptIndex`` itself, the path the
  app uses: ``add_attempt`` with new replies (embedding included) for add
  throughput, and ``team_best`` for the query at each size — as the
  scorecard asks it (for an attempt just indexed, whose stored vectors are the
  query), with the cost of a query by new text (embedding included) in the note.

``--quick`` fills 2k and 10k instead of 10k and 100k (the figure's ``size``
says which).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from .core import BenchContext, Figure, percentile, require
from .data import reply_pool

__all__ = ["run_index"]

TEAMS = 50
REPS_PER_TEAM = 20
SKILLS = ("listen-acknowledge", "explore", "respond-value", "confirm-advance", "delivery")


class TimedEmbedder:
    """Wraps an embedder and adds up the time spent embedding (to split a query's cost)."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.semantic = bool(getattr(inner, "semantic", True))
        self.seconds = 0.0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        t0 = time.perf_counter()
        try:
            return np.asarray(self.inner.embed(texts))
        finally:
            self.seconds += time.perf_counter() - t0


def _meta(rng: random.Random, scenario: Any, i: int, now: datetime, teams: int) -> dict[str, Any]:
    team = rng.randrange(teams) + 1
    rep = rng.randrange(REPS_PER_TEAM)
    when = now - timedelta(days=rng.uniform(0, 84))
    overall = max(0, min(100, int(rng.gauss(62, 16))))
    year, week, _ = when.isocalendar()
    md: dict[str, Any] = {
        "user": f"rep{team:02d}-{rep:02d}@bench.example",
        "name": f"Rep {team}-{rep}",
        "team_id": team,
        "scenario": scenario.id,
        "objection": scenario.objection,
        "difficulty": scenario.difficulty,
        "attempt": 10_000_000 + i // 5,
        "overall": overall,
        "week": f"{year}-W{week:02d}",
        "when": when.isoformat(),
        "ts": int(when.timestamp()),
        "mode": "drill",
        "turn": 1 + 2 * (i % 5),
    }
    for sk in SKILLS:
        md[f"skill:{sk}"] = max(1, min(5, round(overall / 20 + rng.uniform(-1, 1))))
    return md


def _fill(
    index: Any,
    pool: list[tuple[Any, str]],
    vectors: np.ndarray,
    start: int,
    stop: int,
    rng: random.Random,
    now: datetime,
    teams: int,
) -> float:
    """Add stored replies ``start..stop`` straight into the collection; returns seconds taken."""
    t0 = time.perf_counter()
    batch = 5000
    for lo in range(start, stop, batch):
        hi = min(stop, lo + batch)
        picks = [rng.randrange(len(pool)) for _ in range(lo, hi)]
        vecs = vectors[picks] + np.random.default_rng(lo).normal(0, 0.02, (hi - lo, vectors.shape[1]))
        vecs = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
        index.replies.add(
            ids=[f"bench-{i}" for i in range(lo, hi)],
            documents=[pool[p][1] for p in picks],
            embeddings=vecs.astype(np.float32),
            metadatas=[
                _meta(rng, pool[p][0], i, now, teams) for p, i in zip(picks, range(lo, hi), strict=True)
            ],
        )
    return time.perf_counter() - t0


def _completed_drill(
    store_mod: Any, attempt_id: int, scenario: Any, user: Any, overall: int, when: datetime
) -> Any:
    """A completed drill as the app indexes one (scripted voice, rubric grader) by ``user`` (a ``User``)."""
    return store_mod.Attempt(
        id=attempt_id,
        user_id=user.id,
        user_email=user.email,
        user_name=user.name,
        team_id=user.team_id,
        scenario_id=scenario.id,
        scenario_hash=scenario.content_hash(),
        objection=scenario.objection,
        difficulty=scenario.difficulty,
        mode="drill",
        voice="scripted",
        grader="rubric",
        status="completed",
        outcome="open",
        overall=overall,
        started_at=when,
        completed_at=when,
    )


def _attempt(store_mod: Any, i: int, scenario: Any, rng: random.Random, now: datetime, teams: int) -> Any:
    team = rng.randrange(teams) + 1
    rep = rng.randrange(REPS_PER_TEAM)
    when = now - timedelta(hours=rng.uniform(0, 48))
    user = store_mod.User(id=team * 100 + rep, email=f"rep{team:02d}-{rep:02d}@bench.example",
                          name=f"Rep {team}-{rep}", role="rep", team_id=team)
    return _completed_drill(store_mod, 20_000_000 + i, scenario, user, int(rng.gauss(62, 16)) % 100, when)


def _scorecard(scenario: Any, overall: int) -> Any:
    from ..models import Scorecard, SkillScore

    return Scorecard(
        scenario_id=scenario.id,
        rubric="objection-handling@1.0",
        grader="bench",
        overall=max(0, min(100, overall)),
        skills=[SkillScore(id=sk, name=sk, score=3) for sk in SKILLS],
    )


def _add_rate(
    ctx: BenchContext, store_mod: Any, index: Any, scenarios: list[Any], attempts: int, seed: int, teams: int
) -> list[float]:
    """Replies per second of ``add_attempt`` (5 new rep turns each, embedding included), per attempt."""
    from ..models import Turn

    rng = random.Random(seed)
    now = datetime.now(UTC)
    pool = reply_pool(scenarios, attempts * 5, seed=seed)
    rates = []
    for a in ctx.capped(range(attempts), full_s=90, quick_s=4, min_n=2):
        chunk = pool[a * 5 : (a + 1) * 5]
        scenario = chunk[0][0]
        turns = [Turn(role="buyer", text=scenario.buyer.opening)]
        for _s, _style, text in chunk:
            turns += [Turn(role="rep", text=text), Turn(role="buyer", text="Go on.")]
        attempt = _attempt(store_mod, seed * 1000 + a, scenario, rng, now, teams)
        card = _scorecard(scenario, attempt.overall or 0)
        t0 = time.perf_counter()
        stored = index.add_attempt(attempt, turns, card)
        rates.append(stored / (time.perf_counter() - t0))
    return rates


def _query_laps(
    ctx: BenchContext,
    store_mod: Any,
    index: Any,
    timed: TimedEmbedder,
    scenarios: list[Any],
    n: int,
    seed: int,
    teams: int,
) -> dict[str, Any]:
    """Milliseconds per ``team_best`` call, the way the scorecard asks and with a reply never seen.

    For each new rep reply: ``team_best`` with it before it is stored (the query
    is embedded: a search with new text), then the reply is indexed as an
    attempt of that rep (untimed) and ``team_best`` asked again for that attempt
    — the scorecard's "from your team", which runs right after ``remember``
    indexed the attempt and reuses its stored vectors.
    """
    from ..models import Turn

    rng = random.Random(seed)
    now = datetime.now(UTC)
    queries = reply_pool(scenarios, n, seed=seed)
    out: dict[str, Any] = {"app": [], "new": [], "new_embed": [], "app_embed": [], "hits": 0}
    for i, (s, _style, text) in enumerate(ctx.capped(queries, full_s=120, quick_s=6, min_n=8)):
        team = rng.randrange(teams) + 1
        actor = store_mod.User(
            id=team * 100, email=f"rep{team:02d}-00@bench.example", name="Bench rep", role="rep", team_id=team
        )
        attempt = _completed_drill(store_mod, 30_000_000 + seed * 1000 + i, s, actor, 60, now)
        for key, stored in (("new", False), ("app", True)):
            if stored:
                turns = [
                    Turn(role="buyer", text=s.buyer.opening),
                    Turn(role="rep", text=text),
                    Turn(role="buyer", text="Go on."),
                ]
                index.add_attempt(attempt, turns, _scorecard(s, 60))
            before = timed.seconds
            t0 = time.perf_counter()
            got = index.team_best(
                actor, [text], objection=s.objection, exclude_attempt=attempt.id, min_overall=60
            )
            out[key].append((time.perf_counter() - t0) * 1000.0)
            out[f"{key}_embed"].append((timed.seconds - before) * 1000.0)
            if stored:
                out["hits"] += len(got)
    return out


def run_index(ctx: BenchContext) -> dict[str, Figure]:
    index_mod = require("coach_engine.store.index", "AttemptIndex", why="issue 5")
    store_mod = require("coach_engine.store", "Attempt", "User", why="issue 5")
    import chromadb

    sizes = (500, 1_500) if ctx.quick else (10_000, 100_000)
    teams = 5 if ctx.quick else TEAMS  # each team has ten shards (one per objection): fewer to create
    names = {sizes[0]: ("index_add_10k", "index_query_10k"), sizes[1]: ("index_add_100k", "index_query_100k")}
    bank = ctx.cache["bank"]
    scenarios = [bank.get(i) for i in bank.ids()]
    # Embed a pool of unique replies once (the real model); stored replies reuse them with noise.
    pool_size = 100 if ctx.quick else 4_000
    where = ctx.store_dir("index")
    pool = [(s, text) for s, _style, text in reply_pool(scenarios, pool_size, seed=42)]
    pool_file = where / f"pool-{pool_size}.npy"
    if pool_file.exists():
        vectors = np.load(pool_file)
    else:
        t0 = time.perf_counter()
        vectors = np.asarray(ctx.cache["embedder"].inner.embed([t for _, t in pool]), dtype=np.float32)
        np.save(pool_file, vectors)
        ctx.log(f"    embedded a pool of {pool_size:,} unique replies in {time.perf_counter() - t0:.0f} s")
    timed = TimedEmbedder(ctx.cache["embedder"])
    rng = random.Random(7)
    now = datetime.now(UTC)
    out: dict[str, Figure] = {}
    series: list[tuple[float, float]] = []
    for size in sizes:
        # One store per size, so a cached 100k index never stands in for the 10k one.
        client = chromadb.PersistentClient(path=str(where / f"chroma-{size}"))
        index = index_mod.AttemptIndex(client, timed, prefix="bench")
        have = index.count()
        todo = max(0, size - have)
        store_rate = None
        if todo:
            # ids continue past the replies already stored, so a cached index resumes a fill.
            fill_s = _fill(index, pool, vectors, have, have + todo, rng, now, teams)
            store_rate = todo / max(fill_s, 1e-9)
            ctx.log(
                f"    filled the index to {size:,} replies (+{todo:,} in {fill_s:.0f} s, "
                f"{store_rate:,.0f}/s with vectors given)"
            )
        else:
            ctx.log(f"    reusing the cached index ({have:,} replies)")
        bulk = (
            f"storing with vectors given (bulk, 5,000 a batch): {store_rate:,.0f}/s"
            if store_rate
            else "index reused from --cache-dir"
        )
        add_name, query_name = names[size]
        rates = _add_rate(
            ctx, store_mod, index, scenarios, attempts=4 if ctx.quick else 40, seed=size, teams=teams
        )
        out[add_name] = Figure(
            add_name,
            rates,
            size=size,
            note=f"add_attempt of 5 new rep replies each, embedding included; {bulk}",
        )
        q = _query_laps(
            ctx, store_mod, index, timed, scenarios, n=15 if ctx.quick else 200, seed=size + 1, teams=teams
        )
        laps, new = q["app"], q["new"]
        chroma_new = [a - b for a, b in zip(new, q["new_embed"], strict=True)]
        out[query_name] = Figure(
            query_name,
            laps,
            size=size,
            note=(
                f"team_best (team, objection, not me, not this attempt, overall > 60; 40 nearest) for an "
                f"attempt just indexed, as the scorecard asks (its stored vectors are the query; "
                f"embedding per call: median {statistics.median(q['app_embed']):.1f} ms); "
                f"{q['hits'] / len(laps):.1f} hits per query; with a reply never stored (a search), "
                f"embedding included: median "
                f"{statistics.median(new):.0f} ms, p95 {percentile(new, 95):.0f} ms, of which embedding "
                f"median {statistics.median(q['new_embed']):.0f} ms and Chroma median "
                f"{statistics.median(chroma_new):.0f} ms, p95 {percentile(chroma_new, 95):.0f} ms; "
                f"{teams} teams of {REPS_PER_TEAM} reps"
            ),
        )
        series.append((float(size), statistics.median(laps)))
    out[names[sizes[1]][1]].series = series
    out[names[sizes[1]][1]].series_x = "stored replies"
    if ctx.quick:
        for f in out.values():
            full = 10_000 if "10k" in f.name else 100_000
            f.note = f"QUICK: {f.size or 0:,} stored replies, not {full:,}; " + f.note
    return out
