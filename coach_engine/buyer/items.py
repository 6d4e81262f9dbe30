"""Reading a manager's resolution item into the requirement it states, by a model trained on labels.

Managers write items in their own words ("with empathy", "asks for a brief intro
call", "respects the current relationship instead of attacking X"); a pattern pile
grown one wording at a time misfiled a quarter of the items in other teams'
scenarios. So the kind of an item is read by a small logistic model trained on
trainers' labels (``evals/data/items``) over the shared MiniLM embedding plus
hashed word n-grams, with a words-only twin for runs without a semantic encoder.
An item may also say its kind outright (``kind:`` in the YAML), which always wins.

The reading comes with its confidence, so nothing is filed silently: when the
model is unsure, ``scrimmage scenarios validate`` and the Studio say "read as
…; set ``kind:`` to be sure". The artifact is a few numpy arrays plus a JSON
manifest (``artifacts/items.npz``, ``items.json``), rebuilt by ``scrimmage train
--items``.
"""

from __future__ import annotations

import itertools
import json
import zlib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..datafiles import StrictData, load_model_file
from ..embeddings import is_semantic
from ..errors import ScrimmageError
from ..models import Scenario
from ..text import words
from .item_rules import breaking, forbidden

if TYPE_CHECKING:
    from ..embeddings import Embedder

__all__ = ["ITEM_ARTIFACT", "ItemModel", "ItemModelError", "ItemReading", "describe_kind", "featurise_items",
           "load_item_model", "read_item", "read_items", "scenario_items"]

ITEM_ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "items.npz"
KINDS_PATH = Path(__file__).resolve().parent / "item_kinds.yaml"
WORD_DIM = 1024
ALSO_SHARE = 0.15
"""An unsure item asks for every kind the model gives this much weight (``ItemReading.also``), but no
hearing or asking kind for an item that most likely asks for an answer (``_asks_less``)."""
_HEARING = frozenset({"acknowledge", "explore", "uncover", "check_other"})
"""Kinds met by hearing the buyer out or asking: the first half of a call (LAER's listen and explore)."""


def _asks_less(kind: str, best: str) -> bool:
    """Whether ``kind`` is a hearing or asking move and ``best`` an answering or advancing one: an unsure
    item that most likely asks for an answer ("Offers a phased rollout, dated") is never met by the opening
    question for being unsure; a step item may still be met by an alternative (a side-by-side trial)."""
    return kind in _HEARING and best not in _HEARING


class ItemModelError(ScrimmageError):
    """The item-reading model is missing or unreadable."""


@dataclass(frozen=True)
class ItemReading:
    """What an item asks for, how sure the reading is, and whether the author said so (``kind:``)."""

    text: str
    kind: str
    confidence: float
    explicit: bool = False
    confident: bool = True
    also: tuple[str, ...] = ()
    """When unsure, the other kinds the model gives real weight (``ALSO_SHARE`` or more), likeliest first:
    the buyer takes the item as asking for any of them."""
    forbids: str = ""
    """The behaviour the item rules out ("doesn't discount": ``discount``; ``item_rules``): it is then a rule
    kept unless broken, not a move to make."""

    def note(self) -> str:
        """What an author is told: how the item was read, and what to do when the reading is unsure."""
        said = f"read as '{self.kind}' ({describe_kind(self.kind)})"
        if self.forbids:
            return (f"read as a rule the rep keeps: met unless a turn {breaking(self.forbids)}; set kind: "
                    "to make it a move the rep must make instead")
        if self.explicit:
            return f"{self.kind} ({describe_kind(self.kind)}), as its kind: says"
        if self.confident:
            return said
        where = ", or where ".join(describe_kind(k) for k in (self.kind, *self.also))
        return f"{said}, but not surely; set kind: to be sure (until then a turn where {where} meets it)"


@dataclass(frozen=True)
class ItemModel:
    kinds: tuple[str, ...]
    weights: np.ndarray
    """(n_kinds, n_features) over the encoder's sentence embedding and the hashed word n-grams."""
    bias: np.ndarray
    word_weights: np.ndarray
    """The words-only twin's (n_kinds, n_hashed): what reads an item when no semantic encoder is on."""
    word_bias: np.ndarray
    min_confidence: float
    """The top kind's probability from which a reading is confident (chosen on the labelled items)."""
    encoder: str
    """The embedder the weights were trained over; another one's vectors fall back to the words-only twin."""
    word_min_confidence: float
    """The words-only reading's own floor (chosen the same way), for when the sentence model is not there."""

    def _semantic(self, embedder: Embedder | None) -> bool:
        return embedder is not None and is_semantic(embedder) and embedder.name == self.encoder

    def probabilities(self, texts: list[str], embedder: Embedder | None) -> np.ndarray:
        if self._semantic(embedder):
            assert embedder is not None
            x = np.concatenate([embedder.embed(texts), _hashed(texts)], axis=1)
            return _softmax(x @ self.weights.T + self.bias)
        return self.word_probabilities(texts)

    def word_probabilities(self, texts: list[str]) -> np.ndarray:
        """The words-only reading (the fallback without the sentence model, and a second opinion with it)."""
        return _softmax(_hashed(texts) @ self.word_weights.T + self.word_bias)

    def word_kinds(self, texts: list[str], embedder: Embedder | None) -> np.ndarray | None:
        """The kind the words alone name for each text: the second opinion beside the sentence model (None
        without it, when the words are the only reading)."""
        return self.word_probabilities(texts).argmax(axis=1) if self._semantic(embedder) else None

    def sure(self, probs: np.ndarray, words: np.ndarray | None) -> np.ndarray:
        """Which readings to trust: over ``min_confidence``, and the words alone (``word_kinds``) point to
        the same kind.

        A phrase that is no requirement at all ("Blue sky synergy alignment") can land over the bar by the
        meaning model's nearest guess; the words-only model then points elsewhere, and the author is told to
        set ``kind:``. Real items agree far more often (on dev 67 of 75 confident readings, right 0.955
        against 0.933). Without the sentence model, the words-only reading has its own floor."""
        if words is None:
            return np.asarray(probs.max(axis=1) >= self.word_min_confidence)
        return np.asarray((probs.max(axis=1) >= self.min_confidence) & (probs.argmax(axis=1) == words))


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    return np.asarray(p / p.sum(axis=1, keepdims=True))


