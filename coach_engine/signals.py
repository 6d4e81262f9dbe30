"""Rep-behaviour signals: the vocabulary the buyer director and the grader share.

The ``Behaviour`` names are a contract: rubric YAML (``any_of`` / ``all_of`` /
``none_of``) and the director's rule data refer to them.

``detect_signals`` is a view of the one learned reading of a turn
(``coach_engine.reading``, the trained turn reader that replaced the
hand-written detectors of sessions 1-3): every behaviour the reader finds in a sentence
becomes a ``Signal`` whose quote is that exact sentence and whose confidence
is the reader's probability; the turn-level facts (passive, monologue,
gaming) quote the whole turn or the sentence that shows them. The reading
itself rides along as ``SignalSet.analysis``, so the app and the feedback see
the same probabilities the buyer and the grader acted on; the session stores
it with the turn (``Turn.reading``), and ``stored_signals`` turns a stored
reading back into signals (``signals_from``), so a turn is read once, when it
is taken, and only transcripts from elsewhere are read again. Helpful signals of
a gamed turn, and of a sentence the reader finds off topic, are marked
``relevant=False``: neither the director nor the grader credits them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .models import Scenario, Turn
from .text import sentence_spans, whole_span

if TYPE_CHECKING:
    from .embeddings import Embedder
    from .reading.reader import TurnAnalysis, TurnReader

__all__ = [
    "NEGATIVE",
    "POSITIVE",
    "Behaviour",
    "Signal",
    "SignalContext",
    "SignalSet",
    "detect_signals",
    "reader_for",
    "sentence_spans",
    "signals_from",
    "stored_signals",
    "warm_context",
]


class Behaviour(StrEnum):
    # Helpful behaviours
    ACKNOWLEDGE = "acknowledge"
    """Acknowledges or validates the buyer's concern ("that's a fair point given ...")."""
    SUMMARIZE = "summarize"
    """Plays back what the buyer said in the rep's own words."""
    OPEN_QUESTION = "open_question"
    """Asks an open question (what / how / why / tell me ...)."""
    CLOSED_QUESTION = "closed_question"
    """Asks a yes/no question."""
    LOGISTICS_QUESTION = "logistics_question"
    """Asks for admin details (email, calendar, who to send it to): not discovery."""
    EXPLORE_CONCERN = "explore_concern"
    """A question aimed at what is behind the objection."""
    IMPACT_QUESTION = "impact_question"
    """Asks about the cost, consequence or size of the problem (discovery)."""
    STATE_VALUE = "state_value"
    """States a benefit of the product."""
    QUANTIFY_VALUE = "quantify_value"
    """Puts a number on value (money, %, time)."""
    GIVE_PROOF = "give_proof"
    """Customer story, reference or data that backs a claim."""
    TIE_TO_CONCERN = "tie_to_concern"
    """Value linked to the buyer's revealed concern (semantic, via embeddings)."""
    CONFIRM = "confirm"
    """Checks the answer landed ("does that address ...?")."""
    NEXT_STEP = "next_step"
    """Proposes a concrete step: an activity, who takes part and when."""
    CHECK_OTHER_CONCERNS = "check_other_concerns"
    """Asks whether anything else stands in the way."""

    # Anti-patterns
    DISCOUNT = "discount"
    """Offers a discount or concession."""
    PRESSURE = "pressure"
    """Pressure or false urgency."""
    ARGUE = "argue"
    """Argues with or contradicts the buyer."""
    DISPARAGE = "disparage"
    """Runs down a competitor or the incumbent."""
    DISMISS = "dismiss"
    """Dismisses or ignores the objection."""
    PASSIVE = "passive"
    """A minimal reply that moves nothing ("ok", "sure")."""
    MONOLOGUE = "monologue"
    """A long reply (a feature dump is one too: the turn is measured, whatever it says)."""
    FEATURE_DUMP = "feature_dump"
    """A list of product features, tied to nothing the buyer said (a judgement on sentences, not length)."""
    OFF_TOPIC = "off_topic"
    """Not about the buyer's situation or the product."""
    INJECTION = "injection"
    """Instructions aimed at the simulation or the grader."""
    KEYWORD_STUFFING = "keyword_stuffing"
    """Cue phrases strung together without substance."""


POSITIVE: frozenset[Behaviour] = frozenset(
    {
        Behaviour.ACKNOWLEDGE,
        Behaviour.SUMMARIZE,
        Behaviour.OPEN_QUESTION,
        Behaviour.CLOSED_QUESTION,
        Behaviour.EXPLORE_CONCERN,
        Behaviour.IMPACT_QUESTION,
        Behaviour.STATE_VALUE,
        Behaviour.QUANTIFY_VALUE,
        Behaviour.GIVE_PROOF,
        Behaviour.TIE_TO_CONCERN,
        Behaviour.CONFIRM,
        Behaviour.NEXT_STEP,
        Behaviour.CHECK_OTHER_CONCERNS,
    }
)
NEGATIVE: frozenset[Behaviour] = frozenset(set(Behaviour) - POSITIVE - {Behaviour.LOGISTICS_QUESTION})


_LABEL_TO_BEHAVIOUR: dict[str, Behaviour] = {
    "playback": Behaviour.SUMMARIZE,
    "stuffing": Behaviour.KEYWORD_STUFFING,
}


@dataclass(frozen=True)
class Signal:
    """One detected behaviour with the exact span of the rep's text that shows it."""

    behaviour: Behaviour
    quote: str
    """An exact substring of the rep turn (``text[start:end] == quote``)."""
    start: int
    end: int
    confidence: float = 1.0
    relevant: bool = True
    """False when the behaviour is present but not aimed at what the buyer raised."""
    source: str = "reader"
    """Which detector found it: reader, llm."""


