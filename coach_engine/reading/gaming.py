"""Whether a whole turn games the grader: a second, turn-level reading over the sentence readings.

Why a second level: injection (text addressed to the grader or the
simulation) and keyword stuffing (cue phrases strung together without
substance) are verdicts on a *turn*, and a verdict takes the turn's credit to
zero. A sentence head alone is either too eager (a long spec list or a
conditional offer reads a little like an instruction) or too shy (one aside
inside a good reply). The turn head weighs a few general signs together — how
sure the sentence heads are, talk about the drill rather than in it, markup
characters, how many behaviours are claimed per word, a list-like shape, how
few function words join the words (keywords strung together), how many pieces
the turn is cut into and how few words each piece holds — and
is trained on the sentence heads' *cross-validated* probabilities, so it
learns how far to trust them on wording it has not seen. Its thresholds bound
the share of honest turns it zeroes (``train_gaming.GAMING_FALSE_RATE``): a false
verdict costs an honest rep everything.

There are two turn heads, one per kind, each with its own threshold. One head
for both had to trade them off: brief honest turns ("ok, talk thurs") look a
little like stuffing, and to stay precise on them the shared head also
doubted sentences the injection head was sure of. The sentence heads' surest
readings enter as log-odds, so "sure" (0.99) and "certain" (0.9999) differ
as much as they should in a linear head.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["DRILL_SIGNS", "GAMING_FEATURES", "GAMING_KINDS", "LIKELY_STUFFING", "SIGN_COLUMNS",
           "SentenceSigns", "listed_items", "strung_as_said", "strung_text", "strung_together",
           "turn_features"]

GAMING_KINDS = ("injection", "stuffing")
"""The turn heads, in this order (``TaggerModel.gaming_probabilities``)."""
LOG_ODDS_CAP = 9.2
"""Log-odds are clipped here (a probability of 1e-4 or 1 - 1e-4)."""
GAMING_FEATURES = (
    "max_injection", "max_stuffing", "stuffing_share", "mean_stuffing", "max_meta", "meta_any", "markup",
    "speaker", "aside",
    "claims_per_word", "max_feature_dump", "commas", "words", "sentences", "relevance", "questions",
    "function_share", "min_function_share", "keyword_share", "pieces", "words_per_piece",
)
DRILL_SIGNS = ("meta", "markup", "speaker", "aside")
"""Signs that a sentence talks to the drill rather than in it."""
SIGN_COLUMNS = (*DRILL_SIGNS, "function_share")
"""The sentence features (``reading.features``) a sentence hands the turn head, in ``SentenceSigns`` order."""
CLAIMS = ("acknowledge", "playback", "open_question", "explore_concern", "impact_question",
          "check_other_concerns", "state_value", "quantify_value", "give_proof", "tie_to_concern",
          "confirm", "next_step")
"""The behaviours a stuffed turn claims: many of them, in few words."""
KEYWORD_SHARE = 0.2
"""Below this share of function words a sentence is a string of keywords, not speech."""
TERSE_SHARE = 0.3
"""Below this share of function words across the whole turn, it is telegraphese, not speech."""
LIST_COMMAS = 0.5
"""A turn whose ``commas`` feature reaches this (a comma every eight words or closer) is list-shaped."""
MANY_PIECES = 20
"""The ``pieces`` feature (sentences plus commas: how many things the turn lists) stops counting here.

Why the pieces and their length: an honest clipped turn ("Fine. Thursday, 9?") and a stuffed one are both
short pieces with few function words, which is all the other shape features see; what a stuffer does that a
terse rep does not is *list*: fifteen pieces of one or two words. With the two features the stuffing head's
cross-validated recall rose from 0.60 to 0.68 on the same data at the same rate of honest turns zeroed (0.70
in the shipped training). They are signs of stuffing's form only: the injection head, which saw them too
until session 33, read an email signature block as injection (README known limits)."""
STUFFING_FORM = ("pieces", "words_per_piece")
"""The features only the stuffing head learns from (``train_gaming`` zeroes them for the injection head):
signs of a list's form, which taught the injection head to read an email signature as injection."""
LONG_PIECE = 12
"""The ``words_per_piece`` feature stops counting here: a piece this long is a clause of speech, not an
item."""
LIKELY_STUFFING = 0.9
"""A strung-together turn the stuffing head reads at least this likely, below the verdict, is probably
stuffing: the buyer hears a list, not an answer, and the scorecard caps it at a level-2 reply instead of
zeroing it (a verdict must be surer, since it takes an honest rep's turn to nothing). No strong or honest
turn in the bank's buyer scripts or the dev replies reaches it."""


@dataclass
class SentenceSigns:
    """What the turn head needs of one sentence (its gaming readings already merged with its disguises)."""

    words: int
    probs: dict[str, float]
    meta: float
    markup: float
    speaker: float
    aside: float
    function_share: float
    commas: int = 0
    question: bool = False

    @classmethod
    def of(cls, words: int, probs: dict[str, float], marks: Sequence[float], commas: int,
           question: bool) -> SentenceSigns:
        """From the sentence's ``SIGN_COLUMNS`` values, in that order."""
        m = dict(zip(SIGN_COLUMNS, (float(v) for v in marks), strict=True))
        return cls(words, probs, m["meta"], m["markup"], m["speaker"], m["aside"], m["function_share"],
                   commas=commas, question=question)


