"""Choosing a head's threshold on out-of-fold predictions, with its figures and their intervals.

Why apart from the fitting: every head of ``scrimmage train`` (label, family and turn gaming heads) is
thresholded the same way — a flag for precision first, anything else at the middle of its best-F stretch —
and reports precision, recall and F1 with bootstrap 95% intervals; one place decides that rule, so a
threshold in the manifest means the same thing whichever head it belongs to.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["FLAG_PRECISION", "NEVER", "choose_threshold", "rate_threshold"]

FLAG_PRECISION = 0.8
"""The cross-validated precision a flag's threshold must reach (``train.FLAGS``)."""
PLATEAU = 0.01
"""How far under the best F a threshold may score and still be on the best stretch of the curve."""
NEVER = 1.01
"""The threshold of a head that may not fire on its own (no probability reaches it)."""
GRID = np.round(np.arange(0.30, 0.99, 0.0125), 4)
"""The thresholds every rule chooses among."""


def _threshold(oof: np.ndarray, y: np.ndarray, flag: bool, target: float = FLAG_PRECISION,
               strict: bool = False) -> float:
    """The first threshold whose cross-validated precision reaches ``target`` (flags), else the middle of the
    stretch where F0.5 (flags) or F1 is within ``PLATEAU`` of its best. ``strict``: no fallback; a head that
    never reaches its target never fires alone."""
    scores, precise = [], []
    beta2 = 0.25 if flag else 1.0
    for t in GRID:
        pred = oof >= t
        tp, fp, fn = (pred & (y == 1)).sum(), (pred & (y == 0)).sum(), (~pred & (y == 1)).sum()
        scores.append((1 + beta2) * tp / ((1 + beta2) * tp + beta2 * fn + fp) if tp else 0.0)
        precise.append(tp > 0 and tp / (tp + fp) >= target)
    if flag and any(precise):
        return float(GRID[precise.index(True)])
    if strict:
        return NEVER
    # The middle of the near-best stretch, not its arg max: on a flat curve the arg max is noise (it moved
    # by up to 0.14 between bootstrap resamples of the same predictions; the middle moved by a third of that).
    near = np.flatnonzero(np.array(scores) >= max(scores) - PLATEAU)
    return float(GRID[int(near[len(near) // 2])])


def choose_threshold(oof: np.ndarray, y: np.ndarray, flag: bool, rng: np.random.Generator,
                     target: float = FLAG_PRECISION, strict: bool = False) -> tuple[float, dict[str, Any]]:
    """A head's threshold (``_threshold``) and its precision, recall and F1 there, with intervals."""
    best = _threshold(oof, y, flag, target, strict)
    return best, _figures_at(best, oof, y, rng)


def rate_threshold(oof: np.ndarray, y: np.ndarray, false_rate: float, rng: np.random.Generator
                   ) -> tuple[float, dict[str, Any]]:
    """The lowest threshold at which at most ``false_rate`` of the negatives (``y == 0``) read as positive,
    with its precision, recall and F1 (intervals); ``NEVER`` when no positive reaches one that low."""
    negatives = max(int((y == 0).sum()), 1)
    best = NEVER
    for t in GRID:
        pred = oof >= t
        if (pred & (y == 0)).sum() / negatives <= false_rate and (pred & (y == 1)).any():
            best = float(t)
            break
    return best, _figures_at(best, oof, y, rng)


def _figures_at(threshold: float, oof: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    """Precision, recall and F1 of reading ``oof >= threshold`` as positive, with their intervals."""
    pred = oof >= threshold
    return _bootstrap((pred & (y == 1)).astype(float), (pred & (y == 0)).astype(float),
                      (~pred & (y == 1)).astype(float), rng)


def _bootstrap(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    """Precision, recall, F1 with 95% bootstrap intervals over samples."""
    def prf(t: float, f: float, n: float) -> tuple[float, float, float]:
        p = t / (t + f) if t + f else 0.0
        r = t / (t + n) if t + n else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    point = prf(tp.sum(), fp.sum(), fn.sum())
    idx = np.arange(len(tp))
    draws = []
    for _ in range(300):
        b = rng.choice(idx, size=len(idx), replace=True)
        draws.append(prf(tp[b].sum(), fp[b].sum(), fn[b].sum()))
    arr = np.array(draws)
    lo, hi = np.percentile(arr, 2.5, axis=0), np.percentile(arr, 97.5, axis=0)
    return {name: [round(point[k], 3), round(float(lo[k]), 3), round(float(hi[k]), 3)]
            for k, name in enumerate(("precision", "recall", "f1"))}
