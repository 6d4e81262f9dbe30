"""The rep's turn as the buyer hears it, before the director counts anything.

A reader's probabilities are not a person's ears. An offence read with doubt (less than ``rules.yaml``'s
``benefit_of_doubt``) is let pass, as a person gives a rep the benefit of the doubt; and keywords strung
together that are probably stuffing, short of the grader's verdict, are heard as a list, not an answer:
what its phrases claim does not count.
"""

from __future__ import annotations

from dataclasses import replace

from ..signals import POSITIVE, Behaviour, Signal, SignalSet

__all__ = ["DOUBTFUL", "hear_list", "let_pass"]

B = Behaviour

DOUBTFUL = frozenset({B.PRESSURE, B.ARGUE, B.DISMISS, B.DISPARAGE, B.OFF_TOPIC})
"""What a turn may be read as with doubt, and then let pass (off-topic included: an aside is no offence)."""


def hear_list(signals: SignalSet) -> SignalSet:
    """The turn as the buyer hears it: keywords strung together that are probably stuffing, short of the
    grader's verdict (``TurnAnalysis.listed``), are a list, not an answer; what its phrases claim does not
    count."""
    a = signals.analysis
    if a is None or not a.listed or not a.sentences:
        return signals
    start, end = a.sentences[0].start, a.sentences[-1].end
    heard = Signal(B.KEYWORD_STUFFING, signals.text[start:end], start, end, a.strung)
    kept = [replace(s, relevant=False) if s.behaviour in POSITIVE else s for s in signals.signals]
    return replace(signals, signals=[*kept, heard])


def let_pass(signals: SignalSet, bar: float) -> SignalSet:
    """The turn as the buyer takes it: an offence (or a stray from the topic) read with less than ``bar``
    probability is let pass, and what the sentence it doubted does counts again."""
    doubted = [s for s in signals.signals if s.behaviour in DOUBTFUL and s.confidence < bar]
    if not doubted:
        return signals
    aside = {(s.start, s.end) for s in doubted if s.behaviour is B.OFF_TOPIC}
    gamed = any(s.behaviour in {B.INJECTION, B.KEYWORD_STUFFING} for s in signals.signals)
    dropped = {id(s) for s in doubted}
    kept = [replace(s, relevant=True) if (s.start, s.end) in aside and s.behaviour in POSITIVE and not gamed
            else s for s in signals.signals if id(s) not in dropped]
    return replace(signals, signals=kept)
