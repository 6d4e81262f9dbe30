"""Deciding a rubric's yes/no checks from analysed rep turns, every pass quoted.

Why apart from the grader: reading the turns (signals, stored readings, listening) is one job and deciding
the checks from what was read is another; keeping the decision here lets it be driven with scripted turns,
and gives the LLM judge the same slips and integrity flags the offline grader reports. How a check is
decided:

* ``any_of``: a behaviour from the list in a turn the check's ``scope`` allows
  (``first``: the first rep turn; ``last``: the last two; ``before_value``:
  before the rep's first value claim, within the same turn included);
  ``relevant: true`` counts only signals the detector judged relevant to what
  the buyer raised, and never a generic acknowledgement (``listening``);
* ``all_of``: every listed behaviour somewhere in scope;
* ``none_of``: none of the behaviours in any rep turn, and only once the rep
  has engaged substantively — an empty or minimal transcript never aces it.

A turn with text addressed to the grader or the simulation, or made of cue phrases strung together, is
void: its positive signals are dropped and it is reported in the integrity flags with the quote; its
negative behaviours still count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..models import AntiPatternHit, CheckResult, Evidence, Rubric, RubricCheck
from ..signals import NEGATIVE, Behaviour, Signal
from .delivery import delivery_measure, word_count

__all__ = ["ACK_BEHAVIOURS", "MIN_ENGAGED_WORDS", "VALUE_BEHAVIOURS", "AnalysedTurn", "anti_pattern_hits",
           "evaluate_check", "integrity_flags", "slips_of"]

ACK_BEHAVIOURS = frozenset({Behaviour.ACKNOWLEDGE, Behaviour.SUMMARIZE})
VALUE_BEHAVIOURS = frozenset({Behaviour.STATE_VALUE, Behaviour.QUANTIFY_VALUE, Behaviour.GIVE_PROOF})
MIN_ENGAGED_WORDS = 5
"""A reply shorter than this never counts as engaging with the buyer (for ``none_of`` checks)."""
MAX_EVIDENCE = 3


@dataclass
class AnalysedTurn:
    """One rep turn with its signals and integrity verdict."""

    index: int
    text: str
    signals: list[Signal]
    injection: list[tuple[int, int]] = field(default_factory=list)
    stuffed: tuple[int, int] | None = None
    listed: bool = False
    """Probably keyword stuffing, short of the verdict (``reading.TurnAnalysis.listed``): caps the card."""
    generic: set[tuple[Behaviour, int]] = field(default_factory=set)
    """(behaviour, start) of acknowledgements that fit any objection ("I understand."): they never
    count for ``relevant`` checks, which ask for a response to what this buyer said."""
    echoes: set[tuple[Behaviour, int]] = field(default_factory=set)
    """(behaviour, start) of acknowledgements whose sentence reuses the buyer's own words or numbers
    ("Right, 25% is no small gap"): what a play-back check asks for."""

    @property
    def void(self) -> bool:
        return bool(self.injection) or self.stuffed is not None

    @cached_property
    def conceding(self) -> set[int]:
        """Starts of sentences that give the price away (a discount): an acknowledgement said in one is a
        lead-in to the concession, not listening, and earns no listening check."""
        return {s.start for s in self.signals if s.behaviour == Behaviour.DISCOUNT}

    def positive(self) -> list[Signal]:
        return [] if self.void else [s for s in self.signals if s.behaviour not in NEGATIVE]

    def negative(self) -> list[Signal]:
        return [s for s in self.signals if s.behaviour in NEGATIVE and s.behaviour not in
                (Behaviour.INJECTION, Behaviour.KEYWORD_STUFFING)]

    @cached_property
    def judgeable(self) -> bool:
        """A real reply whose manner can be judged (``none_of`` checks), even if it moves nothing: a
        polite exit ("No worries, I'll call you in February then.") is calm and concise, and its
        passivity is scored by the passive anti-pattern and the other skills."""
        return not self.void and word_count(self.text) >= MIN_ENGAGED_WORDS

    @cached_property
    def engaged(self) -> bool:
        if self.void or word_count(self.text) < MIN_ENGAGED_WORDS:
            return False
        if any(s.behaviour == Behaviour.PASSIVE for s in self.signals):
            return False
        return bool(self.positive()) or "?" in self.text


def _first_value_pos(turns: Sequence[AnalysedTurn]) -> tuple[int, int] | None:
    """(position in the rep-turn list, char offset) of the first value claim."""
    for k, t in enumerate(turns):
        starts = [s.start for s in t.positive() if s.behaviour in VALUE_BEHAVIOURS]
        if starts:
            return k, min(starts)
    return None


def _in_scope(check: RubricCheck, turns: Sequence[AnalysedTurn]) -> list[tuple[AnalysedTurn, int | None]]:
    """The turns a check may use, each with an optional char limit (signals must start before it)."""
    if not turns:
        return []
    if check.scope == "first":
        return [(turns[0], None)]
    if check.scope == "last":
        return [(t, None) for t in turns[-2:]]
    if check.scope == "before_value":
        first = _first_value_pos(turns)
        if first is None:
            return [(t, None) for t in turns]
        k, pos = first
        return [(t, None) for t in turns[:k]] + [(turns[k], pos)]
    return [(t, None) for t in turns]


def _matching(check: RubricCheck, behaviours: Sequence[str], scope: Sequence[tuple[AnalysedTurn, int | None]],
              echo: bool = False) -> list[tuple[AnalysedTurn, Signal]]:
    wanted = {Behaviour(b) for b in behaviours}
    out = []
    for turn, limit in scope:
        for s in sorted(turn.positive(), key=lambda s: (s.start, s.end, s.behaviour.value)):
            if s.behaviour not in wanted or (check.relevant and not s.relevant):
                continue
            if check.relevant and (s.behaviour, s.start) in turn.generic:
                continue
            if echo and s.behaviour in ACK_BEHAVIOURS and (s.behaviour, s.start) not in turn.echoes:
                continue
            if s.behaviour in ACK_BEHAVIOURS and s.start in turn.conceding:
                continue  # "I hear you, so I can bring it down to $1,900": heard, to give the price away
            if limit is not None and s.start >= limit:
                continue
            out.append((turn, s))
    return out


def _evidence(matches: Sequence[tuple[AnalysedTurn, Signal]]) -> list[Evidence]:
    """The earliest quote per turn, up to MAX_EVIDENCE turns."""
    out: list[Evidence] = []
    seen: set[int] = set()
    for turn, s in matches:
        if turn.index in seen:
            continue
        seen.add(turn.index)
        out.append(Evidence(turn=turn.index, quote=s.quote))
        if len(out) == MAX_EVIDENCE:
            break
    return out


def evaluate_check(check: RubricCheck, turns: Sequence[AnalysedTurn], echo: bool = False) -> CheckResult:
    """Decide one rubric check from analysed rep turns (the module docstring says how); ``echo``: an
    acknowledgement counts only if it plays back the buyer's own words (``PLAY_BACK_CHECKS``)."""
    scope = _in_scope(check, turns)
    result = CheckResult(id=check.id, question=check.question, passed=False)
    if check.any_of:
        matches = _matching(check, check.any_of, scope, echo)
        if not matches:
            result.note = "not shown"
            return result
        result.evidence = _evidence(matches)
    if check.all_of:
        evidence: list[Evidence] = []
        for b in check.all_of:
            matches = _matching(check, [b], scope)
            if not matches:
                result.evidence = []
                result.note = f"missing: {b}"
                return result
            evidence.extend(_evidence(matches[:1]))
        result.evidence = (result.evidence + evidence)[:MAX_EVIDENCE]
    if check.none_of:
        banned = {Behaviour(b) for b in check.none_of}
        offending = [(t, s) for t in turns for s in t.negative() if s.behaviour in banned]
        if offending:
            t, s = offending[0]
            result.evidence = _evidence(offending)
            result.note = f"{s.behaviour.value} at turn {t.index}"
            return result
        engaged = [t for t in turns if t.judgeable]
        if not engaged:
            result.evidence = []
            result.note = "no substantive reply to judge"
            return result
        if not (check.any_of or check.all_of) and check.evidence == "measure":
            result.note = delivery_measure(engaged)
        elif not (check.any_of or check.all_of):
            result.evidence = _clean_quote(engaged)
    result.passed = True
    return result


