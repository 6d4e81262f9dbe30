"""How unsure a rep sounds: hedges and apologies counted across their replies, for one coaching line.

Why a module of its own: an apologetic rep can make every right move ("Sorry, can I just ask, maybe,
what's behind it?") and still sound as if they do not believe their own answer, which a trainer coaches
("say it once, plainly") but a rubric check about *what* was said never sees. Counting is on words, not
meaning: the hedges are a short list a trainer wrote (``hedges.yaml``), so the count explains itself
("'sorry' 9 times"). It coaches only; it moves no score (the trainers' levels the grader is calibrated on
did not mark hedging down).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import text as T
from ..datafiles import StrictData, load_model_file

__all__ = ["Hedging", "hedging"]

HEDGES_PATH = Path(__file__).resolve().parent / "hedges.yaml"
MIN_HEDGES = 4
"""Hedges across the replies from which the rep is coached on them ..."""
PER_REPLY = 1.5
"""... when they also come this often a reply on average: one "I think" in a long drill is speech."""


class _HedgesFile(StrictData):
    version: int
    words: list[str]
    phrases: list[str]


@lru_cache(maxsize=1)
def _hedges() -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    data = load_model_file(HEDGES_PATH, _HedgesFile)
    phrases = tuple(sorted((tuple(T.words(p)) for p in data.phrases), key=len, reverse=True))
    return frozenset(w.lower() for w in data.words), phrases


def _said(sentence: str) -> list[str]:
    """The hedges a sentence says, longest phrase first; a phrase's words are not counted again."""
    single, phrases = _hedges()
    said = T.words(sentence)
    out: list[str] = []
    i = 0
    while i < len(said):
        hit = next((p for p in phrases if tuple(said[i:i + len(p)]) == p), None)
        if hit is not None:
            out.append(" ".join(hit))
            i += len(hit)
            continue
        if said[i] in single:
            out.append(said[i])
        i += 1
    return out


@dataclass(frozen=True)
class Hedging:
    """The hedges said across the replies: how many, the commonest, and the reply and sentence with most."""

    count: int
    replies: int
    common: tuple[tuple[str, int], ...]
    turn: int
    sentence: str

    @property
    def coached(self) -> bool:
        """Often enough that a trainer would say so."""
        return self.count >= MIN_HEDGES and self.count >= PER_REPLY * max(self.replies, 1)

    def note(self) -> str:
        """"Own your answer: 12 hedges or apologies ('sorry' 7 times, 'maybe' 3) ...": the coaching line."""
        top = ", ".join(f"'{w}' {n} time{'s' if n != 1 else ''}" for w, n in self.common)
        return (f"Own your answer: {self.count} hedges or apologies ({top}) make a right answer sound "
                "unsure. Say each point once, plainly.")


def hedging(replies: Sequence[tuple[int, str]]) -> Hedging:
    """The hedges in the rep's replies, each given as (transcript turn, text)."""
    counts: Counter[str] = Counter()
    best = (0, -1, "")
    for turn, text in replies:
        for sentence in T.sentences(text):
            said = _said(sentence)
            counts.update(said)
            if len(said) > best[0]:
                best = (len(said), turn, sentence)
    return Hedging(count=sum(counts.values()), replies=len(replies), common=tuple(counts.most_common(2)),
                   turn=best[1], sentence=best[2])
