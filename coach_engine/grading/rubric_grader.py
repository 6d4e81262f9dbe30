"""The offline grader: rubric checks decided from behaviour signals, every pass quoted.

Why signals, not a model: the same detectors that move the simulated buyer
(``signals.detect_signals``) decide each yes/no check, so a rep is scored on
exactly what the buyer reacted to, offline, in milliseconds, and the same
transcript always gives the same scorecard. This module reads the turns and
puts the card together; how a check is decided from what was read is in
``checks``, how an acknowledgement is weighed against the buyer's words in
``listening``, and the delivery measures in ``delivery``.

Each rep turn is analysed with the conversation before it as context; a turn
that carries the reading made when it was taken (``Turn.reading``, by the
current model, ``signals.stored_signals``) is graded on that reading, not
read again, so the grade rests on what the buyer reacted to.

Relevance and integrity gates: a turn with text addressed to the grader or the
simulation, or made of cue phrases strung together (the reading's gaming
verdict, learned from trainers' labels over the disguise readings), earns nothing —
its positive signals are dropped, it is reported in ``flags`` with the quote,
and the overall is capped (``scoring``). Negative behaviours in such a turn
still count. Scores are then computed by ``scoring.assemble``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

from ..models import Outcome, Rubric, Scenario, Scorecard, Transcript, Turn
from ..rubrics import get_rubric
from ..signals import Behaviour, Signal, SignalSet
from .checks import AnalysedTurn, anti_pattern_hits, evaluate_check, integrity_flags, slips_of
from .delivery import delivery_notes
from .listening import PLAY_BACK_CHECKS, listening_caps, weigh_acknowledgements
from .scoring import LISTED_CAP, OUTCOME_ADJUSTMENT, GradeParts, assemble, checks_for_mode, round_half_up

if TYPE_CHECKING:
    from ..embeddings import Embedder
    from ..signals import SignalContext

Detector = Callable[[str, "SignalContext", "Embedder"], SignalSet]

__all__ = ["AnalysedTurn", "Detector", "RubricGrader", "delivery_notes", "reply_transcript"]

CONCERN_REVEALED_SIMILARITY = 0.5
"""A buyer turn this close (cosine) to the scenario's hidden concern puts the concern on the table."""


def reply_transcript(scenario: Scenario, reply: str) -> Transcript:
    """Single-reply mode: the buyer's opening, then the rep's reply."""
    return Transcript(scenario=scenario.id, turns=[Turn(role="buyer", text=scenario.buyer.opening),
                                                   Turn(role="rep", text=reply)])


def _signalled_gaming(signals: Sequence[Signal]) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """The gaming a detector without a reading reports (a custom ``detector``): its injection and
    keyword-stuffing signals, quoted where it found them."""
    injection = [(s.start, s.end) for s in signals if s.behaviour == Behaviour.INJECTION]
    stuffing = [(s.start, s.end) for s in signals if s.behaviour == Behaviour.KEYWORD_STUFFING]
    return injection, (stuffing[0] if stuffing else None)


def outcome_adjustment(card: Scorecard) -> int:
    """What the drill's outcome added to the overall (``scoring.OUTCOME_ADJUSTMENT``)."""
    if card.mode != "transcript" or card.delivery.rep_turns < 2:
        return 0
    return OUTCOME_ADJUSTMENT.get(card.outcome, 0)


def listed_cap(card: Scorecard, turns: Sequence[AnalysedTurn]) -> Scorecard:
    """A card with a turn that is probably keyword stuffing, short of the verdict, is at most a level-2 reply
    (``scoring.LISTED_CAP``), with a flag that quotes the turn; the verdict itself still zeroes."""
    listed = [t for t in turns if t.listed and not t.void]
    if not listed:
        return card
    flags = [f'reads as keywords strung together (turn {t.index}): at most a level-2 reply: "{t.text}"'
             for t in listed]
    return card.model_copy(update={"overall": min(card.overall, LISTED_CAP), "flags": [*card.flags, *flags]})


def on_trainer_scale(card: Scorecard, parts: GradeParts, mode: str) -> Scorecard:
    """The card with its overall calibrated for the reading in use; a gamed card keeps its capped score."""
    from .calibration import calibrate

    if parts.injection or parts.stuffing:
        return card
    adjust = outcome_adjustment(card)
    value = calibrate(card.overall - adjust, mode) + adjust  # outcome: still modest
    return card.model_copy(update={"overall": max(0, min(100, round_half_up(value)))})


