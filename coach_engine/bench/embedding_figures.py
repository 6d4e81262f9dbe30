"""Embedding figures: model load time, throughput and single-query latency.

Why a fresh process for load time: inside the bench process torch and the
model are already imported by then, and what a user waits for is the first
embedding after ``scrimmage`` starts (torch import + model load + first
encode). So each load sample is a new ``python`` process that reports its own
timing, started with the same interpreter and ``HF_HUB_OFFLINE=1``.

Throughput is sentences per second over batches of 64 short rep sentences the
process has not seen (the ``LocalEmbedder``, not the cache in front of it);
query latency is one new sentence, as the attempt index embeds a query.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time

from .core import BenchContext, Figure, measured
from .data import reply_pool

__all__ = ["run_embeddings"]

_LOAD_SCRIPT = """
import json, time
t0 = time.perf_counter()
from coach_engine.embeddings import LocalEmbedder
e = LocalEmbedder()
e.embed(["warm up the model"])
print(json.dumps({"seconds": time.perf_counter() - t0}))
"""


def load_time(ctx: BenchContext) -> Figure:
    if ctx.quick and "model_load_s" in ctx.cache:
        # --quick: the bench process's own first load (same steps) instead of a separate process.
        return Figure("embedding_load", [float(ctx.cache["model_load_s"])],
                      note="QUICK: the bench process's own first load (import + load + first encode)")
    runs = 2
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    samples = []
    wall = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _LOAD_SCRIPT], capture_output=True, text=True,
                              timeout=180, env=env)
        wall.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"the model did not load in a fresh process: {tail}")
        samples.append(float(json.loads(proc.stdout.strip().splitlines()[-1])["seconds"]))
    return Figure("embedding_load", samples,
                  note=f"import + load + first encode in a fresh process; whole process incl. interpreter "
                       f"start: median {sorted(wall)[len(wall) // 2]:.1f} s")


def _sentences(ctx: BenchContext, n: int, seed: int) -> list[str]:
    """``n`` single rep sentences (first sentence of synthetic replies)."""
    bank = ctx.cache["bank"]
    scenarios = [bank.get(i) for i in bank.ids()]
    return [text.split(". ")[0] for _s, _style, text in reply_pool(scenarios, n, seed=seed)]


def throughput_and_query(ctx: BenchContext) -> tuple[Figure, Figure]:
    from ..embeddings import LocalEmbedder

    raw = LocalEmbedder()  # the uncached model (shared per process with the cached embedder)
    raw.embed(["warm up"])
    seed = random.Random(time.time()).randint(1, 10**6)
    batches = 2 if ctx.quick else 8
    rates = []
    for b in ctx.capped(range(batches), full_s=90, quick_s=8, min_n=1):
        sents = _sentences(ctx, 64, seed + b)
        t0 = time.perf_counter()
        raw.embed(sents)
        rates.append(64 / (time.perf_counter() - t0))
    queries = _sentences(ctx, 15 if ctx.quick else 100, seed + 999)
    lat = []
    for q in ctx.capped(queries, full_s=60, quick_s=5, min_n=5):
        t0 = time.perf_counter()
        raw.embed([q])
        lat.append((time.perf_counter() - t0) * 1000.0)
    avg_words = sum(len(s.split()) for s in queries) / len(queries)
    return (Figure("embedding_throughput", rates, size=64,
                   note=f"{len(rates)} batches of 64 rep sentences (~{avg_words:.0f} words each)"),
            Figure("embedding_query", lat, note="one new sentence per call, uncached"))


def run_embeddings(ctx: BenchContext) -> dict[str, Figure]:
    return {**measured(ctx, ("embedding_load",), load_time),
            **measured(ctx, ("embedding_throughput", "embedding_query"), throughput_and_query)}
