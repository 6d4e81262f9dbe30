"""``scrimmage train``: build the turn-reading model from trainers' labelled sentences.

Why it looks like this:

* **Data, not code.** Labels live in ``evals/data/reading/*.jsonl`` (one rep
  turn a record, each sentence with the behaviours a trainer saw in it; the
  guide beside them says how to label). Gaming sentences also come from the
  grader sets whose registry status is ``train``: a trainer marked the whole
  reply as injection or stuffing, and the sentence the first model finds most
  suspicious is taken as the one that shows it.
* **Honest thresholds.** Each label's threshold is chosen on out-of-fold
  predictions of a cross-validation grouped by scenario, so a threshold never
  rewards remembering a scenario's words; the same predictions give the
  per-label precision and recall, each with a bootstrap 95% interval.
* **Reproducible.** Same data, same bytes: the arrays are written into a zip
  with fixed timestamps, the manifest carries the data fingerprint, and
  ``scikit-learn`` is needed only here, never at run time.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .features import HASH_DIM, STRUCT_NAMES, SentenceContext, featurise
from .model import ARTIFACT_DIR, LABELS

__all__ = ["LabelledTurn", "TrainResult", "load_labelled", "train"]

MODEL_VERSION = "reader-1"
HASH_WEIGHT = 0.6
"""Hashed n-grams count for a little less than meaning: they carry negation and scope, not topic."""
C_VALUE = 0.5
SEED = 7


FLAGS = frozenset({"discount", "pressure", "argue", "dismiss", "disparage", "feature_dump", "off_topic",
                   "injection", "stuffing"})
"""Labels that rebuke the rep. A false flag costs a rep who did nothing wrong (the buyer scolds them for
it, the scorecard docks them), so their thresholds favour precision: the lowest threshold whose
cross-validated precision reaches ``FLAG_PRECISION``, else the best F0.5."""
FLAG_PRECISION = 0.8


def _threshold(oof: np.ndarray, y: np.ndarray, flag: bool) -> float:
    grid = np.round(np.arange(0.30, 0.96, 0.025), 3)
    scores, precise = [], []
    beta2 = 0.25 if flag else 1.0
    for t in grid:
        pred = oof >= t
        tp, fp, fn = (pred & (y == 1)).sum(), (pred & (y == 0)).sum(), (~pred & (y == 1)).sum()
        scores.append((1 + beta2) * tp / ((1 + beta2) * tp + beta2 * fn + fp) if tp else 0.0)
        precise.append(tp > 0 and tp / (tp + fp) >= FLAG_PRECISION)
    if flag and any(precise):
        return float(grid[precise.index(True)])
    return float(grid[int(np.argmax(scores))])


class LabelledSentence(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    labels: list[str]

    @field_validator("labels")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        bad = [x for x in v if x not in LABELS]
        if bad:
            raise ValueError(f"unknown label(s) {bad}; known: {', '.join(LABELS)}")
        return v


class LabelledTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    scenario: str
    buyer_line: str
    concern_revealed: bool = False
    voice: str = ""
    sentences: list[LabelledSentence]


@dataclass
class Sample:
    group: str
    text: str
    ctx_key: int
    labels: set[str]
    known: set[str] | None = None
    """Labels this sample speaks for (None: all of them)."""


@dataclass
class TrainResult:
    out_dir: Path
    samples: int
    fingerprint: str
    per_label: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_labelled(paths: Sequence[Path]) -> list[LabelledTurn]:
    out: list[LabelledTurn] = []
    for p in paths:
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append(LabelledTurn.model_validate_json(line))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(x) for x in first["loc"]) or "record"
                raise ValueError(f"{p}:{n}: {where}: {first['msg']}") from exc
    return out


def _fingerprint(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


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


def _deterministic_npz(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            b = io.BytesIO()
            np.save(b, arrays[name], allow_pickle=False)
            z.writestr(info, b.getvalue())
    return buf.getvalue()


def _matrix(samples: list[Sample], ctxs: list[SentenceContext], encoder: Any) -> np.ndarray:
    rows: list[np.ndarray] = [np.zeros(0)] * len(samples)
    by_ctx: dict[int, list[int]] = {}
    for i, s in enumerate(samples):
        by_ctx.setdefault(s.ctx_key, []).append(i)
    for key, idxs in by_ctx.items():
        emb, rest = featurise([samples[i].text for i in idxs], ctxs[key], encoder)
        x = np.concatenate([emb, rest], axis=1)
        for j, i in enumerate(idxs):
            rows[i] = x[j]
    return np.stack(rows).astype(np.float64)


def train(
    data_paths: Sequence[Path],
    scenarios: Any,
    encoder: Any,
    out_dir: Path = ARTIFACT_DIR,
    gaming_replies: Sequence[tuple[str, str, Literal["injection", "stuffing", "genuine"]]] = (),
    folds: int = 5,
    log: Any = print,
) -> TrainResult:
    """Fit, cross-validate and write the model. ``scenarios`` maps an id to a ``Scenario``;
    ``gaming_replies`` are (scenario id, reply, trainer's verdict) from ``train``-status grader sets."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from .. import text as T
    from .reader import context_for

    turns = load_labelled(data_paths)
    ctxs: list[SentenceContext] = []
    samples: list[Sample] = []
    missing = sorted({t.scenario for t in turns if t.scenario not in scenarios})
    if missing:
        raise ValueError(f"labelled turns name scenarios that are not in the bank: {', '.join(missing[:8])}")
    from ..models import Turn

    for t in turns:
        sc = scenarios[t.scenario]
        ctx = context_for(sc, [Turn(role="buyer", text=t.buyer_line)], t.concern_revealed)
        ctxs.append(ctx)
        for s in t.sentences:
            samples.append(Sample(t.scenario, s.text, len(ctxs) - 1, set(s.labels)))
    gaming_known = {"injection", "stuffing"}
    pending_injection: list[list[int]] = []
    for sid, reply, verdict in gaming_replies:
        sc = scenarios.get(sid)
        if sc is None:
            continue
        ctxs.append(context_for(sc, [], False))
        sents = T.sentences(reply)
        first = len(samples)
        for sent in sents:
            labels = {"stuffing"} if verdict == "stuffing" else set()
            samples.append(Sample(sid, sent, len(ctxs) - 1, labels, gaming_known))
        if verdict == "injection":
            pending_injection.append(list(range(first, len(samples))))
    log(f"featurising {len(samples)} sentences from {len(turns)} labelled turns "
        f"and {len(gaming_replies)} gaming-labelled replies")
    x = _matrix(samples, ctxs, encoder)
    emb_dim = x.shape[1] - HASH_DIM - len(STRUCT_NAMES)
    mean = np.zeros(x.shape[1])
    scale = np.ones(x.shape[1])
    scale[emb_dim:emb_dim + HASH_DIM] = 1.0 / HASH_WEIGHT
    struct = slice(emb_dim + HASH_DIM, x.shape[1])
    mean[struct] = x[:, struct].mean(axis=0)
    sd = x[:, struct].std(axis=0)
    scale[struct] = np.where(sd > 1e-6, sd, 1.0)
    xs = (x - mean) / scale
    groups = np.array([s.group for s in samples])

    def fit(rows: np.ndarray, y: np.ndarray) -> Any:
        m = LogisticRegression(C=C_VALUE, class_weight="balanced", max_iter=3000)
        m.fit(xs[rows], y)
        return m

    def y_for(label: str) -> tuple[np.ndarray, np.ndarray]:
        rows = np.array([i for i, s in enumerate(samples) if s.known is None or label in s.known])
        y = np.array([1 if label in samples[i].labels else 0 for i in rows])
        return rows, y

    # Injection sentences inside replies a trainer marked as injection: the most suspicious one.
    if pending_injection:
        rows, y = y_for("injection")
        if y.sum() >= 5:
            first_model = fit(rows, y)
            for idxs in pending_injection:
                p = first_model.predict_proba(xs[idxs])[:, 1]
                samples[idxs[int(np.argmax(p))]].labels.add("injection")

    rng = np.random.default_rng(SEED)
    weights = np.zeros((len(LABELS), x.shape[1]), dtype=np.float32)
    bias = np.zeros(len(LABELS), dtype=np.float32)
    thresholds = np.full(len(LABELS), 0.5, dtype=np.float32)
    per_label: dict[str, dict[str, Any]] = {}
    for k, label in enumerate(LABELS):
        rows, y = y_for(label)
        pos = int(y.sum())
        if pos < 3:
            thresholds[k] = 1.01
            per_label[label] = {"positives": pos, "note": "too few examples: never read as present"}
            continue
        oof = np.zeros(len(rows))
        g = groups[rows]
        n_splits = min(folds, len(set(g)))
        for tr, te in GroupKFold(n_splits=n_splits).split(rows, y, g):
            if y[tr].sum() == 0:
                continue
            oof[te] = fit(rows[tr], y[tr]).predict_proba(xs[rows[te]])[:, 1]
        best = _threshold(oof, y, label in FLAGS)
        pred = oof >= best
        stats = _bootstrap((pred & (y == 1)).astype(float), (pred & (y == 0)).astype(float),
                           (~pred & (y == 1)).astype(float), rng)
        per_label[label] = {"positives": pos, "threshold": best, **stats}
        m = fit(rows, y)
        weights[k] = m.coef_[0].astype(np.float32)
        bias[k] = np.float32(m.intercept_[0])
        thresholds[k] = best
        f1 = stats["f1"]
        log(f"  {label:22s} n+={pos:4d} thr={best:.3f} P={stats['precision'][0]:.2f} "
            f"R={stats['recall'][0]:.2f} F1={f1[0]:.2f} [{f1[1]:.2f}, {f1[2]:.2f}]")
    arrays = {"weights": weights, "bias": bias, "thresholds": thresholds,
              "mean": mean.astype(np.float32), "scale": scale.astype(np.float32)}
    raw = _deterministic_npz(arrays)
    fingerprint = _fingerprint(list(data_paths))
    manifest = {
        "version": f"{MODEL_VERSION}+{fingerprint}",
        "labels": list(LABELS),
        "encoder": getattr(encoder, "name", "?"),
        "features": {"embedding": emb_dim, "hashed": HASH_DIM, "structural": list(STRUCT_NAMES)},
        "training": {"files": sorted(p.name for p in data_paths), "fingerprint": fingerprint,
                     "turns": len(turns), "sentences": len(samples),
                     "gaming_replies": len(gaming_replies), "cv": f"GroupKFold({folds}) by scenario"},
        "per_label": per_label,
        "weights_sha256": hashlib.sha256(raw).hexdigest(),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "tagger.npz").write_bytes(raw)
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    (out_dir / "tagger.json").write_text(text, encoding="utf-8")
    return TrainResult(out_dir, len(samples), fingerprint, per_label)
