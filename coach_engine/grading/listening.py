"""Listening: whether an acknowledgement answers what this buyer said, plays their words back, or takes
itself back with a "but".

Why a module of its own: the reading finds acknowledgements, but a stock "I understand." fits any
objection, and trainers score listening on whether the rep heard *this* buyer. These are the grader's
judgements over a read turn, made against the buyer's own last lines:

* an acknowledgement followed at once by "but" ("I hear you, but ...") is a rebuttal and never counts
  for a ``relevant`` check, and on some rubrics caps a skill (``YES_BUT_CAP``);
* one that shares no content word or number with the buyer, is not close to their last line in meaning
  and says nothing of its own after its stock phrase is generic, and never counts for a ``relevant``
  check either;
* a play-back check (``PLAY_BACK_CHECKS``) wants the acknowledgement's sentence to reuse the buyer's own
  words or numbers;
* an opening statement that hands the buyer's words back without a stock phrase ("Right, a 2% error rate
  is already low") is read as an acknowledgement when the detector found none;
* a concrete next step put as a question checks that the answer landed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..models import Scenario, Transcript, Turn
from ..signals import NEGATIVE, Behaviour, Signal
from ..text import is_function_word, stem
from .checks import ACK_BEHAVIOURS, VALUE_BEHAVIOURS, AnalysedTurn
from .delivery import SENTENCES, WORDS, word_count

if TYPE_CHECKING:
    from ..embeddings import Embedder

__all__ = ["PLAY_BACK_CHECKS", "YES_BUT_CAP", "listening_caps", "weigh_acknowledgements"]

SPECIFIC_SIMILARITY = 0.35
"""An acknowledgement this close (cosine) to the buyer's last line fits what they said."""
_NOT_PLAY_BACK = frozenset({
    "after", "again", "before", "both", "doing", "each", "having", "much", "through", "while", "yours",
    "totally", "completely", "understand", "understood", "hear", "fair", "point", "great", "question",
    "sense", "thanks", "thank", "appreciate", "sure", "okay",
})
"""Words that repeat nothing the buyer said, beyond the toolkit's function words (``text.is_function_word``):
a few more function words, and what an acknowledgement says whatever the buyer said ("Totally understand,
great question")."""
PLAY_BACK_CHECKS: dict[str, tuple[str, ...]] = {"objection-handling": ("plays-back",),
                                                 "discovery": ()}
"""rubric id -> checks that ask the rep to play back the buyer's words: an acknowledgement passes them only
when its sentence reuses a content word or number the buyer said (fitting in meaning is enough for the
plain acknowledgement check; playing back is more)."""
YES_BUT_CAP: dict[str, tuple[str, int]] = {"objection-handling": ("delivery", 3)}
"""rubric id -> (skill, cap) after a yes-but ("I get it, but honestly ..."): a rebuttal dressed as empathy is
"mostly calm, with a slip" at best."""
SPECIFIC_REST_WORDS = 3
"""An acknowledgement whose sentence goes on for this many words, with a content word among them, says
what it heard in the rep's own terms ("Fair enough, month-end is off limits."): not a stock phrase."""

_YES_BUT = re.compile(r"[^.!?\n]{0,36}?\b(?:but|however)\b(?!\s*,?\s*(?:before|first|let me ask|can i ask|"
                      r"may i ask|i'?d like to (?:ask|understand)|help me understand))", re.I)
"""Read from the start of an acknowledgement: a "but" right after it turns it into a rebuttal (the classic
yes-but), unless the "but" leads into a question ("I hear you, but before I answer, ...")."""
_PLAY_BACK_OPENER = re.compile(
    r"^(?:you'?re right|you are right|that'?s (?:a |an )?(?:real|fair|good|strong|big|hard|huge|serious|"
    r"tough|genuine|reasonable)|fair|good to hear|sounds like|so )", re.I)
_CLAUSE_END = re.compile(r"^[^,;:—–-]{1,40}[,;:—–-]\s*")
"""The stock phrase of an acknowledgement is its first short clause ("Fair enough, | ...")."""

