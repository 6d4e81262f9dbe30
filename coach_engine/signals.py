"""Rep-behaviour signals: the shared vocabulary of the buyer director and the grader.

INTERFACE NOTE (foundation): the ``Behaviour`` names below are referenced by
rubric YAML (``any_of`` / ``all_of`` / ``none_of``) and by the director's rule
data, so they are a contract. The detectors are implemented in this module by
the buyer work (issue 3); the grader (issue 4) consumes ``detect_signals``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Behaviour(StrEnum):
    # Helpful behaviours
    ACKNOWLEDGE = "acknowledge"
    """Acknowledges or validates the buyer's concern ("that's a fair point given ...")."""
    SUMMARIZE = "summarize"
    """Plays back what the buyer said in the rep's own words ("so what I'm hearing is ...")."""
    OPEN_QUESTION = "open_question"
    """Asks an open question (what / how / why / tell me ...)."""
    CLOSED_QUESTION = "closed_question"
    """Asks a yes/no or either/or question."""
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
    """Proposes a concrete next step (who / what / when)."""
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
    """A long reply or a feature dump."""
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
NEGATIVE: frozenset[Behaviour] = frozenset(set(Behaviour) - POSITIVE)


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
    source: str = "rules"
    """Which detector found it: rules, embeddings, llm."""


@dataclass
class SignalSet:
    """All signals of one rep turn."""

    text: str
    signals: list[Signal] = field(default_factory=list)

    def has(self, behaviour: Behaviour | str, relevant_only: bool = False) -> bool:
        b = Behaviour(behaviour)
        return any(s.behaviour == b and (s.relevant or not relevant_only) for s in self.signals)

    def get(self, behaviour: Behaviour | str) -> list[Signal]:
        b = Behaviour(behaviour)
        return [s for s in self.signals if s.behaviour == b]

    def behaviours(self) -> set[Behaviour]:
        return {s.behaviour for s in self.signals}