class RubricGrader:
    """Offline grader: signals -> checks -> scores. Deterministic for a given embedder."""

    name = "offline"

    def __init__(self, embedder: Embedder, detector: Detector | None = None, calibrated: bool = True):
        self.embedder = embedder
        self._detector = detector
        self.calibrated = calibrated
        """Put the overall on the trainers' scale (``calibration``); False gives the raw rubric arithmetic."""

    @property
    def detector(self) -> Detector:
        if self._detector is None:
            from ..signals import detect_signals

            self._detector = detect_signals
        return self._detector

    # --- analysis shared with the LLM judge ----------------------------------------

    def _concern_revealed_flags(self, scenario: Scenario, transcript: Transcript) -> list[bool]:
        """Per turn: has the buyer put the hidden concern on the table before this turn?"""
        buyer = [(i, t.text) for i, t in enumerate(transcript.turns) if t.role == "buyer" and i > 0]
        flags = [False] * len(transcript.turns)
        if not buyer:
            return flags
        vecs = self.embedder.embed([scenario.buyer.hidden_concern] + [text for _, text in buyer])
        sims = vecs[1:] @ vecs[0]
        revealed_at = next((i for (i, _), sim in zip(buyer, sims, strict=True)
                            if float(sim) >= CONCERN_REVEALED_SIMILARITY), None)
        if revealed_at is not None:
            for k in range(revealed_at + 1, len(flags)):
                flags[k] = True
        return flags

    def _stored_readings(self, transcript: Transcript) -> dict[int, SignalSet]:
        """Turn index -> signals of the rep turns whose stored reading stands in for reading them again.
        Only for the shared reading: a grader given its own detector reads every turn with it."""
        from ..signals import detect_signals, stored_signals

        if self.detector is not detect_signals:
            return {}
        found = {i: stored_signals(t.reading, t.text, self.embedder) for i, t in transcript.rep_turns()}
        return {i: sigset for i, sigset in found.items() if sigset is not None}

    def _prewarm(self, scenario: Scenario, transcript: Transcript, read: Collection[int] = ()) -> None:
        """One embedding batch for the whole grading: every rep sentence (as the detector splits
        them) of a turn not already ``read``, every buyer turn and the scenario's texts; the detector
        then hits the cache."""
        from ..text import sentence_spans

        texts: list[str] = [scenario.buyer.hidden_concern, scenario.context, scenario.product.summary,
                            scenario.title, *scenario.product.value_points, *scenario.product.proof_points,
                            *([scenario.buyer.next_step] if scenario.buyer.next_step else [])]
        for i, t in enumerate(transcript.turns):
            if t.role == "buyer":
                texts.append(t.text)
            elif i not in read:
                texts.extend(t.text[a:b] for a, b in sentence_spans(t.text, clauses=False))
        self.embedder.embed(list(dict.fromkeys(x for x in texts if x.strip())))

    def analyse(self, scenario: Scenario, transcript: Transcript) -> list[AnalysedTurn]:
        from ..signals import SignalContext

        stored = self._stored_readings(transcript)
        self._prewarm(scenario, transcript, stored.keys())
        revealed = self._concern_revealed_flags(scenario, transcript)
        out = []
        for i, turn in transcript.rep_turns():
            sigset = stored.get(i)
            if sigset is None:
                ctx = SignalContext(scenario=scenario, history=list(transcript.turns[:i]),
                                    concern_revealed=revealed[i])
                sigset = self.detector(turn.text, ctx, self.embedder)
            signals = [s for s in sigset.signals if turn.text[s.start:s.end] == s.quote and s.quote]
            if sigset.analysis is not None:
                gaming = sigset.analysis.gaming
                span = (gaming.start, gaming.end) if gaming is not None else None
                injection = [span] if span and gaming is not None and gaming.kind == "injection" else []
                stuffed = span if gaming is not None and gaming.kind == "stuffing" else None
            else:
                injection, stuffed = _signalled_gaming(signals)
            listed = sigset.analysis is not None and sigset.analysis.listed
            out.append(AnalysedTurn(index=i, text=turn.text, signals=signals, injection=sorted(injection),
                                    stuffed=stuffed, listed=listed))
        weigh_acknowledgements(self.embedder, scenario, transcript, out)
        return out

    # --- Grader interface ---------------------------------------------------------------

    def grade(self, scenario: Scenario, transcript: Transcript, outcome: Outcome | None = None) -> Scorecard:
        return self._grade(scenario, transcript, "transcript", outcome)

    def grade_reply(self, scenario: Scenario, reply: str) -> Scorecard:
        return self._grade(scenario, reply_transcript(scenario, reply), "reply", None)

    def _grade(self, scenario: Scenario, transcript: Transcript, mode: str, outcome: Outcome | None
               ) -> Scorecard:
        from .feedback import build_feedback

        rubric = get_rubric(scenario.rubric)
        turns = self.analyse(scenario, transcript)
        parts = self.parts(rubric, turns, mode)
        card = assemble(scenario=scenario, rubric=rubric, grader=self.name, mode=mode,
                        rep_turns=len(turns), parts=parts, outcome=outcome,
                        delivery=delivery_notes(transcript))
        if self.calibrated:
            card = on_trainer_scale(card, parts, mode)
        card = listed_cap(card, turns)
        generic = {t.index: t.text[s.start:s.end] for t in turns for s in t.signals
                   if (s.behaviour, s.start) in t.generic}
        card.strengths, card.improvements = build_feedback(scenario, rubric, transcript, card, generic)
        return card

    def parts(self, rubric: Rubric, turns: Sequence[AnalysedTurn], mode: str) -> GradeParts:
        checks = {}
        for skill in rubric.skills:
            for check in checks_for_mode(skill.checks, mode):
                echo = check.id in PLAY_BACK_CHECKS.get(rubric.id, ())
                checks[(skill.id, check.id)] = evaluate_check(check, turns, echo)
        flags, injection, stuffing = integrity_flags(turns)
        caps = listening_caps(rubric.id, turns)
        return GradeParts(checks=checks, anti_patterns=anti_pattern_hits(rubric, turns), flags=flags,
                          injection=injection, stuffing=stuffing, slips=slips_of(rubric, checks), caps=caps)