def _content_words(text: str) -> set[str]:
    words = {w.lower().strip("'’-") for w in WORDS.findall(text)}
    said = {w for w in words if len(w) > 3 and w not in _NOT_PLAY_BACK and not is_function_word(w)}
    return {stem(w) for w in said | {w for w in words if any(c.isdigit() for c in w)}}


def _sentence_end(text: str, pos: int) -> int:
    """The end of the sentence that contains ``pos`` (after its . ! or ?), or the end of the text."""
    ends = [i for i in (text.find(c, max(pos - 1, 0)) for c in ".!?") if i >= 0]
    return min(ends) + 1 if ends else len(text)


def _after_stock_phrase(sentence: str) -> str:
    """What an acknowledgement sentence says after its stock phrase ("Fair enough, | month-end is
    sacred."), or "" when no stock phrase is found (the sentence is then judged whole)."""
    m = _CLAUSE_END.search(sentence)
    return sentence[m.end():] if m and m.end() < len(sentence.rstrip()) else ""


def _next_step_asked(signals: Sequence[Signal]) -> list[Signal]:
    """A concrete next step put as a question ("An hour on Monday with your controller?") asks
    the buyer whether the answer so far earns it: trainers credit that as checking it landed. Only when the
    turn has no other check, and never for a step pushed with pressure."""
    kinds = {s.behaviour for s in signals}
    if Behaviour.CONFIRM in kinds or Behaviour.PRESSURE in kinds:
        return []
    return [replace(s, behaviour=Behaviour.CONFIRM) for s in signals
            if s.behaviour == Behaviour.NEXT_STEP and s.relevant and s.quote.rstrip().endswith("?")
            and not _TAG_QUESTION.search(s.quote)][:1]


_TAG_QUESTION = re.compile(r",\s*(?:right|yeah|ok(?:ay)?|correct|yes|no|deal|agreed)\s*\?\s*$", re.I)
"""A step ending in a tag (", right?") tells the buyer what happens next; it does not ask."""


def weigh_acknowledgements(embedder: Embedder, scenario: Scenario, transcript: Transcript,
                           turns: Sequence[AnalysedTurn]) -> None:
    """Judge each read turn's listening against the buyer's lines before it: add the acknowledgements and
    checks the detector missed (not in a void turn), and mark the generic and the echoing ones."""
    # One more batch for every acknowledgement read with the rest of its sentence.
    windows = [t.text[s.start:_sentence_end(t.text, s.end)] for t in turns for s in t.signals
               if s.behaviour in ACK_BEHAVIOURS]
    if windows:
        embedder.embed(list(dict.fromkeys(windows)))
    for t in turns:
        history = transcript.turns[:t.index]
        if not t.void:
            t.signals.extend(_opening_play_back(scenario, history, t.text, t.signals))
            t.signals.extend(_next_step_asked(t.signals))
        t.generic = _generic_acknowledgements(embedder, scenario, history, t.text, t.signals)
        t.echoes = _echoing_acknowledgements(scenario, history, t.text, t.signals)


def listening_caps(rubric_id: str, turns: Sequence[AnalysedTurn]) -> dict[str, int]:
    """Skill -> cap for this rubric when a counted acknowledgement is a yes-but (``YES_BUT_CAP``)."""
    caps = {}
    yes_but = YES_BUT_CAP.get(rubric_id)
    if yes_but and any(_YES_BUT.match(t.text, s.start) for t in turns for s in t.positive()
                       if s.behaviour in ACK_BEHAVIOURS):
        caps[yes_but[0]] = yes_but[1]
    return caps