def _hashed(texts: list[str]) -> np.ndarray:
    """Word unigrams and bigrams hashed into ``WORD_DIM`` signed buckets, L2-normalised per text."""
    out = np.zeros((len(texts), WORD_DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        toks = words(text)
        for gram in [*toks, *(f"{a} {b}" for a, b in itertools.pairwise(toks))]:
            h = zlib.crc32(gram.encode("utf-8"))
            out[i, h % WORD_DIM] += 1.0 if (h >> 31) & 1 else -1.0
        norm = float(np.linalg.norm(out[i]))
        if norm:
            out[i] /= norm
    return out


def featurise_items(texts: list[str], embedder: Embedder | None) -> tuple[np.ndarray, np.ndarray]:
    """(full features, words-only features) for training: the same columns the model reads at run time."""
    hashed = _hashed(texts)
    if embedder is None:
        return hashed, hashed
    return np.concatenate([embedder.embed(texts), hashed], axis=1), hashed


@lru_cache(maxsize=2)
def load_item_model(path: str = str(ITEM_ARTIFACT)) -> ItemModel:
    p = Path(path)
    try:
        with np.load(p) as data:
            manifest = json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))
            return ItemModel(
                kinds=tuple(manifest["kinds"]),
                weights=data["weights"], bias=data["bias"],
                word_weights=data["word_weights"], word_bias=data["word_bias"],
                min_confidence=float(manifest["min_confidence"]), encoder=str(manifest["encoder"]),
                word_min_confidence=float(manifest.get("word_min_confidence", manifest["min_confidence"])),
            )
    except (OSError, KeyError, ValueError) as exc:
        raise ItemModelError(
            f"The resolution-item model at {p} is missing or unreadable ({exc}); rebuild it with "
            "`scrimmage train --items`."
        ) from None


class _KindsFile(StrictData):
    """``item_kinds.yaml``: each requirement kind in an author's words."""

    version: int
    kinds: dict[str, str]


@lru_cache(maxsize=1)
def _kinds_text() -> dict[str, str]:
    return load_model_file(KINDS_PATH, _KindsFile).kinds


def describe_kind(kind: str) -> str:
    """A kind in words, for authors ("proof" -> "backs the claim with a comparable customer's result")."""
    return _kinds_text().get(kind, kind)


def read_items(texts: list[str], embedder: Embedder | None = None,
               kinds: list[str | None] | None = None) -> list[ItemReading]:
    """Read every item of a scenario in one batch; an explicit kind wins over the model."""
    given = kinds or [None] * len(texts)
    todo = [t for t, k in zip(texts, given, strict=True) if k is None]
    model = load_item_model() if todo else None
    probs = model.probabilities(todo, embedder) if model is not None and todo else np.zeros((0, 0))
    worded = model.word_kinds(todo, embedder) if model is not None and todo else None
    trusted = model.sure(probs, worded) if model is not None and todo else np.zeros(0, dtype=bool)
    out: list[ItemReading] = []
    row = 0
    for text, kind in zip(texts, given, strict=True):
        if kind is not None:
            out.append(ItemReading(text=text, kind=kind, confidence=1.0, explicit=True))
            continue
        assert model is not None
        p = probs[row]
        row += 1
        best = int(p.argmax())
        sure = bool(trusted[row - 1])
        also = () if sure else tuple(model.kinds[k] for k in np.argsort(-p)
                                     if k != best and p[k] >= ALSO_SHARE
                                     and not _asks_less(model.kinds[k], model.kinds[best]))
        out.append(ItemReading(text=text, kind=model.kinds[best], confidence=float(p[best]), confident=sure,
                               also=also, forbids=forbidden(text)))
    return out


def read_item(text: str, embedder: Embedder | None = None) -> ItemReading:
    return read_items([text], embedder)[0]


def scenario_items(scenario: Scenario, embedder: Embedder | None = None) -> list[ItemReading]:
    """How each of a scenario's resolution items is read (explicit ``kind:`` first), each read as said in
    words ("get a 2nd mtg w/ date + who" as "... meeting with date and who": a next step), and kept as
    the manager wrote it."""
    from .casual import written_out

    specs = scenario.buyer.items
    read = read_items([written_out(s.text, scenario) for s in specs], embedder, [s.kind for s in specs])
    return [replace(r, text=s.text) for r, s in zip(read, specs, strict=True)]

