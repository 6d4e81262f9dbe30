"""The training data of ``scrimmage train``: trainers' labelled turns read into one scaled feature matrix.

Why apart from the fitting: what a sentence is taught is decided here, before any head is fitted, and it
is most of what makes the model honest. Labelled turns are checked against the scenario bank; each
sentence is featurised in the context it was said in (the buyer line before it, the concern revealed or
not); gaming-labelled replies from the grader sets add sentences that speak for the gaming labels only,
read as the grader reads a single reply; every sentence's disguised readings (``disguise``) are
added as the reader reads them at run time; and the one sentence of an injection reply that shows it is
picked, or none is, rather than guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .features import HASH_DIM, STRUCT_NAMES, WORD_DIM, SentenceContext, featurise, rest_width
from .gaming import DRILL_SIGNS, strung_text
from .model import LABELS

__all__ = ["C_VALUE", "Design", "LabelledSentence", "LabelledTurn", "Sample", "load_labelled", "prepare"]

HASH_WEIGHT = 0.6
"""Hashed n-grams count for a little less than meaning: they carry negation and scope, not topic."""
C_VALUE = 0.5
"""The logistic heads' inverse L2 penalty (also the first model's, which picks injection sentences)."""
MAX_READINGS = 3


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
    """Each sentence's disguised readings (``disguise``), appended as samples that speak for the
    gaming labels only, as the reader reads them at run time: a decoded number in an honest sentence must
    not read as an instruction. Returns original index -> its copies."""
    from .disguise import readings

    copies: dict[int, list[int]] = {}
    for i in range(len(samples)):
        s = samples[i]
        known = gaming_known if s.known is None else s.known & gaming_known
        for r in list(dict.fromkeys(r for r in readings(s.text) if r.strip() and r != s.text))[:MAX_READINGS]:
            copies.setdefault(i, []).append(len(samples))
            samples.append(Sample(s.group, r, s.ctx_key, set(), set(known)))
    return copies


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

