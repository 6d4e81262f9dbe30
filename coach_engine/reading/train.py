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

This module fits the sentence heads and writes the artifact; the data it is fitted on is read in
``train_data``, the turn-level gaming heads in ``train_gaming`` and every threshold in
``train_thresholds``.
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

from .features import HASH_DIM, STRUCT_NAMES
from .gaming import SIGN_COLUMNS
from .model import ARTIFACT_DIR, FAMILIES, LABELS
from .train_data import C_VALUE, Sample, prepare
from .train_gaming import fit_gaming
from .train_thresholds import NEVER, choose_threshold

__all__ = ["TrainResult", "train"]

MODEL_VERSION = "reader-1"
SEED = 7
NETWORK_SEEDS = (7, 8, 9)
"""The networks' random starts: the reader averages one network per seed. The seed alone (7 against 8, same
data) moved a grader split by up to 0.016 and won or lost a strong buyer drill per holdout set, so a labelled
set could not be judged by one training, nor a rep's score trusted to hold from one release to the next.
Averaging damps what hangs on one start, at three times the network's training time and 0.8 MB more each."""


FLAGS = frozenset({"discount", "pressure", "argue", "dismiss", "disparage", "feature_dump", "off_topic",
                   "injection", "stuffing"})
"""Labels that rebuke the rep. A false flag costs a rep who did nothing wrong (the buyer scolds them for
it, the scorecard docks them), so their thresholds favour precision: the lowest threshold whose
cross-validated precision reaches ``train_thresholds.FLAG_PRECISION``, else the middle of its best-F0.5
stretch."""
FAMILY_PRECISION = 0.9
"""A family head flags a rep whose sentence no member head is sure of, and the buyer answers that flag with a
rebuke (or walks away), so it must be surer than one member: at the members' 0.8 its false flags grew with
its recall and a plain-spoken strong rep's concessions drew walk-aways."""
FORM_ONLY = frozenset({"stuffing"})
"""Labels that are a matter of form, not content: their heads see only the shape n-grams and the
structural features. A stuffed
reply strings the scenario's own proof points together, so a head that saw the words would learn those
proof points as stuffing and then flag the honest rep who cites them."""


CONTEXT_FEATURES = ("echo", "sim_buyer", "sim_concern", "sim_topic", "revealed", "first", "last", "n_sent")
"""Features of the sentence's place in the drill rather than of the sentence. The gaming heads never see
them: most of their positives come from replies graded alone (after the opening, nothing revealed, one
turn), so through these a head learns where a sentence came from, not what it does, and then reads an
honest close in a graded reply as an instruction. An instruction to the drill is one wherever it sits."""
GAMING_LABELS = frozenset({"injection", "stuffing"})
"""Labels kept on logistic heads (over the sentence alone; stuffing over its form alone): they learn also
from replies labelled for gaming alone, whose sentences
say nothing about the other labels, so they cannot share the network's fit on wholly labelled sentences."""
HIDDEN = 128
ALPHA = 1e-2
EPOCHS = 60
"""The network's width, L2 penalty and passes over the data: chosen once on scenario-grouped CV (macro
average precision 0.857; logistic heads over the same features reached far lower recall on every flag at
0.8 precision: arguing 0.04 against 0.17, pressure 0.34 against 0.53), not per label. A network for
injection too was tried: better sentence figures, but four false verdicts on honest replies where its
logistic head over the sentence alone gives one, and a false verdict zeroes an honest rep."""


def _fit_networks(x: np.ndarray, y: np.ndarray, seeds: Sequence[int] = NETWORK_SEEDS) -> list[Any]:
    """One network per seed (``NETWORK_SEEDS`` unless told), each fitted reproducibly."""
    return [_fit_network(x, y, seed=seed) for seed in seeds]


def _averaged(nets: Sequence[Any], x: np.ndarray) -> np.ndarray:
    """The networks' probabilities, averaged (as ``model.TaggerModel.probabilities`` reads them)."""
    return np.mean([net.predict_proba(x) for net in nets], axis=0)


