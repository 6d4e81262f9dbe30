"""Training the resolution-item reader from trainers' labels, with honest figures.

Why here and not in a notebook: the shipped artifact must be rebuildable from
the labelled files alone (``scrimmage train --items``), the same data must give
the same bytes, and the figures printed at training time are the ones the
README reports: grouped cross-validation over the training sets, then accuracy
with a bootstrap interval on the registry's dev and test item sets, which are
never fitted on. The confidence under which an author is told "set ``kind:`` to
be sure" is chosen on the cross-validated predictions: the lowest probability at
which readings are right at least ``TARGET_PRECISION`` of the time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..models import ITEM_KINDS
from .items import ITEM_ARTIFACT, featurise_items

if TYPE_CHECKING:
    from ..embeddings import Embedder

__all__ = ["ItemTrainResult", "accuracy_interval", "load_item_rows", "train_items"]

TARGET_PRECISION = 0.9
C = 16.0
"""Inverse regularisation, chosen by grouped cross-validation on the training sets (1, 4, 16 tried)."""


@dataclass
class ItemTrainResult:
    samples: int
    cv_accuracy: float
    min_confidence: float
    figures: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per measured set: accuracy, its 95% interval, n, share read confidently and accuracy among those."""


def load_item_rows(paths: Sequence[Path]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("kind") not in ITEM_KINDS or not str(row.get("text", "")).strip():
                raise ValueError(f"{path}: line {n}: needs 'text' and a 'kind' from {', '.join(ITEM_KINDS)}")
            rows.append(row)
    return rows


def accuracy_interval(right: np.ndarray, seed: int = 0, draws: int = 2000) -> tuple[float, float, float]:
    """Accuracy and a 95% bootstrap interval."""
    right = np.asarray(right, dtype=float)
    if not len(right):
        return 0.0, 0.0, 0.0
    rng = np.random.default_rng(seed)
    means = rng.choice(right, size=(draws, len(right)), replace=True).mean(axis=1)
    return float(right.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, max_iter=4000, class_weight="balanced")
    clf.fit(x, y)
    w = np.zeros((len(ITEM_KINDS), x.shape[1]), dtype=np.float32)
    b = np.full(len(ITEM_KINDS), -30.0, dtype=np.float32)  # a kind with no examples is never read
    for row, k in enumerate(clf.classes_):
        w[int(k)] = clf.coef_[row]
        b[int(k)] = clf.intercept_[row]
    return w, b


def _probs(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    logits = x @ w.T + b
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return np.asarray(p / p.sum(axis=1, keepdims=True))


def _confidence_floor(probs: np.ndarray, y: np.ndarray) -> float:
    """The lowest top probability from which readings are right >= TARGET_PRECISION of the time."""
    top = probs.max(axis=1)
    right = probs.argmax(axis=1) == y
    for floor in np.round(np.arange(0.2, 0.96, 0.05), 2):
        keep = top >= floor
        if keep.sum() and right[keep].mean() >= TARGET_PRECISION:
            return float(floor)
    return 0.95


def train_items(
    train_files: Sequence[Path],
    measured: Mapping[str, Sequence[Path]],
    embedder: Embedder,
    out: Path = ITEM_ARTIFACT,
    folds: int = 5,
    log: Callable[[str], None] = print,
) -> ItemTrainResult:
    """Fit on ``train_files``, measure on ``measured`` (name -> files), write the artifact to ``out``."""
    rows = load_item_rows(train_files)
    texts = [r["text"] for r in rows]
    y = np.array([ITEM_KINDS.index(r["kind"]) for r in rows])
    full, hashed = featurise_items(texts, embedder)

    # Grouped CV: items of one scenario (or one written industry) stay in one fold.
    groups = [r.get("scenario") or r.get("industry") or str(i) for i, r in enumerate(rows)]
    uniq = sorted(set(groups))
    fold_of = {g: i % folds for i, g in enumerate(np.random.default_rng(0).permutation(uniq))}
    oof = np.zeros((len(rows), len(ITEM_KINDS)))
    oof_words = np.zeros_like(oof)
    for f in range(folds):
        test = np.array([fold_of[g] == f for g in groups])
        w, b = _fit(full[~test], y[~test])
        oof[test] = _probs(full[test], w, b)
        ww, wb = _fit(hashed[~test], y[~test])
        oof_words[test] = _probs(hashed[test], ww, wb)
    cv_acc = float((oof.argmax(axis=1) == y).mean())
    floor = _confidence_floor(oof, y)
    word_floor = _confidence_floor(oof_words, y)
    log(f"items: {len(rows)} labelled, grouped {folds}-fold accuracy {cv_acc:.3f}; "
        f"confident from p >= {floor:.2f} (words only: {word_floor:.2f})")

    w, b = _fit(full, y)
    ww, wb = _fit(hashed, y)
    result = ItemTrainResult(samples=len(rows), cv_accuracy=cv_acc, min_confidence=floor)
    for name, files in measured.items():
        mrows = load_item_rows([f for f in files if f.is_file()])
        if not mrows:
            continue
        mx, mh = featurise_items([r["text"] for r in mrows], embedder)
        my = np.array([ITEM_KINDS.index(r["kind"]) for r in mrows])
        also = [set(r.get("also", [])) for r in mrows]
        p = _probs(mx, w, b)
        pred = p.argmax(axis=1)
        right = np.array([pred[i] == my[i] or ITEM_KINDS[pred[i]] in also[i] for i in range(len(mrows))])
        acc, lo, hi = accuracy_interval(right)
        sure = (p.max(axis=1) >= floor) & (pred == _probs(mh, ww, wb).argmax(axis=1))  # as ItemModel.sure
        sure_right = round(float(right[sure].mean()), 3) if sure.any() else 0.0
        result.figures[name] = {"n": len(mrows), "accuracy": round(acc, 3), "low": round(lo, 3),
                                "high": round(hi, 3), "confident_share": round(float(sure.mean()), 3),
                                "confident_accuracy": sure_right}
        log(f"items {name}: accuracy {acc:.3f} [{lo:.3f}, {hi:.3f}] (n={len(mrows)}, an 'also' kind "
            f"counts); read confidently {sure.mean():.0%}, right {sure_right:.0%} of those")

    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, weights=w.astype(np.float32), bias=b.astype(np.float32),
             word_weights=ww.astype(np.float32), word_bias=wb.astype(np.float32))
    manifest = {"kinds": list(ITEM_KINDS), "encoder": embedder.name, "min_confidence": floor,
                "word_min_confidence": word_floor,
                "samples": len(rows), "cv_accuracy": round(cv_acc, 4), "figures": result.figures,
                "data": sorted(p.name for p in train_files)}
    out.with_suffix(".json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    from .items import load_item_model

    load_item_model.cache_clear()
    return result
