"""Fitting the turn-level gaming heads of ``scrimmage train`` (``reading.gaming``), one per kind.

Why apart from the sentence heads: a gaming verdict is on a whole turn and takes its credit to zero, so
its heads learn from the sentence heads' *out-of-fold* readings (how far to trust them on wording they
have not seen), each turn's sentences merged with their disguised readings as the reader merges them at
run time, and each head is thresholded on scenario-grouped CV so that only a small, fixed share of honest
turns would be zeroed (``GAMING_FALSE_RATE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .gaming import (
    GAMING_FEATURES,
    GAMING_KINDS,
    SIGN_COLUMNS,
    STUFFING_FORM,
    SentenceSigns,
    strung_together,
    turn_features,
)
from .model import LABELS
from .train_data import Sample
from .train_thresholds import NEVER, rate_threshold

__all__ = ["GAMING_FALSE_RATE", "fit_gaming"]

GAMING_FALSE_RATE = {"injection": 0.004, "stuffing": 0.0025}
"""The share of honest turns a verdict may take to zero, on scenario-grouped CV: each head's threshold is
the lowest at which no more than this share of the genuine turns is read as that kind of gaming.

Why a rate on honest turns and not a precision: precision depends on how many gaming replies happen to be
labelled. Its 0.95 target sat on a flat stretch (0.939, 0.949 and 0.965 on three grid steps), so 36 more
labelled injections moved the threshold a step, from 0.95 to 0.925, and an excellent honest reply on
held-out data fell on the wrong side; the honest turns' rate does not move when gaming examples are
added (0.95 with them and without). What a rep feels is this rate: the chance that an honest turn is
zeroed. The two figures reproduce the precision rule's thresholds on session 16's data (0.95 and 0.95;
precision 0.965 and 0.908 there). Stuffing's is lower: its verdict needs the strung-together form
(``gaming.strung_together``), and its honest turns are many short ones."""


def fit_gaming(samples: Sequence[Sample], turn_spans: Sequence[tuple[str, int, int, str]],
               copies_of: dict[int, list[int]], oof: np.ndarray, x: np.ndarray, cols: dict[str, int],
               fit_cls: Any, folds: int, rng: np.random.Generator, log: Any) -> dict[str, Any]:
    """The turn-level gaming heads (``reading.gaming``), one per kind, over the sentences' out-of-fold
    readings, each with a threshold chosen on scenario-grouped CV for ``GAMING_FALSE_RATE``."""
    from sklearn.model_selection import GroupKFold

    from .. import text as T

    rows, verdicts, groups = [], [], []
    gaming_cols = [LABELS.index(g) for g in GAMING_KINDS]

    def merged(i: int) -> tuple[dict[str, float], list[float]]:
        """A sentence's readings with its disguises' gaming readings and signs folded in, as the reader
        does at run time."""
        probs = {name: float(oof[i, k]) for k, name in enumerate(LABELS)}
        marks = [float(x[i, cols[c]]) for c in SIGN_COLUMNS]
        for j in copies_of.get(i, []):
            for k in gaming_cols:
                probs[LABELS[k]] = max(probs[LABELS[k]], float(oof[j, k]))
            marks = [max(m, float(x[j, cols[c]])) for m, c in zip(marks, SIGN_COLUMNS, strict=True)]
        return probs, marks

    for scenario, a, b, verdict in turn_spans:
        signs = [SentenceSigns.of(len(T.words(samples[i].text)), *merged(i),
                               commas=samples[i].text.count(","),
                               question=T.question_form(samples[i].text) is not None) for i in range(a, b)]
        rows.append(turn_features(signs, float(x[a:b, cols["sim_buyer"]].max())))
        verdicts.append(verdict)
        groups.append(scenario)
    feats = np.asarray(rows, dtype=np.float64)
    mean, sd = feats.mean(axis=0), feats.std(axis=0)
    scale = np.where(sd > 1e-6, sd, 1.0)
    fs = (feats - mean) / scale
    g = np.asarray(groups)
    kinds = np.asarray(verdicts)
    y_any = (kinds != "genuine").astype(int)
    strung = np.array([strung_together(r) for r in feats.astype(np.float32)])
    weights = np.zeros((len(GAMING_KINDS), feats.shape[1]), dtype=np.float32)
    bias = np.zeros(len(GAMING_KINDS), dtype=np.float32)
    thresholds = np.full(len(GAMING_KINDS), NEVER, dtype=np.float32)
    per_kind: dict[str, Any] = {}
    fired = np.zeros(len(kinds), dtype=bool)
    for k, kind in enumerate(GAMING_KINDS):
        # Each head learns its kind against genuine turns. Stuffing needs the strung-together form
        # (``gaming.strung_together``): a reply of whole spoken sentences neither earns that verdict nor
        # makes the head shy of a real list of cue phrases.
        other = next(x for x in GAMING_KINDS if x != kind)
        y = (kinds == kind).astype(int)
        learn = (kinds != other) & (strung if kind == "stuffing" else True)
        if y[learn].sum() < 2 or y[learn].sum() == learn.sum():
            log(f"  turn {kind}: too few examples; never read as {kind}")
            per_kind[f"turn_{kind}"] = {"positives": int(y.sum()), "note": "too few examples"}
            continue
        fk = fs.copy()  # a list's form is the stuffing head's to learn, never the injection head's
        if kind != "stuffing":
            fk[:, [GAMING_FEATURES.index(f) for f in STUFFING_FORM]] = 0.0
        oof_turn = np.zeros(len(y))
        for tr, te in GroupKFold(n_splits=min(folds, len(set(groups)))).split(fk, y, g):
            tr = tr[learn[tr]]
            if y[tr].sum() == 0 or y[tr].sum() == len(tr):
                continue
            m = fit_cls(C=1.0, class_weight="balanced", max_iter=3000).fit(fk[tr], y[tr])
            oof_turn[te] = m.predict_proba(fk[te])[:, 1]
        if kind == "stuffing":
            oof_turn[~strung] = 0.0
        reach = kinds != other  # its precision is counted against genuine turns
        best, stats = rate_threshold(oof_turn[reach], y[reach], GAMING_FALSE_RATE[kind], rng)
        m = fit_cls(C=1.0, class_weight="balanced", max_iter=3000).fit(fk[learn], y[learn])
        weights[k], bias[k], thresholds[k] = m.coef_[0], m.intercept_[0], best
        fired |= oof_turn >= best
        per_kind[f"turn_{kind}"] = {"positives": int(y.sum()), "turns": int(reach.sum()), "threshold": best,
                                    **stats}
        f1 = stats["f1"]
        log(f"  turn {kind:17s} n+={int(y.sum()):4d} thr={best:.3f} P={stats['precision'][0]:.2f} "
            f"R={stats['recall'][0]:.2f} F1={f1[0]:.2f} [{f1[1]:.2f}, {f1[2]:.2f}]")
    tp, fp = int((fired & (y_any == 1)).sum()), int((fired & (y_any == 0)).sum())
    per_kind["turn_gaming"] = {"positives": int(y_any.sum()), "turns": len(y_any),
                               "precision": round(tp / max(tp + fp, 1), 3),
                               "recall": round(tp / max(int(y_any.sum()), 1), 3)}
    log(f"  turn gaming (either)   P={per_kind['turn_gaming']['precision']:.2f} "
        f"R={per_kind['turn_gaming']['recall']:.2f}")
    return {"gaming_weights": weights, "gaming_bias": bias, "gaming_thresholds": thresholds,
            "gaming_mean": mean.astype(np.float32), "gaming_scale": scale.astype(np.float32),
            "per_kind": per_kind}
