"""Which ``Situation`` the buyer's state calls for after a rep turn: the director's verdict, put as an id.

The director moves the numbers; this turns them (and what the turn showed)
into what the buyer does now, in a fixed order of precedence: end the call
(walk away after pressure, disrespect, gaming or wasted time; otherwise stall,
pocketing any discount), agree (every item met, resistance under the
threshold, a step proposed), push back on a bad move, reveal or hint at the
concern, and otherwise ask for what is still missing (a next step asked for
once: the line after it takes in what the rep said, ``asks_for_step``). Each ``Situation``
carries the facts and a one-line direction any voice can word, so the
scripted and LLM voices say the same thing.
"""

from __future__ import annotations

from typing import Protocol

from .. import text as T
from ..models import Scenario
from ..signals import Behaviour, SignalSet
from .conduct import RepConduct, day_named, day_of, first_quote, proposed_step, signs_off
from .persona import scenario_facts
from .rules import DirectorRules
from .state import BuyerState, ResolutionItem, Situation

__all__ = ["SituationChooser", "asks_for_step"]

B = Behaviour
_NEG_SITUATION = (
    (B.INJECTION, "confused_injection"),
    (B.KEYWORD_STUFFING, "push_back_stuffing"),
    (B.PRESSURE, "push_back_pressure"),
    (B.ARGUE, "push_back_argue"),
    (B.DISPARAGE, "push_back_disparage"),
    (B.DISCOUNT, "push_back_discount"),
    (B.DISMISS, "push_back_dismiss"),
)
_WANT = {
    "explore": "restate_objection",
    "uncover": "probe_deflect",
    "acknowledge": "restate_objection",
    "tie_number": "want_numbers",
    "tie": "want_numbers",
    "proof": "want_proof",
    "next_step": "want_next_step",
    "involve": "want_next_step",
    "confirm": "want_next_step",
    "check_other": "want_next_step",
    "respect_incumbent": "restate_objection",
    "alternatives": "want_numbers",
    "general": "want_next_step",
}


_REFERENCE = frozenset({"your", "under", "below", "within", "than", "versus", "vs"})
"""Words before an amount the rep measures the offer against ("under your $50k line"): not the offer."""

_MOMENT = frozenset({"second", "seconds", "sec", "secs", "minute", "minutes", "min", "mins", "moment"})
_MOMENT_WORDS = 8
"""A question for a moment of the buyer's time is short: "Got two minutes?", "Can I take thirty seconds?"."""
_ONLY_ASKING = frozenset({B.ACKNOWLEDGE, B.SUMMARIZE, B.CLOSED_QUESTION, B.LOGISTICS_QUESTION})
"""All a turn that asks for a moment may also do: hear the buyer out, and ask."""


def asks_for_a_moment(signals: SignalSet, helpful: set[Behaviour]) -> bool:
    """The turn asks only for a moment of the buyer's time: its one question is short, names seconds or
    minutes and no activity or day (a "30-minute call on Tuesday?" is a step), and nothing else in the turn
    pitches or explores. A person grants the moment or refuses it; "why do you need the backstory?" would
    answer a question nobody asked."""
    if not helpful <= _ONLY_ASKING:
        return False
    asks = [s for s in T.sentences(signals.text) if s.rstrip().endswith("?")]
    if len(asks) != 1:
        return False
    said = T.words(asks[0])
    st = T.structure()
    return (len(said) <= _MOMENT_WORDS and bool(_MOMENT & set(said)) and not st.activity.search(asks[0])
            and not st.time.search(asks[0]))


_STEP_WANTS = frozenset({"next_step", "general"})
"""Item kinds whose "what I still need" line asks the rep what they propose next."""


def asks_for_step(situation: Situation, unmet: list[ResolutionItem]) -> bool:
    """The buyer's line asks the rep for a next step: a person asks once, then waits for it (issue 13: a
    buyer who asks "what's the next step?" three turns running sounds scripted)."""
    if situation.facts.get("hold"):
        return False
    return situation.id == "want_next_step" or (
        situation.id == "acknowledge_progress" and bool(unmet) and unmet[0].kind in _STEP_WANTS)


