"""BuyerDirector: the code that decides what the buyer does.

LLM-simulated buyers give in far too easily, so no model decides here. Each
rep turn arrives as a ``SignalSet`` (detected behaviours with quotes); rules
from ``rules.yaml`` move resistance, trust and patience, reveal the hidden
concern after enough good exploring, and mark the scenario's resolution items
met when the turn shows the behaviour each item needs. The buyer agrees only
when every item is met, resistance is under the personality/difficulty
threshold and the rep has proposed a step to agree to. When resistance or
patience runs out the buyer walks away after pressure, disrespect, gaming or
wasted time, and otherwise stalls without a commitment (a discount is pocketed).

Text aimed at the simulation (injection) or cue phrases without substance
(keyword stuffing) never help: their helpful signals arrive marked irrelevant,
and the behaviours themselves raise resistance — the buyer finds them odd.
Stuffing the detectors miss (the scenario's own keywords strung into bare lists,
a next step listed rather than said) is caught by the director's own screen
(``substance.py``) before anything is counted; proof meets a proof item only
when it names a customer, a number or a result. The result of a step is a
``Situation`` (what the buyer does now, with facts) that any voice can word.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..embeddings import is_semantic
from ..models import Scenario
from ..signals import NEGATIVE, POSITIVE, Behaviour, Signal, SignalSet
from .facts import Answer, FactBook
from .items import scenario_items
from .persona import scenario_facts
from .rules import DirectorRules, load_rules
from .state import BuyerState, ResolutionItem, Situation
from .substance import fragment_spans, screen, specific

if TYPE_CHECKING:
    from ..embeddings import Embedder

__all__ = ["BuyerDirector"]

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


class BuyerDirector:
    """Moves ``BuyerState`` from rep-behaviour signals; one ``step`` per rep turn."""

    def __init__(
        self,
        scenario: Scenario,
        rules: DirectorRules | None = None,
        embedder: Embedder | None = None,
        *,
        prepare: bool = True,
    ):
        self.scenario = scenario
        self.rules = rules or load_rules()
        self.embedder = embedder
        d, p = scenario.difficulty, scenario.buyer.personality
        self.agree_below = self.rules.agree_threshold(d, p)
        self.walk_at = self.rules.walk_threshold(d, p)
        self.reveal_after = self.rules.reveal_after[d]
        self.state = BuyerState(
            resistance=self.rules.start.resistance[d],
            trust=self.rules.start.trust[d],
            patience=self.rules.start_patience(d, p),
        )
        self._pitched = False
        self._argued = False
        self._disparaged = False
        self._offended = False
        """The rep pressured, argued, disparaged, dismissed or gamed at some point: the buyer may walk."""
        self._discounted = False
        self._last_offer = ""
        self._wasted = 0
        """Turns that talked at the buyer, pitched before hearing them or went off topic (wasted time)."""
        self._step_proposed = False
        self._low_risk_item = re.compile(self.rules.low_risk_item, re.IGNORECASE)
        self._answered: set[str] = set()
        self._found: Answer | None = None
        self._no_figure_said = False
        self._prepared = False
        self.factbook = FactBook({}, None)
        if prepare:
            self.prepare()

    def prepare(self) -> None:
        """Everything that needs the embedding model, done once before the first rep turn.

        The opening needs none of it (it is the scenario's own line), so a drill can show the buyer's
        first words while the model is still loading (``DrillSession.start(prepare=False)``): reading
        the resolution items, the buyer's facts, and one batch for every scenario-side text the rules
        compare with, so a rep turn costs one embedding call (the detectors') and the rest hits the cache.
        """
        if self._prepared:
            return
        scenario, embedder = self.scenario, self.embedder
        self.state.resolution = [
            ResolutionItem(text=r.text, kind=r.kind) for r in scenario_items(scenario, embedder)
        ]
        self.factbook = FactBook(scenario.buyer.facts, embedder,
                                 min_similarity=self.rules.similarity.fact_question)
        if embedder is not None and is_semantic(embedder):
            items = scenario.buyer.resolution_texts
            embedder.embed(
                [
                    *items,
                    *(_item_content(i) for i in items),
                    scenario.buyer.hidden_concern,
                    *([scenario.buyer.next_step] if scenario.buyer.next_step else []),
                ]
            )
        self._prepared = True

    # --- public -------------------------------------------------------------------

    def opening(self) -> Situation:
        return Situation(
            id="opening",
            facts=scenario_facts(self.scenario, self.state),
            direction="Open the call by raising your objection.",
        )

    def step(self, signals: SignalSet, turn_index: int) -> Situation:
        """Apply one rep turn (transcript index ``turn_index``) and say what the buyer does."""
        self.prepare()
        st = self.state
        if st.finished:
            sid = {"agreed": "agree", "walked_away": "walk_away"}.get(st.stage, st.last_situation)
            return Situation(id=sid, facts=scenario_facts(self.scenario, st))
        st.turns += 1
        signals = screen(signals, self.rules.substance)
        present = {s.behaviour for s in signals.signals}
        helpful = {s.behaviour for s in signals.signals if s.behaviour in POSITIVE and s.relevant}
        negatives = present & NEGATIVE
        gamed = bool(present & {B.INJECTION, B.KEYWORD_STUFFING})
        if gamed:
            helpful = set()
        strong_neg = {b for b in negatives if b.value in self.rules.strong_negatives}
        factor = self.rules.mixed_turn_factor if strong_neg else 1.0
        personality = self.scenario.buyer.personality

        res_delta = 0.0
        trust_delta = 0.0
        for b in negatives:
            w = self.rules.weight(personality, b.value)
            res_delta += self.rules.resistance.get(b.value, 0) * w
            trust_delta += self.rules.trust.get(b.value, 0)
        if B.DISCOUNT in negatives and not st.concern_revealed:
            res_delta += self.rules.resistance["early_discount"]
        for b in helpful:
            w = self.rules.weight(personality, b.value)
            res_delta += self.rules.resistance.get(b.value, 0) * w * factor
            trust_delta += self.rules.trust.get(b.value, 0) * factor
        if B.ARGUE in negatives:
            self._argued = True
        if present & _OFFENCES:
            self._offended = True
        if B.DISPARAGE in present:
            self._disparaged = True
        if B.DISCOUNT in negatives:
            self._discounted = True
            self._last_offer = _first_quote(signals, B.DISCOUNT)

        # Pitching before any exploring: the buyer feels unheard.
        pitched_now = bool(present & {B.STATE_VALUE, B.GIVE_PROOF, B.QUANTIFY_VALUE})
        if pitched_now and not gamed and st.explore_turns == 0 and B.EXPLORE_CONCERN not in helpful:
            res_delta += self.rules.resistance["ignored_objection"]
            self._wasted += 1  # a pitch at someone who has not been heard: wasted time
        elif negatives & {B.MONOLOGUE, B.OFF_TOPIC}:
            self._wasted += 1

        # Exploring reveals the hidden concern (harder buyers need more than one good turn).
        revealed_now = False
        pitching = bool(helpful & {B.STATE_VALUE, B.GIVE_PROOF})
        # A plain question a fact answers ("How many trucks do you run?") is about the buyer's situation, not
        # the reason behind the objection: it gets its answer and does not draw the concern out.
        self._found = None if gamed else self.factbook.answer(signals.text, self._answered)
        found = self._found
        situational = found.question if found is not None and found.topic and found.by_meaning else ""
        asking = _exploring(signals, helpful, situational)
        explored = not strong_neg and (
            B.EXPLORE_CONCERN in asking
            or (B.OPEN_QUESTION in asking and not pitching)
            or (bool(asking | (helpful & {B.SUMMARIZE})) and self._names_concern(signals))
            # A good guess said as a statement ("My hunch is the audit still stings ...").
            or (not negatives and not pitching and self._names_concern(signals))
        )
        if explored:
            st.explore_turns += 1
            if not st.concern_revealed and st.explore_turns >= self.reveal_after:
                st.concern_revealed = True
                st.revealed_turn = turn_index
                revealed_now = True
                res_delta += self.rules.resistance["reveal"]
                trust_delta += self.rules.trust["reveal"]

        # Resolution items.
        met_now: list[ResolutionItem] = []
        if not gamed:
            for item in st.resolution:
                if not item.met and self._meets(item, signals, helpful, negatives, revealed_now, explored):
                    item.met = True
                    item.turn = turn_index
                    met_now.append(item)
        res_delta += self.rules.resistance["item_met"] * len(met_now)
        if B.NEXT_STEP in helpful and not gamed:
            self._step_proposed = True
        if pitched_now or B.DISCOUNT in negatives or B.ARGUE in negatives:
            self._pitched = True

        st.resistance = int(max(0, min(100, round(st.resistance + res_delta))))
        st.trust = int(max(0, min(100, round(st.trust + trust_delta))))

        progress = bool(met_now) or revealed_now or (explored and not st.concern_revealed)
        cost = self.rules.patience.cost
        if B.PASSIVE in negatives:
            spend = cost["passive"]
        elif (progress or helpful) and not negatives:
            spend = cost["progress"]
        elif B.MONOLOGUE in negatives and personality == "driver":
            spend = cost["monologue_driver"]
        else:
            spend = cost["default"]
        st.patience -= spend

        situation = self._situation(signals, helpful, negatives, revealed_now, met_now, explored)
        if situation.id in _ANSWERING and not (negatives & _OFFENCES) and not gamed:
            self._answer(situation)
        if not gamed:
            situation.facts.update(self._rep_words(signals, helpful))
        st.last_situation = situation.id
        return situation

    def _rep_words(self, signals: SignalSet, helpful: set[Behaviour]) -> dict[str, str]:
        """What the rep said that a buyer would pick up on: the figure they put on value, the customer they
        named as proof (issue 13: lines refer to the rep's own words)."""
        from ..text import AMOUNT

        out: dict[str, str] = {}
        if B.QUANTIFY_VALUE in helpful:
            amounts = [a for s in signals.get(B.QUANTIFY_VALUE) for a in AMOUNT.findall(s.quote)]
            if amounts:
                out["rep_figure"] = amounts[-1].strip()
        if B.GIVE_PROOF in helpful:
            known = {*self.scenario.buyer.name.split(), self.scenario.product.name,
                     *self.scenario.buyer.company.split()}
            for sig in signals.get(B.GIVE_PROOF):
                names = [m.group(0) for m in _NAME.finditer(sig.quote) if m.start() > 0
                         and not set(m.group(0).split()) & known]
                if names:
                    out["rep_customer"] = names[0]
                    break
        return out

    def _answer(self, situation: Situation) -> None:
        """A plain question about the buyer's world gets an answer (``facts:``), as a person would give it.

        The answer is a fact the voice words before its line; a question for a figure the scenario does not
        give gets "I don't have that number to hand" once, never an invented figure.
        """
        found = self._found
        if found is None:
            return
        if found.topic:
            self._answered.add(found.topic)
            situation.facts["answer"] = found.text
            situation.facts["asked_about"] = found.topic
        elif not self._no_figure_said:
            self._no_figure_said = True
            situation.facts["no_figure"] = "yes"

    # --- resolution items -----------------------------------------------------------

    def _meets(
        self,
        item: ResolutionItem,
        signals: SignalSet,
        helpful: set[Behaviour],
        negatives: set[Behaviour],
        revealed_now: bool,
        explored: bool,
    ) -> bool:
        st = self.state
        clean = not (negatives & {B.ARGUE, B.DISMISS, B.PRESSURE, B.DISPARAGE})
        kind = item.kind
        if kind == "explore":
            return explored and not self._pitched and clean
        if kind == "uncover":
            asked = bool(helpful & {B.EXPLORE_CONCERN, B.OPEN_QUESTION, B.IMPACT_QUESTION})
            follow_up = (
                st.concern_revealed
                and not revealed_now
                and bool(helpful & {B.CLOSED_QUESTION, B.CHECK_OTHER_CONCERNS, B.SUMMARIZE})
            )
            if not (asked or follow_up) or not clean:
                return False
            earlier = (st.concern_revealed and not revealed_now) or st.explore_turns >= 2
            return earlier or self._close(signals, item.text, questions_only=True)
        if kind == "acknowledge":
            bad = {B.ARGUE, B.DISMISS}
            if re.search(r"discount", item.text, re.IGNORECASE):
                bad.add(B.DISCOUNT)
            return bool(helpful & {B.ACKNOWLEDGE, B.SUMMARIZE}) and not (negatives & bad) and not self._argued
        if kind in ("tie_number", "tie"):
            if not st.concern_revealed or not clean or B.DISCOUNT in negatives:
                return False
            if (
                kind == "tie_number"
                and B.QUANTIFY_VALUE in helpful
                and self._quantified_fits(signals, item.text)
            ):
                return True
            tied = B.TIE_TO_CONCERN in helpful or (
                bool(helpful & {B.STATE_VALUE, B.GIVE_PROOF}) and self._close(signals, item.text)
            )
            if kind == "tie_number":
                return tied and B.QUANTIFY_VALUE in helpful
            return tied
        if kind == "proof":
            said = any(s.relevant and specific(s.quote, self.scenario) for s in signals.get(B.GIVE_PROOF))
            return said and clean and (st.concern_revealed or st.explore_turns > 0)
        if kind in ("next_step", "involve"):
            if B.NEXT_STEP not in helpful or not st.concern_revealed or not clean or B.DISCOUNT in negatives:
                return False
            if kind == "involve":
                return self._involves(item.text, signals.text)
            if self._low_risk_item.search(item.text):
                from ..text import structure

                low = structure().low_risk.search(signals.text)
                return bool(low) or self._fits_next_step(signals.text)
            return True
        if kind == "respect_incumbent":
            # Engaging with what the buyer has without running it down, over the whole call so far.
            engaged = bool(helpful & {B.ACKNOWLEDGE, B.SUMMARIZE, B.TIE_TO_CONCERN, B.EXPLORE_CONCERN})
            return engaged and clean and not self._disparaged
        if kind == "alternatives":
            # Something other than a price cut: a step, a scope or value worked out, with no discount so far.
            offered = bool(helpful & {B.NEXT_STEP, B.QUANTIFY_VALUE, B.TIE_TO_CONCERN})
            heard = st.concern_revealed or st.explore_turns > 0
            return offered and clean and not self._discounted and heard
        if kind == "confirm":
            return B.CONFIRM in helpful and clean
        if kind == "check_other":
            return B.CHECK_OTHER_CONCERNS in helpful and clean
        return bool(helpful) and clean and self._close(signals, item.text)

    def _names_concern(self, signals: SignalSet) -> bool:
        """The rep put the hidden concern into words themselves (a good guess or a playback).

        Sentences, not keyword lists: "Sync, double booking, surgery slots" names nothing.
        """
        if self.embedder is None or not is_semantic(self.embedder):
            return False
        from ..signals import sentence_spans

        lists = fragment_spans(signals.text, self.rules.substance)
        sents = [signals.text[a:b] for a, b in sentence_spans(signals.text) if (a, b) not in lists]
        if not sents:
            return False
        vecs = self.embedder.embed([self.scenario.buyer.hidden_concern, *sents])
        return float(np.max(vecs[1:] @ vecs[0])) >= self.rules.similarity.names_concern

    def _close(self, signals: SignalSet, target: str, questions_only: bool = False) -> bool:
        if self.embedder is None or not is_semantic(self.embedder):
            return False
        quotes = [
            s.quote
            for s in signals.signals
            if s.relevant
            and s.behaviour in POSITIVE
            and (not questions_only or s.quote.rstrip().endswith("?"))
        ]
        quotes = list(dict.fromkeys(quotes))
        if not quotes:
            return False
        vecs = self.embedder.embed([target, *quotes])
        return float(np.max(vecs[1:] @ vecs[0])) >= self.rules.similarity.item_content

    def _quantified_fits(self, signals: SignalSet, item: str) -> bool:
        """A sentence that puts a number on value and is about what the item (or the concern) names.

        Items are worded by managers ("quantifies what the guarantee is worth"), so a figure close to
        the item's own words meets it as well as one tied to the hidden concern. The sentences were
        embedded by the detectors already (cached), so this costs no model call.
        """
        if self.embedder is None or not is_semantic(self.embedder):
            return False
        quotes = list(dict.fromkeys(s.quote for s in signals.get(B.QUANTIFY_VALUE) if s.relevant))
        if not quotes:
            return False
        sim = self.rules.similarity
        vecs = self.embedder.embed([item, _item_content(item), self.scenario.buyer.hidden_concern, *quotes])
        to_item = max(float(np.max(vecs[3:] @ vecs[0])), float(np.max(vecs[3:] @ vecs[1])))
        return to_item >= sim.value_item or float(np.max(vecs[3:] @ vecs[2])) >= sim.value_concern

    def _fits_next_step(self, text: str) -> bool:
        """A sentence of the turn resembles the scenario's next step (sentences are already cached)."""
        step = self.scenario.buyer.next_step
        if not step or not text or self.embedder is None:
            return False
        from ..signals import sentence_spans

        sents = [text[a:b] for a, b in sentence_spans(text)]
        if not sents:
            return False
        vecs = self.embedder.embed([step, *sents])
        return float(np.max(vecs[1:] @ vecs[0])) >= self.rules.similarity.next_step_fit

    def _involves(self, item: str, text: str) -> bool:
        """The rep names the person or role the item asks to involve."""
        m = re.search(
            r"\b(?:(?:involv|includ|invit)\w*|bring\w*\s+in|loop\w*\s+in)\s+(?:the\s+)?(.+?)(?:\s+in\b|$)",
            item,
            re.IGNORECASE,
        )
        target = m.group(1) if m else item
        words = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", target)}
        words -= {"the", "of", "and", "next", "call"}
        names = set(re.findall(r"\b[A-Z][a-z]+\b|\b[A-Z]{2,4}\b", self.scenario.buyer.next_step or ""))
        names |= set(re.findall(r"\b[A-Z]{2,4}\b", item))  # a role the item names: "brief the COO"
        names -= set(self.scenario.buyer.name.split())
        low = text.lower()
        hit_role = bool(words) and sum(1 for w in words if re.search(rf"\b{re.escape(w)}\b", low)) >= max(
            1, len(words) // 2
        )
        hit_name = any(re.search(rf"\b{re.escape(n)}\b", text) for n in names if len(n) > 2)
        return hit_role or hit_name

    # --- the end of a call ---------------------------------------------------------------

    def _end_call(self, make: _Make, signals: SignalSet) -> Situation:
        """The buyer has had enough: walk away, or stall without a commitment, by what the rep did.

        Walking away is for pressure, disrespect, gaming and wasted time. A rep who only cut the price
        gets what real buyers do with a discount: they pocket the offer and stall. A rep who went along
        with the objection ("sure, let's talk next quarter") gets the polite brush-off they accepted.
        Both end the drill with nothing agreed (outcome ``open``).
        """
        st = self.state
        if self._offended or self._wasted >= self.rules.wasted_turns_walk:
            st.stage = "walked_away"
            return make("walk_away", "You have had enough: end the call politely but firmly.")
        st.stage = "stalled"
        if self._discounted:
            from ..text import AMOUNT

            offer = _first_quote(signals, B.DISCOUNT) or self._last_offer
            amounts = AMOUNT.findall(offer)  # the last amount named is the offer ("... approve $32k")
            return make(
                "stall_offer",
                "Take the rep's price offer away to think about it, commit to nothing, and end the call.",
                rep_offer=offer,
                offer_figure=amounts[-1].strip() if amounts else "",
            )
        return make("stall_polite", "End the call politely with no commitment: you will get in touch if "
                    "anything changes.")

    # --- situation ------------------------------------------------------------------

    def _situation(
        self,
        signals: SignalSet,
        helpful: set[Behaviour],
        negatives: set[Behaviour],
        revealed_now: bool,
        met_now: list[ResolutionItem],
        explored: bool,
    ) -> Situation:
        st = self.state
        behaviours = sorted(b.value for b in signals.behaviours())
        unmet = st.unmet()

        def make(sid: str, direction: str, **extra: str) -> Situation:
            facts = scenario_facts(self.scenario, st)
            facts.update(extra)
            if unmet:
                facts["wants"] = unmet[0].text
            return Situation(id=sid, facts=facts, behaviours=behaviours, direction=direction)

        if (st.resistance >= self.walk_at or st.patience <= 0) and st.turns >= self.rules.walk_from_turn:
            return self._end_call(make, signals)
        if not unmet and st.resistance < self.agree_below and self._step_proposed:
            st.stage = "agreed"
            step = _first_quote(signals, B.NEXT_STEP) or self.scenario.buyer.next_step or ""
            return make("agree", "You are convinced enough: agree to the rep's next step.", rep_step=step)

        st.stage = "resolving" if st.concern_revealed else "exploring"
        for b, sid in _NEG_SITUATION:
            if b in negatives:
                quote = _first_quote(signals, b)
                return make(
                    sid, f"The rep's move ({b.value}) put you off; say so in character.", rep_quote=quote
                )
        if revealed_now:
            return make("reveal_concern", "You finally say what is really behind your objection.")
        if B.PASSIVE in negatives:
            return make("impatient_passive", "The rep gave you nothing; show mild impatience.")
        if B.MONOLOGUE in negatives:
            return make(
                "impatient_monologue", "The rep talked at you; cut in and bring it back to your concern."
            )
        if B.OFF_TOPIC in negatives and not helpful:
            return make("off_topic", "The rep went off topic; steer back to your objection.")
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
            return make("restate_objection", "Restate your objection.")
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
            return make(sid, f"You still need this before agreeing: {first.text}")
        # Everything met but resistance still too high.
        return make(
            "want_proof" if st.trust < 50 else "want_next_step",
            "You are close but not convinced yet; ask for one more reassurance.",
        )


_ANSWERING = frozenset({
    "probe_deflect", "answer_question", "hint_concern", "restate_objection", "want_numbers", "want_proof",
    "want_next_step", "next_step_vague", "acknowledge_progress", "impatient_passive",
})
"""Situations in which the buyer answers a plain question before saying their line (not while pushing
back, revealing the concern or ending the call)."""
_NAME = re.compile(r"(?<![.!?]\s)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}\b")
"""A name in mid-sentence ("... Hartley Freight saved ..."): the customer a rep cites as proof."""
_OFFENCES = {B.PRESSURE, B.ARGUE, B.DISPARAGE, B.DISMISS, B.INJECTION, B.KEYWORD_STUFFING}


class _Make(Protocol):
    def __call__(self, sid: str, direction: str, **extra: str) -> Situation: ...


_NOT_EXPLORING = re.compile(
    r"^\W*(and\s+|so\s+|but\s+|then\s+)?(what\s+if\s+(i|we)|how\s+about|could\s+we|can\s+we|shall\s+we|"
    r"would\s+you\s+(like|be\s+open|want)|how'?s\s+(\d|this|next|tomorrow|today|\w+day)|how\s+does\s+\d|"
    r"what\s+time|when\s+can\s+(we|i)|why\s+(not|wait|don'?t\s+we))\b",
    re.IGNORECASE,
)
"""Questions that propose or close rather than explore ("How about ...", "What if I took ...")."""


def _item_content(item: str) -> str:
    """What a value item is about, without the manager's framing ("The rep gives him a number that
    matters to a rental yard, like utilisation" -> "a rental yard, utilisation")."""
    t = re.sub(r"\((?:e\.g\.|for example|like)?\s*|\)", " ", item)
    t = re.sub(r"^\W*(the\s+)?rep\s+\w+\s+((him|her|them|the\s+buyer)\s+)?", "", t, flags=re.IGNORECASE)
    t = re.sub(
        r"\b(with|gives?|puts?|using)\s+(a|the)\s+(number|figure)s?\b|\b(a|the)\s+(number|figure)\s+"
        r"that\s+matters\s+to\b|\bwith\s+numbers\b|\bin\s+(dollars|numbers)\b|\b(e\.g\.|like|such\s+as)\b",
        " ",
        t,
        flags=re.IGNORECASE,
    )
    return " ".join(t.split()) or item


def _exploring(signals: SignalSet, helpful: set[Behaviour], situational: str = "") -> set[Behaviour]:
    """The exploring behaviours of a turn, counting only questions that really ask about the buyer.

    A scheduling or closing question ("How's 3 pm?"), a concession put as a question ("What if I
    shaved 10% off?") or a check that an answer landed ("Does that help?") is not exploring,
    so it never draws the hidden concern out of a pushy or discounting rep. Nor does a general question the
    buyer's facts answer (``situational``): only one read as exploring the concern itself counts.
    """
    from ..text import structure

    when = structure().time
    bad = {
        s.quote
        for s in signals.signals
        if s.behaviour in NEGATIVE
        or s.behaviour in (B.CONFIRM, B.NEXT_STEP, B.CHECK_OTHER_CONCERNS, B.LOGISTICS_QUESTION)
    }
    out: set[Behaviour] = set()
    for s in signals.signals:
        if s.behaviour not in (B.EXPLORE_CONCERN, B.OPEN_QUESTION) or s.behaviour not in helpful:
            continue
        if s.quote in bad or _NOT_EXPLORING.search(s.quote):
            continue
        in_fact_question = situational and (s.quote in situational or situational in s.quote)
        if in_fact_question and s.behaviour is B.OPEN_QUESTION:
            continue  # a general question a fact answers; one read as exploring the concern still counts
        if when.search(s.quote) and len(s.quote.split()) <= 6:
            continue  # "How's 3 pm?"; a longer question with a date is read for what it asks
        out.add(s.behaviour)
    return out


def _first_quote(signals: SignalSet, b: Behaviour) -> str:
    found: list[Signal] = signals.get(b)
    return found[0].quote if found else ""