def _clean_quote(engaged: Sequence[AnalysedTurn]) -> list[Evidence]:
    """What a passed manner check quotes: the first move of a turn that no slip overlaps, else nothing. A
    sentence that ran the competitor down is never the proof that the rep took the objection seriously,
    though this check bans only dismissing and arguing; nor is a turn that showed no move at all."""
    def clean(t: AnalysedTurn) -> list[Signal]:
        slips = [n for n in t.signals if n.behaviour in NEGATIVE]
        return [s for s in t.positive() if not any(n.start < s.end and s.start < n.end for n in slips)]

    for t in engaged:
        if moves := clean(t):
            return [Evidence(turn=t.index, quote=min(moves, key=lambda s: (s.start, s.end)).quote)]
    return []


def slips_of(rubric: Rubric, checks: dict[tuple[str, str], CheckResult]) -> dict[tuple[str, str], list[int]]:
    """Failed ``none_of`` checks with the turns of their offending quotes."""
    none_of = {(s.id, c.id) for s in rubric.skills for c in s.checks if c.none_of}
    return {k: sorted({e.turn for e in r.evidence}) for k, r in checks.items()
            if k in none_of and not r.passed and r.evidence}


def anti_pattern_hits(rubric: Rubric, turns: Sequence[AnalysedTurn]) -> list[AntiPatternHit]:
    hits: list[AntiPatternHit] = []
    for skill in rubric.skills:
        for ap in skill.anti_patterns:
            b = Behaviour(ap.behaviour)
            ev = []
            for t in turns:
                found = sorted((s for s in t.negative() if s.behaviour == b), key=lambda s: (s.start, s.end))
                if found:
                    ev.append(Evidence(turn=t.index, quote=found[0].quote))
            if ev:
                hits.append(AntiPatternHit(id=ap.id, skill=skill.id, description=ap.description, evidence=ev))
    return hits


def integrity_flags(turns: Sequence[AnalysedTurn]) -> tuple[list[str], bool, bool]:
    flags: list[str] = []
    injection = stuffing = False
    for t in turns:
        for s, e in t.injection:
            injection = True
            flags.append(f'injection (turn {t.index}): text addressed to the grader or simulation earns '
                         f'nothing: "{t.text[s:e]}"')
        if t.stuffed is not None:
            stuffing = True
            s, e = t.stuffed
            flags.append(f'keyword stuffing (turn {t.index}): cue phrases without substance earn nothing: '
                         f'"{t.text[s:e]}"')
    return flags, injection, stuffing
