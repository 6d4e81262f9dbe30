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

from .features import HASH_DIM, STRUCT_NAMES, WORD_DIM, SentenceContext, featurise, rest_width
from .gaming import DRILL_SIGNS, SIGN_COLUMNS, strung_text
from .model import ARTIFACT_DIR, FAMILIES, LABELS

__all__ = ["LabelledTurn", "TrainResult", "load_labelled", "train"]

MODEL_VERSION = "reader-1"
HASH_WEIGHT = 0.6
"""Hashed n-grams count for a little less than meaning: they carry negation and scope, not topic."""
C_VALUE = 0.5
MAX_READINGS = 3
SEED = 7


FLAGS = frozenset({"discount", "pressure", "argue", "dismiss", "disparage", "feature_dump", "off_topic",
                   "injection", "stuffing"})
"""Labels that rebuke the rep. A false flag costs a rep who did nothing wrong (the buyer scolds them for
it, the scorecard docks them), so their thresholds favour precision: the lowest threshold whose
cross-validated precision reaches ``FLAG_PRECISION``, else the best F0.5."""
FLAG_PRECISION = 0.8
FAMILY_PRECISION = 0.9
"""A family head flags a rep whose sentence no member head is sure of, and the buyer answers that flag with a
rebuke (or walks away), so it must be surer than one member: at the members' 0.8 its false flags grew with
its recall and a plain-spoken strong rep's concessions drew walk-aways."""
FORM_ONLY = frozenset({"stuffing"})
"""Labels that are a matter of form, not content: their heads see only the shape n-grams and the
structural features. A stuffed
reply strings the scenario's own proof points together, so a head that saw the words would learn those
proof points as stuffing and then flag the honest rep who cites them."""
GAMING_PRECISION = {"injection": 0.95, "stuffing": 0.9}
"""A gaming verdict takes the whole reply to zero, so it must be surer still than a rebuke. Stuffing's
target is a little lower because a false stuffing verdict costs less: it needs the strung-together form
(``gaming.strung_together``), so the honest reply it can hit is already a list of keywords or a
telegraphese turn, which trainers rate low anyway; a false injection verdict can zero an excellent reply."""


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


def _fit_network(x: np.ndarray, y: np.ndarray, hidden: int = HIDDEN) -> Any:
    """A one-hidden-layer network with a logistic output per label, fitted reproducibly."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    net = MLPClassifier(hidden_layer_sizes=(hidden,), alpha=ALPHA, max_iter=EPOCHS, random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of passes is the choice
        return net.fit(x.astype(np.float32), y)


NEVER = 1.01
"""The threshold of a head that may not fire on its own (no probability reaches it)."""


def _threshold(oof: np.ndarray, y: np.ndarray, flag: bool, target: float = FLAG_PRECISION,
               strict: bool = False) -> float:
    """The first threshold whose cross-validated precision reaches ``target`` (flags), else the best F0.5
    (flags) or F1. ``strict``: no fallback; a head that never reaches its target never fires alone."""
    grid = np.round(np.arange(0.30, 0.99, 0.0125), 4)
    scores, precise = [], []
    beta2 = 0.25 if flag else 1.0
    for t in grid:
        pred = oof >= t
        tp, fp, fn = (pred & (y == 1)).sum(), (pred & (y == 0)).sum(), (~pred & (y == 1)).sum()
        scores.append((1 + beta2) * tp / ((1 + beta2) * tp + beta2 * fn + fp) if tp else 0.0)
        precise.append(tp > 0 and tp / (tp + fp) >= target)
    if flag and any(precise):
        return float(grid[precise.index(True)])
    if strict:
        return NEVER
    return float(grid[int(np.argmax(scores))])


def _choose(oof: np.ndarray, y: np.ndarray, flag: bool, rng: np.random.Generator,
            target: float = FLAG_PRECISION, strict: bool = False) -> tuple[float, dict[str, Any]]:
    """A head's threshold (``_threshold``) and its precision, recall and F1 there, with intervals."""
    best = _threshold(oof, y, flag, target, strict)
    pred = oof >= best
    return best, _bootstrap((pred & (y == 1)).astype(float), (pred & (y == 0)).astype(float),
                            (~pred & (y == 1)).astype(float), rng)


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


def _turn_verdict(turn: LabelledTurn) -> str:
    """A labelled turn's gaming verdict: injection if any sentence is one; stuffing if stuffed sentences
    carry at least half its words; else genuine."""
    if any("injection" in s.labels for s in turn.sentences):
        return "injection"
    words = [len(s.text.split()) for s in turn.sentences]
    stuffed = sum(w for w, s in zip(words, turn.sentences, strict=True) if "stuffing" in s.labels)
    return "stuffing" if stuffed * 2 >= max(sum(words), 1) and stuffed else "genuine"