def _fit_network(x: np.ndarray, y: np.ndarray, hidden: int = HIDDEN, seed: int = SEED) -> Any:
    """A one-hidden-layer network with a logistic output per label, fitted reproducibly."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    net = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=ALPHA, max_iter=EPOCHS, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of passes is the choice
        return net.fit(x.astype(np.float32), y)


@dataclass
class TrainResult:
    out_dir: Path
    samples: int
    fingerprint: str
    per_label: dict[str, dict[str, Any]] = field(default_factory=dict)


def _network_arrays(i: int, net: Any, columns: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """A fitted network's arrays under ``net{i}_`` (``model.NETWORK_ARRAYS``); the wide hidden layer in half
    precision (half the bytes, the same readings to three decimals)."""
    out = {f"net{i}_hidden_weights": net.coefs_[0].T.astype(np.float16),
           f"net{i}_hidden_bias": net.intercepts_[0].astype(np.float32),
           f"net{i}_out_weights": net.coefs_[1].T.astype(np.float32),
           f"net{i}_out_bias": net.intercepts_[1].astype(np.float32)}
    if columns is not None:
        out[f"net{i}_columns"] = columns.astype(np.int32)
    return out


def _fingerprint(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


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


def train(
    data_paths: Sequence[Path],
    scenarios: Any,
    encoder: Any,
    out_dir: Path = ARTIFACT_DIR,
    gaming_replies: Sequence[tuple[str, str, Literal["injection", "stuffing", "genuine"]]] = (),
    folds: int = 5,
    log: Any = print,
    seeds: Sequence[int] = NETWORK_SEEDS,
) -> TrainResult:
    """Fit, cross-validate and write the model. ``scenarios`` maps an id to a ``Scenario``;
    ``gaming_replies`` are (scenario id, reply, trainer's verdict) from ``train``-status grader sets;
    ``seeds``: the networks' random starts (another set than the shipped one shows how much a figure hangs
    on them, so a labelled set is judged by more than one training)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    d = prepare(data_paths, scenarios, encoder, gaming_replies, log)
    turns, samples, x, xs, groups = d.turns, d.samples, d.x, d.xs, d.groups
    emb_dim, form_cols, copies_of, turn_spans = d.emb_dim, d.form_cols, d.copies_of, d.turn_spans
    mean, scale, y_for = d.mean, d.scale, d.y_for

    def fit(rows: np.ndarray, y: np.ndarray, cols: np.ndarray | None = None) -> Any:
        m = LogisticRegression(C=C_VALUE, class_weight="balanced", max_iter=3000)
        m.fit(xs[rows] if cols is None else xs[np.ix_(rows, cols)], y)
        return m


    rng = np.random.default_rng(SEED)
    n_folds = min(folds, len(set(groups)))
    fold_of = np.zeros(len(samples), dtype=int)
    for f, (_, te) in enumerate(GroupKFold(n_splits=n_folds).split(np.zeros(len(samples)), groups=groups)):
        fold_of[te] = f
    oof_all = np.zeros((len(samples), len(LABELS)))
    """Every sentence's out-of-fold probability for every label: what the turn head is trained on."""
    weights = np.zeros((len(LABELS), x.shape[1]), dtype=np.float32)
    bias = np.zeros(len(LABELS), dtype=np.float32)
    thresholds = np.full(len(LABELS), 0.5, dtype=np.float32)
    per_label: dict[str, dict[str, Any]] = {}
    # The network: one hidden layer shared by every label it reads, fitted on the sentences a trainer
    # labelled whole (gaming-only samples speak for two labels, read apart: ``GAMING_LABELS``).
    net_names = [*(label for label in LABELS if label not in GAMING_LABELS), *FAMILIES]

    def shows(sample: Sample, name: str) -> bool:
        return name in sample.labels if name in LABELS else bool(sample.labels & set(FAMILIES[name]))

    context = {emb_dim + HASH_DIM + STRUCT_NAMES.index(n) for n in CONTEXT_FEATURES}

    def head_cols(label: str) -> np.ndarray:
        """The columns a gaming head sees: the form alone for ``FORM_ONLY``; never the context."""
        base = form_cols if label in FORM_ONLY else np.arange(x.shape[1])
        return np.array([c for c in base if c not in context])

    whole = np.array([i for i, s in enumerate(samples) if s.known is None])
    y_net = np.array([[1 if shows(samples[i], n) else 0 for n in net_names] for i in whole])
    oof_net = np.zeros((len(samples), len(net_names)))
    for f in range(n_folds):
        held = np.where(fold_of == f)[0]
        oof_net[held] = _averaged(_fit_networks(xs[whole[fold_of[whole] != f]], y_net[fold_of[whole] != f],
                                                seeds), xs[held])
    networks = _fit_networks(xs[whole], y_net, seeds)
    for k, label in enumerate(LABELS):
        rows, y = y_for(label)
        pos = int(y.sum())
        if pos < 3:
            thresholds[k] = NEVER
            per_label[label] = {"positives": pos, "note": "too few examples: never read as present"}
            continue
        if label in net_names:
            oof_all[:, k] = oof_net[:, net_names.index(label)]
        else:
            for f in range(n_folds):
                train_rows = fold_of[rows] != f
                if y[train_rows].sum() == 0:
                    continue
                held = np.where(fold_of == f)[0]
                cols = head_cols(label)
                m = fit(rows[train_rows], y[train_rows], cols)
                oof_all[held, k] = m.predict_proba(xs[np.ix_(held, cols)])[:, 1]
        oof = oof_all[rows, k]
        # A family member that cannot flag precisely alone leaves it to its family head (``FAMILIES``).
        member = any(label in ms for ms in FAMILIES.values())
        best, stats = choose_threshold(oof, y, label in FLAGS, rng, strict=member)
        per_label[label] = {"positives": pos, "threshold": best, **stats}
        if label not in net_names:
            cols = head_cols(label)
            m = fit(rows, y, cols)
            weights[k, cols] = m.coef_[0].astype(np.float32)
            bias[k] = np.float32(m.intercept_[0])
        thresholds[k] = best
        f1 = stats["f1"]
        log(f"  {label:22s} n+={pos:4d} thr={best:.3f} P={stats['precision'][0]:.2f} "
            f"R={stats['recall'][0]:.2f} F1={f1[0]:.2f} [{f1[1]:.2f}, {f1[2]:.2f}]")
    fam_w = np.zeros((len(FAMILIES), x.shape[1]), dtype=np.float32)
    fam_b = np.zeros(len(FAMILIES), dtype=np.float32)
    fam_t = np.full(len(FAMILIES), NEVER, dtype=np.float32)
    for f, (family, members) in enumerate(FAMILIES.items()):
        y = y_net[:, net_names.index(family)]
        best, stats = choose_threshold(oof_net[whole, net_names.index(family)], y, True, rng,
                                       FAMILY_PRECISION)
        fam_t[f] = best
        per_label[family] = {"positives": int(y.sum()), "threshold": best, "members": list(members), **stats}
        f1 = stats["f1"]
        log(f"  {family + ' (family)':22s} n+={int(y.sum()):4d} thr={best:.3f} P={stats['precision'][0]:.2f} "
            f"R={stats['recall'][0]:.2f} F1={f1[0]:.2f} [{f1[1]:.2f}, {f1[2]:.2f}]")
    sign_at = {name: emb_dim + HASH_DIM + STRUCT_NAMES.index(name) for name in (*SIGN_COLUMNS, "sim_buyer")}
    gaming = fit_gaming(samples, turn_spans, copies_of, oof_all, x, sign_at, fit_cls=LogisticRegression,
                         folds=folds, rng=rng, log=log)
    per_label.update(gaming.pop("per_kind"))
    arrays = {"weights": weights, "bias": bias, "thresholds": thresholds,
              "family_weights": fam_w, "family_bias": fam_b, "family_thresholds": fam_t,
              "mean": mean.astype(np.float32), "scale": scale.astype(np.float32), **gaming,
              **{k: v for i, net in enumerate(networks) for k, v in _network_arrays(i, net).items()}}
    raw = _deterministic_npz(arrays)
    fingerprint = _fingerprint(list(data_paths))
    manifest = {
        "version": f"{MODEL_VERSION}+{fingerprint}",
        "labels": list(LABELS),
        "families": {k: list(v) for k, v in FAMILIES.items()},
        "networks": [net_names] * len(networks),
        "network": {"hidden": HIDDEN, "alpha": ALPHA, "epochs": EPOCHS, "fitted_on": len(whole),
                    "seeds": list(seeds)},
        "encoder": getattr(encoder, "name", "?"),
        "features": {"embedding": emb_dim, "hashed": HASH_DIM, "structural": list(STRUCT_NAMES),
                     "negated_embedding": emb_dim},
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
