"""The offline grader: rubric checks decided from behaviour signals, every pass quoted.

Why signals, not a model: the same detectors that move the simulated buyer
(``signals.detect_signals``) decide each yes/no check, so a rep is scored on
exactly what the buyer reacted to, offline, in milliseconds, and the same
transcript always gives the same scorecard. How a check is decided:

* each rep turn is analysed with the conversation before it as context; a
  turn that carries the reading made when it was taken (``Turn.reading``, by
  the current model, ``signals.stored_signals``) is graded on that reading,
  not read again, so the grade rests on what the buyer reacted to;
* ``any_of``: a behaviour from the list in a turn the check's ``scope`` allows
  (``first``: the first rep turn; ``last``: the last two; ``before_value``:
  before the rep's first value claim, within the same turn included);
  ``relevant: true`` counts only signals the detector judged relevant to what
  the buyer raised;
* ``all_of``: every listed behaviour somewhere in scope;
* ``none_of``: none of the behaviours in any rep turn, and only once the rep
  has engaged substantively — an empty or minimal transcript never aces it.

Listening: an acknowledgement followed at once by "but" ("I hear you, but ...") is a
rebuttal and never counts for a ``relevant`` check; a play-back check
(``PLAY_BACK_CHECKS``) wants the acknowledgement's sentence to reuse the buyer's
own words or numbers; and an opening statement that hands the buyer's words
back without a stock phrase ("Right, a 2% error rate is already low") is
read as an acknowledgement when the detector found none.

Relevance and integrity gates: a turn with text addressed to the grader or the
simulation, or made of cue phrases strung together (the reading's gaming
verdict, learned from trainers' labels over the disguise readings), earns nothing —
its positive signals are dropped, it is reported in ``flags`` with the quote,
and the overall is capped (``scoring``). Negative behaviours in such a turn
still count. Scores are then computed by ``scoring.assemble``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from ..models import (
    AntiPatternHit,
    CheckResult,
    Delivery,
    Evidence,
    Outcome,
    Rubric,
    RubricCheck,
    Scenario,
    Scorecard,
    Transcript,
    Turn,
)
from ..rubrics import get_rubric
from ..signals import NEGATIVE, Behaviour, Signal, SignalSet
from .scoring import GradeParts, assemble, checks_for_mode

if TYPE_CHECKING:
    from ..embeddings import Embedder
    from ..signals import SignalContext

Detector = Callable[[str, "SignalContext", "Embedder"], SignalSet]

__all__ = ["AnalysedTurn", "Detector", "RubricGrader", "delivery_measure", "delivery_notes",
           "reply_transcript"]

ACK_BEHAVIOURS = frozenset({Behaviour.ACKNOWLEDGE, Behaviour.SUMMARIZE})
SPECIFIC_SIMILARITY = 0.35
"""An acknowledgement this close (cosine) to the buyer's last line fits what they said."""
_STOP_WORDS = (
    "about after again also been before being both could does doing each from have having here into just "
    "more most much only other over same should some such than that their them then there these they this "
    "those through very what when where which while will with would your yours you're that's it's i'm "
    "really totally completely understand understood hear fair point great question sense thanks thank "
    "appreciate sure okay"
)
_STOP = frozenset(_STOP_WORDS.split(" "))
VALUE_BEHAVIOURS = frozenset({Behaviour.STATE_VALUE, Behaviour.QUANTIFY_VALUE, Behaviour.GIVE_PROOF})
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
MIN_ENGAGED_WORDS = 5
"""A reply shorter than this never counts as engaging with the buyer (for ``none_of`` checks)."""
CONCERN_REVEALED_SIMILARITY = 0.5
"""A buyer turn this close (cosine) to the scenario's hidden concern puts the concern on the table."""
MAX_EVIDENCE = 3


_WORDS = re.compile(r"[A-Za-z0-9$%'’-]+")
_YES_BUT = re.compile(r"[^.!?\n]{0,36}?\b(?:but|however)\b(?!\s*,?\s*(?:before|first|let me ask|can i ask|"
                      r"may i ask|i'?d like to (?:ask|understand)|help me understand))", re.I)
"""Read from the start of an acknowledgement: a "but" right after it turns it into a rebuttal (the classic
yes-but), unless the "but" leads into a question ("I hear you, but before I answer, ...")."""
_PLAY_BACK_OPENER = re.compile(
    r"^(?:you'?re right|you are right|that'?s (?:a |an )?(?:real|fair|good|strong|big|hard|huge|serious|"
    r"tough|genuine|reasonable)|fair|good to hear|sounds like|so )", re.I)
_SENTENCES = re.compile(r"[^.!?\n]+[.!?]*")
_CLAUSE_END = re.compile(r"^[^,;:—–-]{1,40}[,;:—–-]\s*")
"""The stock phrase of an acknowledgement is its first short clause ("Fair enough, | ...")."""