def _add_disguised(samples: list[Sample], gaming_known: set[str]) -> dict[int, list[int]]:
    """Each sentence's disguised readings (``grading.disguise``), appended as samples that speak for the
    gaming labels only, as the reader reads them at run time: a decoded number in an honest sentence must
    not read as an instruction. Returns original index -> its copies."""
    from ..grading.disguise import readings

    copies: dict[int, list[int]] = {}
    for i in range(len(samples)):
        s = samples[i]
        known = gaming_known if s.known is None else s.known & gaming_known
        for r in list(dict.fromkeys(r for r in readings(s.text) if r.strip() and r != s.text))[:MAX_READINGS]:
            copies.setdefault(i, []).append(len(samples))
            samples.append(Sample(s.group, r, s.ctx_key, set(), set(known)))
    return copies


def _fit_gaming(samples: Sequence[Sample], turn_spans: Sequence[tuple[str, int, int, str]],
                copies_of: dict[int, list[int]], oof: np.ndarray, x: np.ndarray, cols: dict[str, int],
                fit_cls: Any, folds: int, rng: np.random.Generator, log: Any) -> dict[str, Any]:
    """The turn-level gaming heads (``reading.gaming``), one per kind, over the sentences' out-of-fold
    readings, each with a threshold chosen on scenario-grouped CV for ``GAMING_PRECISION``."""
    from sklearn.model_selection import GroupKFold

    from .. import text as T
    from .gaming import GAMING_KINDS, SentenceSigns, strung_together, turn_features

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
        oof_turn = np.zeros(len(y))
        for tr, te in GroupKFold(n_splits=min(folds, len(set(groups)))).split(fs, y, g):
            tr = tr[learn[tr]]
            if y[tr].sum() == 0 or y[tr].sum() == len(tr):
                continue
            m = fit_cls(C=1.0, class_weight="balanced", max_iter=3000).fit(fs[tr], y[tr])
            oof_turn[te] = m.predict_proba(fs[te])[:, 1]
        if kind == "stuffing":
            oof_turn[~strung] = 0.0
        reach = kinds != other  # its precision is counted against genuine turns
        best, stats = _choose(oof_turn[reach], y[reach], True, rng, GAMING_PRECISION[kind], strict=True)
        m = fit_cls(C=1.0, class_weight="balanced", max_iter=3000).fit(fs[learn], y[learn])
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