@dataclass
class SignalSet:
    """All signals of one rep turn (and the reading they come from)."""

    text: str
    signals: list[Signal] = field(default_factory=list)
    analysis: TurnAnalysis | None = None

    def has(self, behaviour: Behaviour | str, relevant_only: bool = False) -> bool:
        b = Behaviour(behaviour)
        return any(s.behaviour == b and (s.relevant or not relevant_only) for s in self.signals)

    def get(self, behaviour: Behaviour | str) -> list[Signal]:
        b = Behaviour(behaviour)
        return [s for s in self.signals if s.behaviour == b]

    def behaviours(self) -> set[Behaviour]:
        return {s.behaviour for s in self.signals}


@dataclass
class SignalContext:
    """What a detector may know besides the rep's text."""

    scenario: Scenario
    history: list[Turn] = field(default_factory=list)
    """The conversation before this rep turn."""
    concern_revealed: bool = False
    """The hidden concern is on the table (the buyer said it)."""

    def last_buyer_line(self) -> str:
        for t in reversed(self.history):
            if t.role == "buyer":
                return t.text
        return self.scenario.buyer.opening


_READERS: dict[tuple[str, int], TurnReader] = {}
MAX_READERS = 8


def reader_for(embedder: Embedder | None = None) -> TurnReader:
    """The turn reader for this embedder. It reads with the encoder its model was trained with (the
    packaged MiniLM): ``embedder`` is used when it is that encoder, so the caller's cache holds every
    sentence it embeds, otherwise the process's own is built. One reader per model and encoder."""
    from .embeddings import CachedEmbedder, LocalEmbedder, process_embedder
    from .reading.model import load_model

    model = load_model()
    mine = embedder is not None and embedder.name == model.encoder
    key = (model.version, id(embedder) if mine else 0)
    if key not in _READERS:
        encoder: Embedder | None = embedder if mine else None
        encoder = encoder or process_embedder(model.encoder, LocalEmbedder.dim)
        if encoder is None:
            encoder = CachedEmbedder(LocalEmbedder())
        from .reading.reader import TurnReader

        if len(_READERS) >= MAX_READERS:  # embedders come and go in tests and evals; keep the newest
            _READERS.pop(next(iter(_READERS)))
        _READERS[key] = TurnReader(encoder, model)
    return _READERS[key]


def signals_from(analysis: TurnAnalysis) -> SignalSet:
    """The signals a reading shows (see the module docstring)."""
    text = analysis.text
    found: list[Signal] = []
    for s in analysis.sentences:
        off = "off_topic" in s.labels
        for label in s.labels:
            b = _LABEL_TO_BEHAVIOUR.get(label) or Behaviour(label)
            if label == "stuffing":
                continue  # stuffing is a verdict on the turn, below
            relevant = not (off and b in POSITIVE)
            found.append(Signal(b, s.text, s.start, s.end, s.probs.get(label, 1.0), relevant))
    whole = whole_span(text)
    if analysis.passive and whole[1] > whole[0]:
        found.append(Signal(Behaviour.PASSIVE, text[whole[0]:whole[1]], *whole))
    if analysis.monologue:
        found.append(Signal(Behaviour.MONOLOGUE, text[whole[0]:whole[1]], *whole))
    g = analysis.gaming
    if g is not None and g.kind == "stuffing":
        found.append(Signal(Behaviour.KEYWORD_STUFFING, text[g.start:g.end], g.start, g.end, g.probability))
    if g is not None:
        found = [replace(s, relevant=False) if s.behaviour in POSITIVE else s for s in found]
    found.sort(key=lambda s: (s.start, s.behaviour.value))
    return SignalSet(text=text, signals=found, analysis=analysis)


def detect_signals(text: str, ctx: SignalContext, embedder: Embedder | None = None) -> SignalSet:
    """Every behaviour shown in one rep turn, each with the exact sentence that shows it."""
    from .reading.reader import context_for

    reader = reader_for(embedder)
    return signals_from(reader.read(text, context_for(ctx.scenario, ctx.history, ctx.concern_revealed)))


def warm_context(ctx: SignalContext, embedder: Embedder | None = None) -> None:
    """Do now what ``detect_signals`` in ``ctx`` would embed besides the rep's own words, so a caller can
    run it while the rep reads the buyer's line and types (the rep's turn then waits only for theirs)."""
    from .reading.reader import context_for

    reader_for(embedder).warm(context_for(ctx.scenario, ctx.history, ctx.concern_revealed))


def stored_signals(reading: Mapping[str, Any] | None, text: str,
                   embedder: Embedder | None = None) -> SignalSet | None:
    """The signals of a reading stored with a turn (``Turn.reading``), or None when the turn must be read
    again: the reading stands in for ``detect_signals`` only if it is a reading of this very text by the
    reader's current model version. So a turn is read once, when it is taken; transcripts from elsewhere
    and readings by another model are read afresh."""
    if not reading:
        return None
    if reading.get("text") != text or reading.get("model_version") != reader_for(embedder).model.version:
        return None
    from .reading.reader import TurnAnalysis

    try:
        return signals_from(TurnAnalysis.from_dict(dict(reading)))
    except (TypeError, KeyError, ValueError):
        return None  # a reading this code cannot rebuild is made again


def signals_for(texts: Sequence[str], ctx: SignalContext,
                embedder: Embedder | None = None) -> list[SignalSet]:
    """Convenience for evals and tests: detect over several turns with the same context."""
    return [detect_signals(t, ctx, embedder) for t in texts]