def reply_transcript(scenario: Scenario, reply: str) -> Transcript:
    """Single-reply mode: the buyer's opening, then the rep's reply."""
    return Transcript(scenario=scenario.id, turns=[Turn(role="buyer", text=scenario.buyer.opening),
                                                   Turn(role="rep", text=reply)])


_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "ed", "es", "er", "ly", "s")


def _stem(word: str) -> str:
    """A crude suffix strip, so "expected" and "expecting" or "budgets" and "budgeted" count as the same
    word when an acknowledgement is compared with what the buyer said."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> set[str]:
    words = {w.lower().strip("'’-") for w in _WORDS.findall(text)}
    return {_stem(w) for w in words if (len(w) > 3 and w not in _STOP) or any(c.isdigit() for c in w)}


def _sentence_end(text: str, pos: int) -> int:
    """The end of the sentence that contains ``pos`` (after its . ! or ?), or the end of the text."""
    ends = [i for i in (text.find(c, max(pos - 1, 0)) for c in ".!?") if i >= 0]
    return min(ends) + 1 if ends else len(text)


def _after_stock_phrase(sentence: str) -> str:
    """What an acknowledgement sentence says after its stock phrase ("Fair enough, | month-end is
    sacred."), or "" when no stock phrase is found (the sentence is then judged whole)."""
    m = _CLAUSE_END.search(sentence)
    return sentence[m.end():] if m and m.end() < len(sentence.rstrip()) else ""


def word_count(text: str) -> int:
    return len(_WORDS.findall(text))


def delivery_notes(transcript: Transcript) -> Delivery:
    """Reply lengths, the longest monologue, questions asked vs statements made."""
    reps = transcript.rep_turns()
    if not reps:
        return Delivery()
    counts = [(word_count(t.text), i) for i, t in reps]
    longest_words, longest_turn = max(counts, key=lambda c: (c[0], -c[1]))
    questions = statements = 0
    for _, t in reps:
        for sentence in _SENTENCES.findall(t.text):
            if not _WORDS.search(sentence):
                continue
            if sentence.rstrip().endswith("?"):
                questions += 1
            else:
                statements += 1
    return Delivery(rep_turns=len(reps), avg_words=round(sum(c for c, _ in counts) / len(reps), 1),
                    longest_words=longest_words, longest_turn=longest_turn, questions=questions,
                    statements=statements)


@dataclass
class AnalysedTurn:
    """One rep turn with its signals and integrity verdict."""

    index: int
    text: str
    signals: list[Signal]
    injection: list[tuple[int, int]] = field(default_factory=list)
    stuffed: tuple[int, int] | None = None
    generic: set[tuple[Behaviour, int]] = field(default_factory=set)
    echoes: set[tuple[Behaviour, int]] = field(default_factory=set)
    """(behaviour, start) of acknowledgements whose sentence reuses the buyer's own words or numbers
    ("Right, 25% is no small gap"): what a play-back check asks for."""
    """(behaviour, start) of acknowledgements that fit any objection ("I understand."): they never
    count for ``relevant`` checks, which ask for a response to what this buyer said."""

    @property
    def void(self) -> bool:
        return bool(self.injection) or self.stuffed is not None

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
            first = next((t for t in engaged if t.positive()), engaged[0])
            quote = min(first.positive(), key=lambda s: (s.start, s.end)).quote if first.positive() \
                else first.text.strip()
            result.evidence = [Evidence(turn=first.index, quote=quote)]
    result.passed = True
    return result


def delivery_measure(turns: Sequence[AnalysedTurn]) -> str:
    """What an avoided slip rests on, as a measure rather than a quote: the absence of pressure or a
    monologue is not in any one sentence, so the card shows the replies' length and questions instead."""
    words = [word_count(t.text) for t in turns]
    questions = sum(s.rstrip().endswith("?") for t in turns for s in _SENTENCES.findall(t.text))
    longest = max(range(len(words)), key=lambda i: words[i])
    asked = f"{questions} question{'s' if questions != 1 else ''} asked"
    if len(turns) == 1:
        return f"measured: 1 reply of {words[0]} words, {asked}"
    avg = round(sum(words) / len(words))
    return (f"measured: {len(turns)} replies, {avg} words on average, the longest {words[longest]} words "
            f"(reply {longest + 1}), {asked}")


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


def _signalled_gaming(signals: Sequence[Signal]) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """The gaming a detector without a reading reports (a custom ``detector``): its injection and
    keyword-stuffing signals, quoted where it found them."""
    injection = [(s.start, s.end) for s in signals if s.behaviour == Behaviour.INJECTION]
    stuffing = [(s.start, s.end) for s in signals if s.behaviour == Behaviour.KEYWORD_STUFFING]
    return injection, (stuffing[0] if stuffing else None)


def outcome_adjustment(card: Scorecard) -> int:
    """What the drill's outcome added to the overall (``scoring.OUTCOME_ADJUSTMENT``)."""
    from .scoring import OUTCOME_ADJUSTMENT

    if card.mode != "transcript" or card.delivery.rep_turns < 2:
        return 0
    return OUTCOME_ADJUSTMENT.get(card.outcome, 0)


def on_trainer_scale(card: Scorecard, parts: GradeParts, mode: str) -> Scorecard:
    """The card with its overall calibrated for the reading in use; a gamed card keeps its capped score."""
    from .calibration import calibrate
    from .scoring import round_half_up

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
            out.append(AnalysedTurn(index=i, text=turn.text, signals=signals, injection=sorted(injection),
                                    stuffed=stuffed))
        # One more batch for every acknowledgement read with the rest of its sentence.
        windows = [t.text[s.start:_sentence_end(t.text, s.end)] for t in out for s in t.signals
                   if s.behaviour in ACK_BEHAVIOURS]
        if windows:
            self.embedder.embed(list(dict.fromkeys(windows)))
        for t in out:
            history = transcript.turns[:t.index]
            if not t.void:
                t.signals.extend(self._opening_play_back(scenario, history, t.text, t.signals))
                t.signals.extend(_next_step_asked(t.signals))
            t.generic = self._generic_acknowledgements(scenario, history, t.text, t.signals)
            t.echoes = self._echoing_acknowledgements(scenario, history, t.text, t.signals)
        return out

    def _generic_acknowledgements(self, scenario: Scenario, history: Sequence[Turn], text: str,
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
        vecs = self.embedder.embed([buyer[-1], *windows])
        out = set()
        for s, window, vec in zip(acks, windows, vecs[1:], strict=True):
            if _YES_BUT.match(text, s.start):
                out.add((s.behaviour, s.start))  # "I hear you, but ...": the "but" takes it back
                continue
            if _content_words(window) & vocab or float(vec @ vecs[0]) >= SPECIFIC_SIMILARITY:
                continue
            rest = _after_stock_phrase(window)
            if word_count(rest) >= SPECIFIC_REST_WORDS and _content_words(rest):
                continue  # "Fair enough, month-end is off limits.": it goes on to say what it heard
            out.add((s.behaviour, s.start))
        return out

    @staticmethod
    def _opening_play_back(scenario: Scenario, history: Sequence[Turn], text: str,
                           signals: Sequence[Signal]) -> list[Signal]:
        """An opening statement that hands the buyer's own words or numbers back ("Twelve years on that
        route, that's experience you can't buy.") acknowledges them even without a stock phrase.
        Only when no acknowledgement was detected, the sentence is a statement, carries no value claim
        and no negative behaviour, and either reuses two of the buyer's content words or opens like an
        acknowledgement ("You're right ...") and reuses one."""
        if any(s.behaviour in ACK_BEHAVIOURS for s in signals):
            return []
        first = next((m for m in _SENTENCES.finditer(text) if m.group(0).strip()), None)
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

    @staticmethod
    def _echoing_acknowledgements(scenario: Scenario, history: Sequence[Turn], text: str,
                                  signals: Sequence[Signal]) -> set[tuple[Behaviour, int]]:
        """Acknowledgements whose sentence shares a content word or number with the buyer's last lines."""
        buyer = [t.text for t in history if t.role == "buyer"] or [scenario.buyer.opening]
        vocab = _content_words(" ".join(buyer[-2:]))
        return {(s.behaviour, s.start) for s in signals if s.behaviour in ACK_BEHAVIOURS
                and _content_words(text[s.start:_sentence_end(text, s.end)]) & vocab}

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
        card.strengths, card.improvements = build_feedback(scenario, rubric, transcript, card)
        return card

    def parts(self, rubric: Rubric, turns: Sequence[AnalysedTurn], mode: str) -> GradeParts:
        checks = {}
        for skill in rubric.skills:
            for check in checks_for_mode(skill.checks, mode):
                echo = check.id in PLAY_BACK_CHECKS.get(rubric.id, ())
                checks[(skill.id, check.id)] = evaluate_check(check, turns, echo)
        flags, injection, stuffing = integrity_flags(turns)
        caps = {}
        yes_but = YES_BUT_CAP.get(rubric.id)
        if yes_but and any(_YES_BUT.match(t.text, s.start) for t in turns for s in t.positive()
                           if s.behaviour in ACK_BEHAVIOURS):
            caps[yes_but[0]] = yes_but[1]
        return GradeParts(checks=checks, anti_patterns=anti_pattern_hits(rubric, turns), flags=flags,
                          injection=injection, stuffing=stuffing, slips=slips_of(rubric, checks), caps=caps)