@dataclass
class Design:
    """The training matrix: every sample's features (raw and scaled), labels and scenario group."""

    turns: list[LabelledTurn]
    samples: list[Sample]
    x: np.ndarray
    xs: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    emb_dim: int
    groups: np.ndarray
    form_cols: np.ndarray
    copies_of: dict[int, list[int]]
    turn_spans: list[tuple[str, int, int, str]]

    def y_for(self, label: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows that speak for ``label`` and whether each shows it."""
        rows = np.array([i for i, s in enumerate(self.samples) if s.known is None or label in s.known])
        y = np.array([1 if label in self.samples[i].labels else 0 for i in rows])
        return rows, y


def prepare(
    data_paths: Sequence[Path],
    scenarios: Any,
    encoder: Any,
    gaming_replies: Sequence[tuple[str, str, Literal["injection", "stuffing", "genuine"]]] = (),
    log: Any = print,
) -> Design:
    """Load, featurise and scale the labelled data; pick the injection sentence of each injection reply."""
    from sklearn.linear_model import LogisticRegression

    from .. import text as T
    from .reader import context_for

    turns = load_labelled(data_paths)
    ctxs: list[SentenceContext] = []
    samples: list[Sample] = []
    missing = sorted({t.scenario for t in turns if t.scenario not in scenarios})
    if missing:
        raise ValueError(f"labelled turns name scenarios that are not in the bank: {', '.join(missing[:8])}")
    from ..models import Turn

    turn_spans: list[tuple[str, int, int, str]] = []
    """(scenario, first sample, end sample, verdict) per turn, for the turn-level gaming head."""
    for t in turns:
        sc = scenarios[t.scenario]
        ctx = context_for(sc, [Turn(role="buyer", text=t.buyer_line)], t.concern_revealed)
        ctxs.append(ctx)
        first = len(samples)
        for s in t.sentences:
            samples.append(Sample(t.scenario, s.text, len(ctxs) - 1, set(s.labels)))
        turn_spans.append((t.scenario, first, len(samples), _turn_verdict(t)))
    gaming_known = {"injection", "stuffing"}
    pending_injection: list[list[int]] = []
    for sid, reply, verdict in gaming_replies:
        sc = scenarios.get(sid)
        if sc is None:
            continue
        # Read as the grader reads a single reply: after the buyer's opening (``reply_transcript``).
        ctxs.append(context_for(sc, [Turn(role="buyer", text=sc.buyer.opening)], False))
        sents = T.sentences(reply)
        first = len(samples)
        # A fluent template reply a trainer calls stuffing lacks the form a stuffing verdict needs
        # (``gaming.strung_together``): it is weak on content, which the grader scores, and its whole
        # sentences would teach the stuffing heads that plain questions are cue phrases. It teaches them
        # nothing; the turn heads leave it out for the same reason.
        fluent = verdict == "stuffing" and not strung_text(sents)
        for sent in sents:
            labels = {"stuffing"} if verdict == "stuffing" and not fluent else set()
            samples.append(Sample(sid, sent, len(ctxs) - 1, labels, set() if fluent else gaming_known))
        if verdict == "injection":
            pending_injection.append(list(range(first, len(samples))))
        if len(samples) > first:
            turn_spans.append((sid, first, len(samples), verdict))
    copies_of = _add_disguised(samples, gaming_known)
    log(f"featurising {len(samples)} sentences from {len(turns)} labelled turns "
        f"and {len(gaming_replies)} gaming-labelled replies (disguised readings included)")
    x = _matrix(samples, ctxs, encoder)
    emb_dim = (x.shape[1] - HASH_DIM - len(STRUCT_NAMES)) // 2  # [emb | hashed | struct | negated emb]
    assert x.shape[1] == emb_dim + rest_width(emb_dim)
    mean = np.zeros(x.shape[1])
    scale = np.ones(x.shape[1])
    scale[emb_dim:emb_dim + HASH_DIM] = 1.0 / HASH_WEIGHT
    struct = slice(emb_dim + HASH_DIM, emb_dim + HASH_DIM + len(STRUCT_NAMES))
    mean[struct] = x[:, struct].mean(axis=0)
    sd = x[:, struct].std(axis=0)
    scale[struct] = np.where(sd > 1e-6, sd, 1.0)
    xs = (x - mean) / scale
    groups = np.array([s.group for s in samples])

    form_cols = np.arange(emb_dim + WORD_DIM, struct.stop)  # shape n-grams and structure, no meaning

    design = Design(turns, samples, x, xs, mean, scale, emb_dim, groups, form_cols, copies_of, turn_spans)

    # Injection sentences inside replies a trainer marked as injection: the most suspicious one, if it
    # shows a sign of talking to the drill (``gaming.DRILL_SIGNS``), itself or in a disguised reading of it;
    # merely having a disguised reading is no sign (any "B2B" has a leetspeak one). A pick without a sign is
    # a guess that would teach an honest proof sentence to read as an instruction: that reply's sentences
    # then say nothing about injection, and the turn head still learns from its verdict.
    sign_cols = [emb_dim + HASH_DIM + STRUCT_NAMES.index(c) for c in DRILL_SIGNS]
    if pending_injection:
        rows, y = design.y_for("injection")
        if y.sum() >= 5:
            first_model = LogisticRegression(C=C_VALUE, class_weight="balanced", max_iter=3000)
            first_model.fit(xs[rows], y)
            for idxs in pending_injection:
                p = first_model.predict_proba(xs[idxs])[:, 1]
                pick = idxs[int(np.argmax(p))]
                if max(x[j, sign_cols].max() for j in (pick, *copies_of.get(pick, ()))) > 0:
                    samples[pick].labels.add("injection")
                    continue
                for i in idxs:
                    samples[i].known = set()
                    for j in copies_of.get(i, []):
                        samples[j].known = set()
    for i, extra in copies_of.items():
        for j in extra:
            samples[j].labels = samples[i].labels & gaming_known

    return design


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
        oof_net[held] = _fit_network(xs[whole[fold_of[whole] != f]], y_net[fold_of[whole] != f]
                                     ).predict_proba(xs[held])
    network = _fit_network(xs[whole], y_net)
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
        best, stats = _choose(oof, y, label in FLAGS, rng, strict=member)
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
        best, stats = _choose(oof_net[whole, net_names.index(family)], y, True, rng, FAMILY_PRECISION)
        fam_t[f] = best
        per_label[family] = {"positives": int(y.sum()), "threshold": best, "members": list(members), **stats}
        f1 = stats["f1"]
        log(f"  {family + ' (family)':22s} n+={int(y.sum()):4d} thr={best:.3f} P={stats['precision'][0]:.2f} "
            f"R={stats['recall'][0]:.2f} F1={f1[0]:.2f} [{f1[1]:.2f}, {f1[2]:.2f}]")
    sign_at = {name: emb_dim + HASH_DIM + STRUCT_NAMES.index(name) for name in (*SIGN_COLUMNS, "sim_buyer")}
    gaming = _fit_gaming(samples, turn_spans, copies_of, oof_all, x, sign_at, fit_cls=LogisticRegression,
                         folds=folds, rng=rng, log=log)
    per_label.update(gaming.pop("per_kind"))
    arrays = {"weights": weights, "bias": bias, "thresholds": thresholds,
              "family_weights": fam_w, "family_bias": fam_b, "family_thresholds": fam_t,
              "mean": mean.astype(np.float32), "scale": scale.astype(np.float32), **gaming,
              **_network_arrays(0, network)}
    raw = _deterministic_npz(arrays)
    fingerprint = _fingerprint(list(data_paths))
    manifest = {
        "version": f"{MODEL_VERSION}+{fingerprint}",
        "labels": list(LABELS),
        "families": {k: list(v) for k, v in FAMILIES.items()},
        "networks": [net_names],
        "network": {"hidden": HIDDEN, "alpha": ALPHA, "epochs": EPOCHS, "fitted_on": len(whole)},
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