def _generic_acknowledgements(embedder: Embedder, scenario: Scenario, history: Sequence[Turn], text: str,
                              signals: Sequence[Signal]) -> set[tuple[Behaviour, int]]:
    """Acknowledgements that share nothing with what the buyer said: no content word or number in
    common, and not semantically close to the buyer's last line. The acknowledgement is read with
    the rest of its sentence ("Understood — $20k over the plan is hard to explain.")."""
    acks = [s for s in signals if s.behaviour in ACK_BEHAVIOURS]
    if not acks:
        return set()
    buyer = [t.text for t in history if t.role == "buyer"] or [scenario.buyer.opening]
    vocab = _content_words(" ".join(buyer[-2:]))
    windows = [text[s.start:_sentence_end(text, s.end)] for s in acks]
    vecs = embedder.embed([buyer[-1], *windows])
    out = set()
    for s, window, vec in zip(acks, windows, vecs[1:], strict=True):
        if _YES_BUT.match(text, s.start):
            out.add((s.behaviour, s.start))  # "I hear you, but ...": the "but" takes it back
            continue
        if _content_words(window) & vocab or float(vec @ vecs[0]) >= SPECIFIC_SIMILARITY:
            continue
        if _said_back_next(text, s, window, vocab):
            continue  # "Fair. Season's a fortnight off.": the stock word, then what it heard
        rest = _after_stock_phrase(window)
        if word_count(rest) >= SPECIFIC_REST_WORDS and _content_words(rest):
            continue  # "Fair enough, month-end is off limits.": it goes on to say what it heard
        out.add((s.behaviour, s.start))
    return out


STOCK_WORDS = 3
"""An acknowledgement sentence this short is a stock word ("Fair.", "Got it."): what it heard may follow."""


def _said_back_next(text: str, ack: Signal, window: str, vocab: set[str]) -> bool:
    """A stock acknowledgement on its own ("Fair.") followed at once by a statement that says the buyer's
    words or figures back: a terse rep's way of showing they heard, read as one acknowledgement."""
    if word_count(window) > STOCK_WORDS:
        return False
    start = ack.start + len(window)
    following = text[start:_sentence_end(text, start + 1)].strip()
    return bool(following) and not following.endswith("?") and bool(_content_words(following) & vocab)


def _opening_play_back(scenario: Scenario, history: Sequence[Turn], text: str,
                       signals: Sequence[Signal]) -> list[Signal]:
    """An opening statement that hands the buyer's own words or numbers back ("Twelve years on that
    route, that's experience you can't buy.") acknowledges them even without a stock phrase.
    Only when no acknowledgement was detected, the sentence is a statement, carries no value claim
    and no negative behaviour, and either reuses two of the buyer's content words or opens like an
    acknowledgement ("You're right ...") and reuses one."""
    if any(s.behaviour in ACK_BEHAVIOURS for s in signals):
        return []
    first = next((m for m in SENTENCES.finditer(text) if m.group(0).strip()), None)
    if first is None:
        return []
    start = first.start() + len(first.group(0)) - len(first.group(0).lstrip())
    end = first.start() + len(first.group(0).rstrip())
    sentence = text[start:end]
    if sentence.endswith("?") or _YES_BUT.search(sentence) or word_count(sentence) < 3:
        return []
    blocking = NEGATIVE | VALUE_BEHAVIOURS
    if any(s.start < end and s.end > start and s.behaviour in blocking for s in signals):
        return []
    buyer = [t.text for t in history if t.role == "buyer"] or [scenario.buyer.opening]
    shared = _content_words(sentence) & _content_words(" ".join(buyer[-2:]))
    if len(shared) >= 2 or (shared and _PLAY_BACK_OPENER.match(sentence)):
        return [Signal(behaviour=Behaviour.ACKNOWLEDGE, quote=sentence, start=start, end=end,
                       confidence=0.6, relevant=True, source="grader")]
    return []


def _echoing_acknowledgements(scenario: Scenario, history: Sequence[Turn], text: str,
                              signals: Sequence[Signal]) -> set[tuple[Behaviour, int]]:
    """Acknowledgements whose sentence shares a content word or number with the buyer's last lines, or whose
    stock word is followed by a statement that does (``_said_back_next``)."""
    buyer = [t.text for t in history if t.role == "buyer"] or [scenario.buyer.opening]
    vocab = _content_words(" ".join(buyer[-2:]))
    windows = [(s, text[s.start:_sentence_end(text, s.end)]) for s in signals
               if s.behaviour in ACK_BEHAVIOURS]
    return {(s.behaviour, s.start) for s, window in windows
            if _content_words(window) & vocab or _said_back_next(text, s, window, vocab)}