class _Make(Protocol):
    def __call__(self, sid: str, direction: str, **extra: str) -> Situation: ...


class SituationChooser:
    """Names the buyer's next move for one scenario, from its thresholds and the call so far."""

    def __init__(self, scenario: Scenario, rules: DirectorRules, *, agree_below: int, walk_at: int):
        self.scenario = scenario
        self.rules = rules
        self.agree_below = agree_below
        self.walk_at = walk_at

    def choose(
        self,
        state: BuyerState,
        conduct: RepConduct,
        signals: SignalSet,
        helpful: set[Behaviour],
        negatives: set[Behaviour],
        revealed_now: bool,
        met_now: list[ResolutionItem],
        explored: bool,
    ) -> Situation:
        """The situation for this turn; sets ``state.stage`` to match."""
        st = state
        behaviours = sorted(b.value for b in signals.behaviours())
        unmet = st.unmet()

        def make(sid: str, direction: str, **extra: str) -> Situation:
            facts = scenario_facts(self.scenario, st)
            facts.update(extra)
            if unmet:
                facts["wants"] = unmet[0].text
            situation = Situation(id=sid, facts=facts, behaviours=behaviours, direction=direction)
            if st.asked_step and B.NEXT_STEP not in helpful and asks_for_step(situation, unmet):
                # asked for a step last turn and the rep did something else: take that in, and wait
                return make("acknowledge_progress", "You asked for a next step a moment ago; react to what "
                            "the rep just said and leave the next move to them.", hold="yes")
            return situation

        if (st.resistance >= self.walk_at or st.patience <= 0) and st.turns >= self.rules.walk_from_turn:
            return self._end_call(make, st, conduct, signals)
        if not st.concern_revealed and signs_off(signals, helpful, negatives, self.rules.leave_takings):
            return self._end_call(make, st, conduct, signals, leaving=True)  # the rep is leaving
        if not unmet and st.resistance < self.agree_below and conduct.step_proposed:
            st.stage = "agreed"
            # this turn's proposal, or the day it asks to put on the one already made
            asked = day_named(signals)
            step = proposed_step(signals) or (asked and day_of(asked, conduct.proposal)) or \
                self.scenario.buyer.next_step or ""
            return make("agree", "You are convinced enough: agree to the rep's next step.", rep_step=step)

        st.stage = "resolving" if st.concern_revealed else "exploring"
        for b, sid in _NEG_SITUATION:
            if b in negatives:
                quote = first_quote(signals, b)
                return make(
                    sid, f"The rep's move ({b.value}) put you off; say so in character.", rep_quote=quote
                )
        if revealed_now:
            return make("reveal_concern", "You finally say what is really behind your objection.")
        if B.PASSIVE in negatives:
            return make("impatient_passive", "The rep gave you nothing; show mild impatience.")
        reading = signals.analysis
        listed = reading is not None and reading.has("feature_dump")
        if B.MONOLOGUE in negatives and explored and not listed and not st.concern_revealed:
            # A long way round to a real question about the objection: a person takes the question (and may
            # say it was a lot), never "what's the part that matters most?" as if nothing was asked.
            return make("hint_concern", "Say it was a long way round, then give a partial hint at the real "
                        "issue.", long_question="yes")
        if B.MONOLOGUE in negatives:
            if B.TIE_TO_CONCERN in helpful or (reading is not None and not listed):
                # Too long, but no feature list, or it spoke to the concern: say it was too much at once,
                # never "a list of features" or "nothing about my problem" (rebukes resting on what the rep
                # did not do).
                return make("impatient_monologue", "The rep said a lot at once; cut in and ask for the short "
                            "version, without saying what it lacked.", only_long="yes")
            return make(
                "impatient_monologue", "The rep talked at you; cut in and bring it back to your concern."
            )
        if B.OFF_TOPIC in negatives and not helpful:
            return make("off_topic", "The rep went off topic; steer back to your objection.")
        if not st.concern_revealed and not negatives and asks_for_a_moment(signals, helpful):
            return make("grant_time", "The rep asked for a moment of your time; grant it briefly.")
        if explored and not st.concern_revealed:
            return make("hint_concern", "Give a partial hint at the real issue, not the whole thing.")
        pitched = bool(helpful & {B.STATE_VALUE, B.GIVE_PROOF, B.QUANTIFY_VALUE, B.NEXT_STEP})
        if not st.concern_revealed:
            if pitched:
                return make(
                    "restate_objection", "The rep pitched without understanding you; restate your objection."
                )
            if helpful & {B.OPEN_QUESTION, B.CLOSED_QUESTION, B.IMPACT_QUESTION}:
                return make("probe_deflect", "Answer briefly but keep the real reason to yourself.")
            return make("restate_objection", "Restate your objection.", plain="yes")
        if B.NEXT_STEP in helpful and unmet:
            # The rep proposed a step: don't ask for one; say what is still missing before saying yes.
            return make(
                "acknowledge_progress",
                "The rep proposed a next step; acknowledge it, but before agreeing say what you "
                f"still need: {unmet[0].text}",
                step_proposed="yes",
                need=_WANT.get(unmet[0].kind, "want_next_step"),
            )
        if met_now and unmet:
            nxt = _WANT.get(unmet[0].kind, "want_next_step")
            return make(
                "acknowledge_progress", "That helped; say so and ask for what you still need.", need=nxt
            )
        if unmet:
            first = unmet[0]
            sid = _WANT.get(first.kind, "want_next_step")
            if sid == "want_next_step" and B.NEXT_STEP in helpful:
                sid = "next_step_vague"
            if B.CLOSED_QUESTION in helpful and not pitched and sid in ("restate_objection", "probe_deflect"):
                sid = "answer_question"
            plain = {"plain": "yes"} if sid == "restate_objection" and not pitched else {}
            return make(sid, f"You still need this before agreeing: {first.text}", **plain)
        # Everything met but resistance still too high.
        return make(
            "want_proof" if st.trust < 50 else "want_next_step",
            "You are close but not convinced yet; ask for one more reassurance.",
        )

    def _end_call(self, make: _Make, st: BuyerState, conduct: RepConduct, signals: SignalSet,
                  leaving: bool = False) -> Situation:
        """The buyer has had enough: walk away, or stall without a commitment, by what the rep did.

        Walking away is for pressure, disrespect, gaming and wasted time. A rep who only cut the price
        gets what real buyers do with a discount: they pocket the offer and stall. A rep who talked at the
        buyer, short of wasting the call, gets "send me something in writing" (a trainer's probe: a real
        buyer brushes off a pitch; hanging up on two feature sentences is not one). A rep who went along
        with the objection ("sure, let's talk next quarter") gets the polite brush-off they accepted.
        All three end the drill with nothing agreed (outcome ``open``). A rep who is ``leaving`` on a turn
        with no offence is seen off politely even after an earlier slip (probe 24: an apology that ended
        "just let me know" got a walk-out).
        """
        # a rep taking a clean leave after a slip is seen off, not walked out on: the goodbye mends it
        mended = leaving and conduct.clean_turns >= 1
        if (conduct.offended and not mended) or conduct.wasted >= self.rules.wasted_turns_walk:
            st.stage = "walked_away"
            return make("walk_away", "You have had enough: end the call politely but firmly.")
        st.stage = "stalled"
        if conduct.discounted:
            from ..text import AMOUNT

            offer = first_quote(signals, B.DISCOUNT) or conduct.last_offer
            # the last amount named is the offer ("... approve $32k"), not one the rep measures it against
            # ("$48,000, under your $50k approval line")
            found = [m.group(0) for m in AMOUNT.finditer(offer)
                     if not _REFERENCE & set(T.words(offer[:m.start()])[-2:])]
            amounts = found or AMOUNT.findall(offer)
            return make(
                "stall_offer",
                "Take the rep's price offer away to think about it, commit to nothing, and end the call.",
                rep_offer=offer,
                offer_figure=amounts[-1].strip() if amounts else "",
            )
        if conduct.wasted:
            return make("stall_send", "Brush the rep off: ask them to send something in writing, commit to "
                        "nothing, and end the call.")
        return make("stall_polite", "End the call politely with no commitment: you will get in touch if "
                    "anything changes.")
