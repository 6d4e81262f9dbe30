""""Try instead" from the team's own best answers, where they exist (issue 12, LAER coaching).

A trainer's stock line is a fair fallback, but the most convincing thing to show
a rep is what a teammate actually said, on this same drill, that scored better.
For each improvement the grader raised (``Improvement.key``: the failed check or
anti-pattern), this finds a sentence in a better-scoring teammate reply to the
same scenario that the shared reading says carries the missing behaviour, from a
reply that shows no anti-pattern and no gaming, and offers it whole, with whose
it was. Nothing is pasted into a template and nothing from another scenario is
used: a sentence naming another buyer would not fit. Misses with no such
sentence keep the trainer's line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Improvement, Scenario, Scorecard, TeamExample, Turn
from ..signals import NEGATIVE, Behaviour, SignalContext, detect_signals
from .feedback import line_kind

if TYPE_CHECKING:
    from ..embeddings import Embedder

__all__ = ["BEHAVIOURS_FOR", "from_team_answers"]

B = Behaviour
BEHAVIOURS_FOR: dict[str, frozenset[Behaviour]] = {
    "explore": frozenset({B.EXPLORE_CONCERN, B.OPEN_QUESTION, B.IMPACT_QUESTION}),
    "acknowledge": frozenset({B.ACKNOWLEDGE}),
    "playback": frozenset({B.SUMMARIZE}),
    "proof": frozenset({B.GIVE_PROOF}),
    "number": frozenset({B.QUANTIFY_VALUE}),
    "value": frozenset({B.TIE_TO_CONCERN}),
    "tie": frozenset({B.TIE_TO_CONCERN}),
    "step": frozenset({B.NEXT_STEP}),
    "confirm": frozenset({B.CONFIRM}),
    "other": frozenset({B.CHECK_OTHER_CONCERNS}),
}
"""The behaviours a sentence must show to stand in for a miss of each coaching kind (``feedback.line_kind``).
Kinds about manner (no pressure, no discount, concise, respectful) keep the trainer's line: a teammate's
sentence can show a move, not the absence of one."""
MIN_WORDS, MAX_WORDS = 5, 40


def from_team_answers(card: Scorecard, scenario: Scenario, examples: list[TeamExample],
                      embedder: Embedder | None) -> Scorecard:
    """The card with each improvement's line taken from a teammate's better reply when one carries it."""
    same = [e for e in examples if e.scenario_id == scenario.id and e.overall > card.overall]
    if not same or not card.improvements:
        return card
    readings = [(e, _sentences_by_behaviour(e.text, scenario, embedder)) for e in same]
    used: set[str] = set()
    improved: list[Improvement] = []
    for imp in card.improvements:
        wanted = BEHAVIOURS_FOR.get(line_kind(imp.key), frozenset())
        line = None
        for example, by_behaviour in readings:  # best-scoring teammate first
            for b in sorted(wanted):
                for sentence in by_behaviour.get(b, []):
                    if sentence not in used and sentence != imp.quote:
                        line = (sentence, example)
                        break
                if line:
                    break
            if line:
                break
        if line is None:
            improved.append(imp)
            continue
        used.add(line[0])
        who = line[1].name or line[1].user
        improved.append(imp.model_copy(update={
            "try_instead": line[0], "try_from": f"{who}'s reply on this drill (scored {line[1].overall})"}))
    return card.model_copy(update={"improvements": improved})


def _sentences_by_behaviour(text: str, scenario: Scenario, embedder: Embedder | None
                            ) -> dict[Behaviour, list[str]]:
    """The shared reading of a teammate's reply: sentence per helpful behaviour, or nothing if it slips."""
    ctx = SignalContext(scenario, [Turn(role="buyer", text=scenario.buyer.opening)], concern_revealed=True)
    signals = detect_signals(text, ctx, embedder)
    if any(s.behaviour in NEGATIVE for s in signals.signals):
        return {}  # a reply with an anti-pattern or gaming in it is nobody's model answer
    out: dict[Behaviour, list[str]] = {}
    for s in signals.signals:
        quote = " ".join(s.quote.split())
        if s.relevant and MIN_WORDS <= len(quote.split()) <= MAX_WORDS:
            out.setdefault(s.behaviour, []).append(quote)
    return out