def _log_odds(p: float) -> float:
    q = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.clip(np.log(q / (1 - q)), -LOG_ODDS_CAP, LOG_ODDS_CAP))


def turn_features(sents: Sequence[SentenceSigns], relevance: float) -> np.ndarray:
    """One row of ``GAMING_FEATURES`` for a turn (``max_injection`` and ``max_stuffing`` as log-odds)."""
    if not sents:
        return np.zeros(len(GAMING_FEATURES), dtype=np.float32)
    words = max(sum(s.words for s in sents), 1)
    inj = [s.probs.get("injection", 0.0) for s in sents]
    stuff = [s.probs.get("stuffing", 0.0) for s in sents]
    stuffed_words = sum(s.words for s, p in zip(sents, stuff, strict=True) if p >= 0.5)
    pieces = sum(s.commas for s in sents) + len(sents)
    claims = sum(sum(1 for c in CLAIMS if s.probs.get(c, 0.0) >= 0.5) for s in sents)
    row = [
        _log_odds(max(inj)), _log_odds(max(stuff)), stuffed_words / words, float(np.mean(stuff)),
        max(s.meta for s in sents), float(any(s.meta > 0 for s in sents)), max(s.markup for s in sents),
        max(s.speaker for s in sents), max(s.aside for s in sents),
        min(claims / words * 10, 3.0) / 3.0, max(s.probs.get("feature_dump", 0.0) for s in sents),
        min(sum(s.commas for s in sents) / words * 4, 1.0), min(words, 150) / 75.0, min(len(sents), 8) / 8.0,
        relevance, sum(s.question for s in sents) / len(sents),
        sum(s.function_share * s.words for s in sents) / words,
        min((s.function_share for s in sents if s.words >= 4), default=0.5),
        sum(s.words for s in sents if s.words >= 4 and s.function_share < KEYWORD_SHARE) / words,
        min(pieces, MANY_PIECES) / MANY_PIECES, min(words / pieces, LONG_PIECE) / LONG_PIECE,
    ]
    return np.asarray(row, dtype=np.float32)


def strung_together(row: np.ndarray) -> bool:
    """Whether a turn has the form keyword stuffing needs: a sentence of keywords strung together, a
    list-shaped turn, or a turn with few function words overall. A stuffing verdict is "cue phrases
    strung together without substance", so a turn of whole spoken sentences is never one, however many
    behaviours its sentences show: that is what an excellent reply looks like too, and a false verdict
    takes an honest rep's turn to zero."""
    f = dict(zip(GAMING_FEATURES, (float(v) for v in row), strict=True))
    return f["keyword_share"] > 0 or f["commas"] >= LIST_COMMAS or f["function_share"] < TERSE_SHARE


SHORT_ITEM_WORDS = 3
"""An item of a list is a few words ("Uptime", "ops lead", "$90k a year")."""


def _split_items(sentence: str) -> list[str]:
    """A sentence's pieces between commas, semicolons, colons and spaced dashes."""
    for mark in (";", ":", " — ", " – ", " - "):
        sentence = sentence.replace(mark, ",")
    return sentence.split(",")


def listed_items(sentences: Sequence[str]) -> bool:
    """Whether the turn's commas make a list: three or more short items, and at least half its items short.

    Comma density alone calls casual speech a list ("Okay, what if I knock 50% off, would that fit?" has a
    comma every four words, and two of its three pieces are clauses); a stuffer's list is items ("Uptime,
    renewals, $90k, Brookfield, payback")."""
    from .. import text as T

    pieces = [p for s in sentences for p in _split_items(s)]
    items = [len(T.words(p)) for p in pieces if T.words(p)]
    short = sum(1 for n in items if n <= SHORT_ITEM_WORDS)
    return short >= 3 and short * 2 >= len(items)


def strung_as_said(row: np.ndarray, sentences: Sequence[str]) -> bool:
    """``strung_together`` as reading a turn asks it: a list must be made of items (``listed_items``), not
    of commas alone, and the shares of function words describe English only (a reply in another language
    is speech the form cannot read: ``text.in_other_language``). Training keeps the wider form, so its
    heads learn from every list-like reply; a turn read is judged by them only when it is really strung
    together."""
    from .. import text as T

    f = dict(zip(GAMING_FEATURES, (float(v) for v in row), strict=True))
    strung = f["keyword_share"] > 0 or f["function_share"] < TERSE_SHARE or (
        f["commas"] >= LIST_COMMAS and listed_items(sentences))
    return strung and not T.in_other_language(" ".join(sentences))


def strung_text(sentences: Sequence[str]) -> bool:
    """``strung_together`` from the words alone (the form needs no model): what training asks of a reply a
    trainer called stuffing before its sentences may teach the stuffing heads."""
    from .. import text as T

    signs = [SentenceSigns(words=len(T.words(s)), probs={}, meta=0.0, markup=0.0, speaker=0.0, aside=0.0,
                           function_share=T.function_share(s), commas=s.count(",")) for s in sentences]
    return strung_together(turn_features(signs, 0.0)) and not T.in_other_language(" ".join(sentences))
