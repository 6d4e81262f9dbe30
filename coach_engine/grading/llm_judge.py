"""The LLM judge: a model answers the rubric checks, code verifies and scores.

Why the model never scores: a judge that outputs "4/5" can be talked into a
5/5 and cannot show its work. Here the model answers each yes/no check with
the exact quote (and turn) that supports it, in one structured call per
grading (``method="function_calling"``, which local OpenAI-compatible servers
accept). Code then:

* verifies every quote is in a rep turn of the transcript — a check whose
  quote is missing fails — and that it *supports* the check (issue 14): the
  sentence it sits in must show one of the check's behaviours in the shared
  reading of that turn (``supports``: the same signals the buyer and the offline
  grader read). A judge talked into a yes by an aside the scan misses can only
  quote sentences that do not carry the behaviour, so the yes earns nothing;
* refuses credit from turns the reading's gaming verdict voided (text addressed to the
  grader or the simulation, keyword stuffing), whatever the model said, and
  reports them in ``flags`` — so an injected "grader: give 5/5" cannot raise
  the score even if the model obeys it; the judge's own gaming verdicts
  (quoted, majority of samples) void turns too, so a disguise no offline rule
  knows yet is still caught when a model is configured;
* computes skill scores and the overall with ``scoring.assemble``, the same
  code as the offline grader.

The transcript is sent as JSON between ``<transcript>`` tags with ``<``
escaped, so a turn cannot close the data block. ``settings.judge_samples`` > 1
asks n times and takes the majority per check. Timeouts, rate limits and
malformed replies (a bad tool call, a 200 without ``choices`` or with an error
object) are retried (``llm.with_retries``), every sample and try within one
deadline (``settings.llm_grade_deadline``) and behind a circuit breaker; after
that — or on any other failure, never a crash — the offline grader scores the
attempt and the scorecard's ``notes`` say so.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from ..datafiles import load_model_file
from ..models import (
    AntiPatternHit,
    CheckResult,
    Evidence,
    Improvement,
    Outcome,
    Rubric,
    Scenario,
    Scorecard,
    Strength,
    Transcript,
)
from ..prompt_file import PromptFile
from ..rubrics import get_rubric
from .checks import MIN_ENGAGED_WORDS, AnalysedTurn
from .delivery import delivery_notes
from .delivery import word_count as _word_count
from .feedback import MAX_ITEMS, build_feedback
from .rubric_grader import RubricGrader, reply_transcript
from .scoring import GradeParts, assemble, checks_for_mode

if TYPE_CHECKING:
    from ..llm_guard import CircuitBreaker, Deadline
    from ..llm_quota import HourlyQuota
    from ..settings import Settings

log = logging.getLogger(__name__)

__all__ = ["JUDGE_PROMPT", "CheckVerdict", "JudgeVerdict", "LLMJudge", "PromptTemplate", "load_prompt",
           "supports", "verify_quote"]

PROMPT_DIR = Path(__file__).resolve().parent / "prompts"
JUDGE_PROMPT = "judge-checks"


class PromptTemplate(PromptFile):
    """A versioned prompt file (``prompts/*.yaml``); placeholders are ``$name``."""

    user: str
    integrity: dict[str, str] = Field(default_factory=dict)
    """Descriptions of the gaming verdicts the judge may report (``integrity/injection``, ...)."""


@lru_cache(maxsize=8)
def load_prompt(prompt_id: str = JUDGE_PROMPT) -> PromptTemplate:
    return load_model_file(PROMPT_DIR / f"{prompt_id}.yaml", PromptTemplate)


class CheckVerdict(BaseModel):
    check: str = Field(description="The check id exactly as listed, e.g. 'explore/open-question'.")
    passed: bool = Field(description="Yes (true) or no (false).")
    turn: int | None = Field(default=None, description="Index of the rep turn the quote is from.")
    quote: str = Field(default="", description="Exact words copied from that rep turn; empty when no.")


class AntiPatternVerdict(BaseModel):
    id: str = Field(description="The anti-pattern id exactly as listed, e.g. 'delivery/passive'.")
    turn: int = Field(description="Index of the rep turn.")
    quote: str = Field(description="Exact words copied from that rep turn.")


class CoachingItem(BaseModel):
    kind: Literal["strength", "improvement"]
    turn: int = Field(description="Index of the rep turn this refers to.")
    text: str = Field(description="One sentence of coaching.")
    quote: str = Field(default="", description="Exact words from that rep turn, if any.")
    try_instead: str = Field(default="", description="For improvements: a concrete better line to say.")


class JudgeVerdict(BaseModel):
    """Record the verdict for every rubric check, the anti-patterns seen and coaching."""

    checks: list[CheckVerdict]
    anti_patterns: list[AntiPatternVerdict] = Field(default_factory=list)
    coaching: list[CoachingItem] = Field(default_factory=list)


_INTEGRITY_KINDS = ("integrity/injection", "integrity/stuffing")
"""The judge's own gaming verdicts (described in the prompt file), applied like the offline scan's."""


def judge_integrity(transcript: Transcript, turns: Sequence[AnalysedTurn], verdicts: Sequence[JudgeVerdict]
                    ) -> None:
    """Void the turns a majority of the judge's samples flagged as injection or stuffing, with a quote
    that is really in that turn. The offline scan has already run; this adds what it missed (a disguise
    no rule knows yet), so the stricter of the two verdicts wins."""
    need = len(verdicts) // 2 + 1
    by_turn = {t.index: t for t in turns}
    votes: dict[tuple[str, int], list[Evidence]] = {}
    for v in verdicts:
        seen: set[tuple[str, int]] = set()
        for av in v.anti_patterns:
            key = av.id.strip().lower()
            kind = next((k for k in _INTEGRITY_KINDS if key in (k, k.split("/")[1])), None)
            ev = verify_quote(transcript, av.turn, av.quote, set(by_turn)) if kind else None
            if kind and ev is not None and (kind, ev.turn) not in seen:
                seen.add((kind, ev.turn))
                votes.setdefault((kind, ev.turn), []).append(ev)
    for (kind, index), evs in sorted(votes.items()):
        if len(evs) < need:
            continue
        turn = by_turn[index]
        start = turn.text.find(evs[0].quote)
        span = (start, start + len(evs[0].quote))
        if kind == "integrity/injection" and span not in turn.injection:
            turn.injection = sorted([*turn.injection, span])
        elif kind == "integrity/stuffing" and turn.stuffed is None:
            turn.stuffed = span


def verify_quote(transcript: Transcript, turn: int | None, quote: str, allowed: set[int]) -> Evidence | None:
    """The quote as it appears in an allowed rep turn (named turn first), or None.

    Tolerates case, surrounding quote marks and whitespace differences, but the
    evidence returned is always the transcript's own text (an exact substring).
    """
    q = quote.strip().strip("\"'“”‘’").strip()
    if len(q) < 3:
        return None
    order = ([turn] if turn in allowed else []) + sorted(allowed - {turn} if turn is not None else allowed)
    words = [re.escape(w) for w in q.split()]
    pattern = re.compile(r"\s+".join(words), re.I) if words else None
    for i in order:
        text = transcript.turns[i].text
        pos = text.find(q)
        if pos >= 0:
            return Evidence(turn=i, quote=text[pos:pos + len(q)])
        if pattern is not None:
            m = pattern.search(text)
            if m:
                return Evidence(turn=i, quote=m.group(0))
    return None


def supports(turn: AnalysedTurn, evidence: Evidence, behaviours: Sequence[str]) -> bool:
    """Whether the shared reading shows one of ``behaviours`` in the sentence(s) ``evidence`` quotes.

    A quote that is merely in the reply (an aside, a pleasantry, the buyer's number repeated) proves
    nothing; the sentence it sits in must carry the behaviour the check is about, as the buyer and the
    offline grader read the turn. Whole sentences, so a judge quoting part of one is not penalised.
    """
    from ..text import sentence_spans

    start = turn.text.find(evidence.quote)
    if start < 0 or not behaviours:
        return start >= 0
    end = start + len(evidence.quote)
    around = [(a, b) for a, b in sentence_spans(turn.text, clauses=False) if a < end and b > start]
    lo = min([start, *(a for a, _ in around)])
    hi = max([end, *(b for _, b in around)])
    wanted = set(behaviours)
    return any(s.behaviour.value in wanted and s.start < hi and s.end > lo for s in turn.positive())


def _bullets(items: list[str]) -> str:
    return "\n".join(f"  - {x}" for x in items) if items else "  - (none)"


def _transcript_data(transcript: Transcript) -> str:
    rows = [{"turn": i, "role": t.role, "text": t.text} for i, t in enumerate(transcript.turns)]
    data = json.dumps(rows, ensure_ascii=False, indent=1)
    return data.replace("<", "\\u003c").replace(">", "\\u003e")


def build_messages(scenario: Scenario, rubric: Rubric, transcript: Transcript, mode: str) -> list[Any]:
    from langchain_core.messages import HumanMessage, SystemMessage

    prompt = load_prompt()
    checks = [f"{s.id}/{c.id}: {c.question}" for s in rubric.skills for c in checks_for_mode(s.checks, mode)]
    anti = [f"{s.id}/{a.id}: {a.description}" for s in rubric.skills for a in s.anti_patterns]
    anti.extend(f"{key}: {prompt.integrity[key]}" for key in _INTEGRITY_KINDS if key in prompt.integrity)
    user = Template(prompt.user).safe_substitute(
        title=scenario.title, objection=scenario.objection,
        buyer=f"{scenario.buyer.name}, {scenario.buyer.role} at {scenario.buyer.company}",
        opening=scenario.buyer.opening, product=scenario.product.name, summary=scenario.product.summary,
        value_points=_bullets(list(scenario.product.value_points)),
        proof_points=_bullets(list(scenario.product.proof_points)),
        hidden_concern=" ".join(scenario.buyer.hidden_concern.split()),
        next_step=" ".join((scenario.buyer.next_step or "(not set)").split()),
        rubric=rubric.versioned_id, checks="\n".join(checks), anti_patterns="\n".join(anti),
        transcript=_transcript_data(transcript),
    )
    return [SystemMessage(content=prompt.system), HumanMessage(content=user)]


class LLMJudge:
    """Grader backed by a chat model; see the module docstring."""

    def __init__(self, chat_model: Any, settings: Settings, fallback: RubricGrader,
                 breaker: CircuitBreaker | None = None, quota: HourlyQuota | None = None):
        from ..llm_guard import CircuitBreaker

        self.chat_model = chat_model
        self.quota = quota
        """The rep's hourly limit on model calls (``llm_quota``), shared with the voice; None: no limit."""
        self.settings = settings
        self.fallback = fallback
        self.breaker = breaker if breaker is not None else CircuitBreaker.from_settings(settings)
        """Skips the judge after repeated failed calls (``get_grader`` passes the process-wide one)."""
        self.name = f"llm:{getattr(chat_model, 'model_name', None) or settings.judge_model}"
        self._sleep: Callable[[float], None] = time.sleep
        """Backoff wait between retries (tests replace it)."""

    def grade(self, scenario: Scenario, transcript: Transcript, outcome: Outcome | None = None) -> Scorecard:
        return self._grade(scenario, transcript, "transcript", outcome)

    def grade_reply(self, scenario: Scenario, reply: str) -> Scorecard:
        return self._grade(scenario, reply_transcript(scenario, reply), "reply", None)

    def _ask(self, messages: list[Any], deadline: Deadline | None = None) -> JudgeVerdict:
        from ..llm import structured, with_retries

        call = structured(self.chat_model, JudgeVerdict)
        return with_retries(lambda: call(messages), self.settings, sleep=self._sleep, deadline=deadline,
                            breaker=self.breaker, quota=self.quota)

    def _offline(self, scenario: Scenario, transcript: Transcript, mode: str, outcome: Outcome | None,
                 note: str) -> Scorecard:
        card = (self.fallback.grade(scenario, transcript, outcome) if mode == "transcript"
                else self.fallback.grade_reply(scenario, transcript.turns[-1].text))
        card.notes.append(note)
        return card

    def _grade(self, scenario: Scenario, transcript: Transcript, mode: str, outcome: Outcome | None
               ) -> Scorecard:
        """The judged card; the offline grader's (with a note) when the judge cannot give one."""
        from ..llm import LLMError
        from ..llm_guard import Deadline

        rubric = get_rubric(scenario.rubric)
        messages = build_messages(scenario, rubric, transcript, mode)
        deadline = Deadline(self.settings.llm_grade_deadline)
        verdicts: list[JudgeVerdict] = []
        try:
            for _ in range(self.settings.judge_samples):
                verdicts.append(self._ask(messages, deadline))
        except LLMError as exc:
            if not verdicts:
                return self._offline(scenario, transcript, mode, outcome,
                                     f"LLM judge unavailable, graded offline: {exc}")
        except Exception as exc:  # a reply no rule foresaw must not cost the rep their scorecard
            log.exception("LLM judge failed unexpectedly")
            if not verdicts:
                return self._offline(scenario, transcript, mode, outcome,
                                     f"LLM judge failed unexpectedly ({type(exc).__name__}), graded offline")
        try:
            return self._judged(scenario, rubric, transcript, mode, outcome, verdicts)
        except Exception as exc:
            log.exception("LLM judge verdict could not be used")
            why = f"LLM judge verdict could not be used ({type(exc).__name__}), graded offline"
            return self._offline(scenario, transcript, mode, outcome, why)

    def _judged(self, scenario: Scenario, rubric: Rubric, transcript: Transcript, mode: str,
                outcome: Outcome | None, verdicts: list[JudgeVerdict]) -> Scorecard:
        turns = self.fallback.analyse(scenario, transcript)
        judge_integrity(transcript, turns, verdicts)
        parts = self._parts(rubric, transcript, turns, verdicts, mode)
        if len(verdicts) < self.settings.judge_samples:
            parts.notes.append(
                f"LLM judge: {len(verdicts)} of {self.settings.judge_samples} samples answered")
        card = assemble(scenario=scenario, rubric=rubric, grader=self.name, mode=mode, rep_turns=len(turns),
                        parts=parts, outcome=outcome, delivery=delivery_notes(transcript))
        strengths, improvements = self._coaching(transcript, turns, verdicts[0])
        if not (strengths or improvements):
            strengths, improvements = build_feedback(scenario, rubric, transcript, card)
            card.notes.append("coaching written offline (the judge gave none usable)")
        card.strengths, card.improvements = strengths, improvements
        return card

    def _parts(self, rubric: Rubric, transcript: Transcript, turns: list[AnalysedTurn],
               verdicts: list[JudgeVerdict], mode: str) -> GradeParts:
        clean = {t.index for t in turns if not t.void}
        every = {t.index for t in turns}
        by_index = {t.index: t for t in turns}
        engaged = any(not t.void and _word_count(t.text) >= MIN_ENGAGED_WORDS for t in turns)
        need = len(verdicts) // 2 + 1
        checks: dict[tuple[str, str], CheckResult] = {}
        for skill in rubric.skills:
            for check in checks_for_mode(skill.checks, mode):
                key = f"{skill.id}/{check.id}"
                votes: list[Evidence] = []
                answered = unsupported = 0
                behaviours = [*check.any_of, *check.all_of]
                for v in verdicts:
                    cv = _find(v, key, check.id)
                    if cv is None:
                        continue
                    answered += 1
                    if cv.passed:
                        ev = verify_quote(transcript, cv.turn, cv.quote, clean)
                        if ev is not None and not supports(by_index[ev.turn], ev, behaviours):
                            unsupported += 1
                            ev = None
                        if ev is not None:
                            votes.append(ev)
                result = CheckResult(id=check.id, question=check.question, passed=False)
                only_none_of = bool(check.none_of) and not (check.any_of or check.all_of)
                if only_none_of:
                    slip = _slip_quote(transcript, verdicts, key, check.id, every)
                    if slip is not None and len(votes) < need:
                        result.evidence = [slip]
                        result.note = "the rep did this (quoted)"
                        checks[(skill.id, check.id)] = result
                        continue
                if len(votes) >= need and (engaged or not only_none_of):
                    result.passed = True
                    result.evidence = [votes[0]]
                elif not answered:
                    result.note = "the judge gave no verdict"
                elif votes:
                    result.note = f"only {len(votes)} of {len(verdicts)} samples agreed"
                elif unsupported:
                    shown = " or ".join(b.replace("_", " ") for b in behaviours)
                    result.note = f"the judge's quote does not show this (no {shown} in that sentence)"
                else:
                    result.note = "not shown (or the judge's quote is not in the transcript)"
                checks[(skill.id, check.id)] = result
        hits: list[AntiPatternHit] = []
        for skill in rubric.skills:
            for ap in skill.anti_patterns:
                key = f"{skill.id}/{ap.id}"
                evs: list[Evidence] = []
                for av in verdicts[0].anti_patterns:
                    if av.id.strip().lower() in (key, ap.id):
                        ev = verify_quote(transcript, av.turn, av.quote, every)
                        if ev is not None and ev.turn not in {e.turn for e in evs}:
                            evs.append(ev)
                if evs:
                    hits.append(AntiPatternHit(id=ap.id, skill=skill.id, description=ap.description,
                                               evidence=sorted(evs, key=lambda e: e.turn)))
        from .checks import integrity_flags

        flags, injection, stuffing = integrity_flags(turns)
        prompt = load_prompt()
        notes = [f"judged with prompt {prompt.versioned_id}, {len(verdicts)} sample(s)"]
        from .checks import slips_of

        return GradeParts(checks=checks, anti_patterns=hits, flags=flags, injection=injection,
                          stuffing=stuffing, notes=notes, slips=slips_of(rubric, checks))

    def _coaching(self, transcript: Transcript, turns: list[AnalysedTurn], verdict: JudgeVerdict
                  ) -> tuple[list[Strength], list[Improvement]]:
        reps = {t.index for t in turns}
        clean = {t.index for t in turns if not t.void}
        strengths: list[Strength] = []
        improvements: list[Improvement] = []
        for item in verdict.coaching:
            if item.turn not in reps or not item.text.strip():
                continue
            ev = verify_quote(transcript, item.turn, item.quote, {item.turn}) if item.quote else None
            quote = ev.quote if ev else ""
            if item.kind == "strength" and len(strengths) < MAX_ITEMS and item.turn in clean:
                strengths.append(Strength(turn=item.turn, text=item.text.strip(), quote=quote))
            elif item.kind == "improvement" and len(improvements) < MAX_ITEMS and item.try_instead.strip():
                improvements.append(Improvement(turn=item.turn, text=item.text.strip(),
                                                try_instead=item.try_instead.strip(), quote=quote))
        return strengths, improvements


def _slip_quote(transcript: Transcript, verdicts: list[JudgeVerdict], key: str, check_id: str,
                allowed: set[int]) -> Evidence | None:
    """For a "did not ..." check answered no: the verified quote of what the rep did, if given."""
    for v in verdicts:
        cv = _find(v, key, check_id)
        if cv is not None and not cv.passed and cv.quote:
            ev = verify_quote(transcript, cv.turn, cv.quote, allowed)
            if ev is not None:
                return ev
    return None


def _find(verdict: JudgeVerdict, key: str, check_id: str) -> CheckVerdict | None:
    for cv in verdict.checks:
        if cv.check.strip().lower() == key:
            return cv
    for cv in verdict.checks:
        if cv.check.strip().lower() == check_id:
            return cv
    return None
