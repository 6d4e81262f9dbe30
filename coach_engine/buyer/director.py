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

This module holds the state machine's arithmetic; when a turn meets an item is
``item_match.py``, which situation the state calls for is ``situation_choice.py``,
and what the buyer remembers of the rep is ``conduct.py``.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .. import text as T
from ..embeddings import is_semantic
from ..figures import figure_keys
from ..models import Scenario
from ..signals import NEGATIVE, POSITIVE, Behaviour, SignalSet
from .casual import written_out
from .conduct import RepConduct, checks_reading, exploring, first_quote, offences, proposed_step, rep_words
from .facts import Answer, FactBook, figure_said
from .hearing import DOUBTFUL, hear_list, let_pass
from .item_match import ItemMatcher, item_content
from .items import scenario_items
from .names import buyer_names
from .persona import concern_stages, concern_told, first_person, known_figures, scenario_facts
from .pronouns import present
from .questions_asked import also_asked, asks_to_ask
from .rules import DirectorRules, load_rules
from .situation_choice import SituationChooser, asks_for_step
from .staging import story_opening
from .stake_questions import StakeQuestions
from .state import BuyerState, ResolutionItem, Situation
from .substance import screen

if TYPE_CHECKING:
    from ..embeddings import Embedder

__all__ = ["BuyerDirector"]

B = Behaviour


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
        self.conduct = RepConduct()
        self.matcher = ItemMatcher(scenario, self.rules, embedder)
        self.chooser = SituationChooser(scenario, self.rules, agree_below=self.agree_below,
                                        walk_at=self.walk_at)
        self._answered: set[str] = set()
        self._found: Answer | None = None
        self._no_figure_said = False
        self._no_date_said = False
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
            ResolutionItem(text=r.text, kind=r.kind, sure=r.explicit or r.confident, also=list(r.also),
                           forbids=r.forbids, met=bool(r.forbids))
            for r in scenario_items(scenario, embedder)
        ]
        # as typed, in words; a fact naming the buyer ("Mike signs up to $5k") is theirs to say as "I"
        said = {k: written_out(v, scenario) for k, v in scenario.buyer.facts.items()}
        names = buyer_names(scenario)
        said = {k: first_person(v, scenario) if present(names, v) else v for k, v in said.items()}
        self.factbook = FactBook(said, embedder,
                                 figures=known_figures(scenario),
                                 min_similarity=self.rules.similarity.fact_question,
                                 words_floor=self.rules.similarity.fact_words_floor)
        if embedder is not None and is_semantic(embedder):
            items = scenario.buyer.resolution_texts
            embedder.embed(
                [
                    *items,
                    *(item_content(i) for i in items),
                    scenario.buyer.hidden_concern,
                    *self.matcher.told_sentences(),
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
        conduct = self.conduct
        if st.finished:
            sid = {"agreed": "agree", "walked_away": "walk_away"}.get(st.stage, st.last_situation)
            return Situation(id=sid, facts=scenario_facts(self.scenario, st))
        st.turns += 1
        signals = screen(signals, self.rules.substance)
        # An offence read with doubt is let pass, but a turn that may knock or argue is no insight either.
        doubted = {s.behaviour for s in signals.signals} & DOUBTFUL - {B.OFF_TOPIC}
        signals = hear_list(let_pass(signals, self.rules.benefit_of_doubt))
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
        # A long turn about the buyer is still long (the line says so), but a buyer hearing their own concern
        # answered does not dig in as at a pitch: talkative reps learn to be brief, not to be less relevant.
        on_point = negatives == {B.MONOLOGUE} and bool(helpful & _ABOUT_THE_BUYER)
        for b in negatives:
            w = self.rules.weight(personality, b.value)
            key = "monologue_on_point" if on_point else b.value
            res_delta += self.rules.resistance.get(key, 0) * w
            trust_delta += self.rules.trust.get(b.value, 0)
        if B.DISCOUNT in negatives and not st.concern_revealed:
            res_delta += self.rules.resistance["early_discount"]
        for b in helpful:
            w = self.rules.weight(personality, b.value)
            res_delta += self.rules.resistance.get(b.value, 0) * w * factor
            trust_delta += self.rules.trust.get(b.value, 0) * factor
        if B.ARGUE in negatives:
            conduct.argued = True
        if offences(signals, present & _OFFENCES):
            conduct.offended, conduct.clean_turns = True, 0
        elif conduct.offended:
            conduct.clean_turns = 0 if present & (_OFFENCES | {B.DISCOUNT}) else conduct.clean_turns + 1
            if self.rules.forgive_after and conduct.clean_turns >= self.rules.forgive_after:
                conduct.offended = False  # heard out since, and polite: the slip is forgiven
        if B.DISPARAGE in present:
            conduct.disparaged = True
        if B.DISCOUNT in negatives:
            conduct.discounted = True
            conduct.last_offer = first_quote(signals, B.DISCOUNT)

        # Pitching before any exploring: the buyer feels unheard.
        pitched_now = bool(present & {B.STATE_VALUE, B.GIVE_PROOF, B.QUANTIFY_VALUE})
        if pitched_now and not gamed and st.explore_turns == 0 and B.EXPLORE_CONCERN not in helpful:
            res_delta += self.rules.resistance["ignored_objection"]
            conduct.wasted += 1  # a pitch at someone who has not been heard: wasted time
        elif negatives & {B.MONOLOGUE, B.OFF_TOPIC}:
            conduct.wasted += 1

        # Exploring reveals the hidden concern (harder buyers need more than one good turn).
        revealed_now = False
        pitching = bool(helpful & {B.STATE_VALUE, B.GIVE_PROOF})
        # A plain question a fact answers ("How many trucks do you run?") is about the buyer's situation, not
        # the reason behind the objection: it gets its answer and does not draw the concern out.
        # A proposal, an offer or a scheduling question ("Could I come by Sunday at 4?", "What if I took $10k
        # off?") asks for a yes, not a fact.
        # Nor is a question about the objection's own figure ("What are you comparing the 14% against?"): it
        # asks what is behind the objection, whatever fact shares its words.
        proposing = {x.quote for x in signals.signals
                     if x.behaviour in (B.NEXT_STEP, B.LOGISTICS_QUESTION, B.DISCOUNT)}
        proposing |= {x.quote for x in signals.get(B.EXPLORE_CONCERN) if self._objection_figures
                      and figure_keys(x.quote) & self._objection_figures}
        asked = " ".join(x for x in T.sentences(signals.text) if x not in proposing)
        self._found = None if gamed else self.factbook.answer(asked, self._answered)
        found = self._found
        situational = found.question if found is not None and found.topic and found.by_meaning else ""
        asking = exploring(signals, helpful, situational, self._objection_figures)
        explored = not strong_neg and (
            B.EXPLORE_CONCERN in asking
            or (B.OPEN_QUESTION in asking and not pitching)
            or (bool(asking | (helpful & {B.SUMMARIZE})) and self.matcher.names_concern(signals))
            # A good guess said as a statement ("My hunch is the audit still stings ..."), never one that
            # may knock or argue ("everybody knows their signing is clunky"), however unsure the reading.
            or (not negatives and not doubted and not pitching and self.matcher.names_concern(signals))
            # The concern said back and checked ("..., did I get that right?"): a buyer who says yes has told
            # it, whatever else the sentences were read as.
            or (checks_reading(signals, helpful, negatives) and self.matcher.names_concern(signals))
        )
        # A barrage of questions ("How many ...? Who ...? What did ...? Would you ...?") gets one answered; a
        # buyer opens up to a question they can think about, not to an interrogation. A proposal put as a
        # question ("Thursday at 9?") is not one of them.
        stacked = sum(T.is_question(s) and not asks_to_ask(s)
                      for s in T.sentences(asked)) >= self.rules.stacked_questions
        explored = explored and not stacked
        # after a hint ("There's more to it"), a follow-up that asks what ("What's the more?") is about it
        explored = explored or (st.last_situation == "hint_concern" and not negatives and not pitching
                                and any(T.question_form(s) == "open" for s in T.sentences(asked)))
        # A question only perhaps about the objection (how they work today, who else weighs in) earns a hint
        # the first time; the story comes out to a second good question, or to one surely about it.
        # Holding back the story from a sure question a fact also answers was tried (session 35): strong reps
        # whose first question shared a fact's words then lost drills on the bank and holdout 2.
        sure = (any(s.confidence >= self.rules.sure_exploring for s in signals.get(B.EXPLORE_CONCERN)
                    if s.relevant) and B.EXPLORE_CONCERN in asking) \
            or B.IMPACT_QUESTION in helpful or self.matcher.names_concern(signals)
        # A question about what only the stake tells is about the concern; answered with the story, or by the
        # stake once the story is out (``stake_questions``), it is never met by a demand for a number.
        about_stake = not (gamed or strong_neg or st.stake_told) and self._stake_questions.about(asked)
        explored = explored or (about_stake and not stacked)
        if explored:
            st.explore_turns += 1
            if (not st.concern_revealed and st.explore_turns >= self.reveal_after
                    and (sure or st.explore_turns > 1)):
                st.concern_revealed = True
                st.revealed_turn = turn_index
                revealed_now = True
                st.stake_told = about_stake and bool(self._stages[1])
                st.story_held = st.explore_turns == 1 and not st.stake_told and bool(self._story_rest)
                res_delta += self.rules.resistance["reveal"]
                trust_delta += self.rules.trust["reveal"]

        # Resolution items.
        met_now: list[ResolutionItem] = []
        if not gamed:
            for item in st.resolution:
                if item.forbids:
                    if item.met and _breaks(Behaviour(item.forbids), negatives):
                        item.met, item.turn = False, turn_index  # a rule broken stays broken
                    continue
                if not item.met and self.matcher.meets(item, signals, helpful, negatives, revealed_now,
                                                       explored, state=st, conduct=conduct):
                    item.met = True
                    item.turn = turn_index
                    met_now.append(item)
        res_delta += self.rules.resistance["item_met"] * len(met_now)
        if B.NEXT_STEP in helpful and not gamed:
            conduct.step_proposed, conduct.proposal = True, proposed_step(signals) or conduct.proposal
        if pitched_now or B.DISCOUNT in negatives or B.ARGUE in negatives:
            conduct.pitched = True

        st.resistance = int(max(0, min(100, round(st.resistance + res_delta))))
        st.trust = int(max(0, min(100, round(st.trust + trust_delta))))

        progress = bool(met_now) or revealed_now or (explored and not st.concern_revealed)
        cost = self.rules.patience.cost
        if B.PASSIVE in negatives:
            spend = cost["passive"]
        elif (progress or helpful or found is not None) and not negatives:
            spend = cost["progress"]  # a question about the buyer's world they can answer is no time wasted
        elif progress and negatives <= {B.MONOLOGUE}:
            spend = cost["progress"]  # long, but it moved the call on: no time wasted (the line says so)
        elif on_point:
            # long, but about the buyer (their concern tied in, a step for them, a real question): a person
            # says it was long and listens on; walking out is for pressure, disrespect and time wasted
            spend = cost["progress"]
        elif B.MONOLOGUE in negatives and personality == "driver":
            spend = cost["monologue_driver"]
        else:
            spend = cost["default"]
        st.patience -= spend

        # a price offer with a date on it is heard as the offer ("...sign this month and it's 20% off"), as
        # when the buyer decides whether to hang up (``conduct.offences``): answered as a discount, not a push
        heard = negatives if B.PRESSURE in offences(signals, negatives) else negatives - {B.PRESSURE}
        situation = self.chooser.choose(st, conduct, signals, helpful, heard, revealed_now, met_now, explored)
        if B.NEXT_STEP in helpful and not T.structure().time.search(signals.text) and any(
                i.kind in ("next_step", "involve") and self.matcher.asks_day(i.text) for i in st.unmet()):
            situation.facts["needs_day"] = "yes"  # the step is fine but has no day, which the item asks for
        if conduct.step_proposed and situation.id == "want_next_step":
            situation.facts["step_on_table"] = "yes"  # no "what would you propose?" once the rep has proposed
        if spend > 0 and st.patience == 1 and st.stage in ("exploring", "resolving"):
            # one more turn like that and the buyer ends the call: a person says so first
            situation.facts["last_chance"] = "yes"
            situation.direction += " Your patience is nearly gone: say you only have a few minutes left."
        if stacked and situation.id in _ANSWERING:
            situation.facts["stacked"] = "yes"
            situation.direction += " The rep fired several questions at once: say so, and answer one briefly."
        if situation.id in _ANSWERING and not (negatives & _OFFENCES) and not gamed:
            self._answer(situation, asked)
            if (explored or B.CHECK_OTHER_CONCERNS in helpful) and st.concern_revealed and not revealed_now \
                    and not st.stake_told:
                self._tell_stake(situation)  # a good question, or "anything else?", draws the last of it out
            all_told = st.stake_told or not self._stages[1]
            why = any(T.first_word(q) == "why" for q in T.sentences(signals.text) if T.is_question(q))
            more = all_told and bool(asking & {B.EXPLORE_CONCERN, B.IMPACT_QUESTION} or (
                B.OPEN_QUESTION in asking and why))  # the reason is the story told
            if (st.concern_revealed and not revealed_now and not situation.facts.get("stake")
                    and (self.matcher.asks_about_told(signals) or more)):
                # a question about what the buyer has already told, or for more once all of it is out ("Why's
                # this on your mind now?" after the story and the stake): "that's the whole of it", never
                # "no idea"
                situation.facts["told"] = "impact" if B.IMPACT_QUESTION in helpful else "yes"
            elif (all_told and not revealed_now and st.concern_revealed and not situation.facts.get("stake")
                  and B.CHECK_OTHER_CONCERNS in helpful):
                situation.facts["nothing_else"] = "yes"  # "Anything else?" once all is told: "No, that's it."
        if not gamed:
            situation.facts.update(rep_words(self.scenario, signals, helpful))
            if situation.id in _ANSWERING and checks_reading(signals, helpful, negatives):
                self._answer_check(situation, revealed_now, signals, helpful)
        st.last_situation = situation.id
        st.asked_step = asks_for_step(situation, st.unmet())
        return situation

    def _answer_check(self, situation: Situation, revealed_now: bool, signals: SignalSet,
                      helpful: set[Behaviour]) -> None:
        """The rep asked whether they have it right: a person says so first. Yes when their words name the
        hidden concern, or play back the concern the buyer has told closely enough (``similarity.playback``);
        "partly" when it is still the buyer's own (or comes out only now, from a near guess);
        nothing when it is out and their words miss it (a buyer does not say yes to a wrong summary)."""
        told = self.state.concern_revealed and not revealed_now
        close = self.matcher.concern_similarity(signals)
        bars = self.rules.similarity
        if close >= bars.names_concern or (told and close >= bars.playback):
            situation.facts["check"] = "yes"
        elif B.SUMMARIZE in helpful and (revealed_now or not self.state.concern_revealed):
            situation.facts["check"] = "partly"
        if situation.facts.get("check"):
            situation.direction += " The rep checked their reading of you: first say if they have it right."

    @cached_property
    def _objection_figures(self) -> frozenset[str]:
        """The figures of the buyer's opening ("fourteen percent", "$48k"): what the objection is about."""
        return frozenset(figure_keys(self.scenario.buyer.opening))

    @cached_property
    def _stages(self) -> tuple[str, str]:
        """The concern's story and stake (``persona.concern_stages``), worded once per drill."""
        return concern_stages(self.scenario)

    @cached_property
    def _stake_questions(self) -> StakeQuestions:
        return StakeQuestions(*self._stages, self.scenario.buyer.opening, self.embedder,
                              self.rules.similarity.stake_question)

    @cached_property
    def _story_rest(self) -> str:  # what a first question that skipped the hint leaves of the story
        return "" if self.scenario.buyer.concern_lines else story_opening(self._stages[0])[1]

    def _tell_stake(self, situation: Situation) -> None:
        """A good question after the story draws out the concern's last stage, what is at stake for them."""
        if self.state.story_held:  # after a story's opening only, the rest of it first, with no lead-in
            self.state.story_held = False
            situation.facts.update(stake=self._story_rest, stake_lead="none")
            situation.facts["concern"] = concern_told(self.scenario, self.state)
            return
        stake = self._stages[1]
        if stake:
            self.state.stake_told = True
            situation.facts["stake"] = stake
            situation.facts["concern"] = concern_told(self.scenario, self.state)

    def _answer(self, situation: Situation, asked: str) -> None:
        """A plain question about the buyer's world gets an answer (``facts:``), as a person would give it:
        a fact the voice words before its line, or "I don't have that number to hand" (a figure not given)
        or "I'd have to check the exact date" once each. ``asked``: the turn's words less its proposals."""
        found = self._found
        if found is None:
            return
        told = [self.scenario.buyer.opening]
        if self.state.concern_revealed:
            told.append(concern_told(self.scenario, self.state))
        again = "" if found.topic or found.when else figure_said(found.question, told)
        if found.topic:
            self._answered.add(found.topic)
            situation.facts["answer"] = found.text
            situation.facts["asked_about"] = found.topic
            # two questions a fact each answers ("When's your renewal, and who else looks at it?"): both,
            # as a person would; a barrage of three or more gets one (``stacked``)
            more = None if situation.facts.get("stacked") else self.factbook.answer(asked, self._answered)
            if more is not None and also_asked(found, more):
                self._answered.add(more.topic)
                situation.facts["answer"] = f"{T.as_sentence(found.text)} {more.text}"
        elif again:
            situation.facts["answer"] = f"Like I said, {again}."
        elif found.when:
            if not self._no_date_said:  # "When does the board meet?" with no date given: checked, not made up
                self._no_date_said = True
                situation.facts["no_figure"] = "date"
        elif not self._no_figure_said:
            self._no_figure_said = True
            situation.facts["no_figure"] = "yes"


_ABOUT_THE_BUYER = frozenset({B.TIE_TO_CONCERN, B.NEXT_STEP, B.EXPLORE_CONCERN, B.SUMMARIZE})
"""What makes a long turn about the buyer rather than a pitch: it ties to their concern, proposes them a
step, asks what is behind the objection or plays their words back."""

_ANSWERING = frozenset({
    "probe_deflect", "answer_question", "hint_concern", "reveal_concern", "restate_objection", "want_numbers",
    "want_proof", "want_next_step", "next_step_vague", "acknowledge_progress", "impatient_passive",
})
"""Situations in which the buyer answers a plain question before their line (not while pushing back or
ending the call); revealing the concern too: "How many slips?" is answered before what really worries them."""
_OFFENCES = {B.PRESSURE, B.ARGUE, B.DISPARAGE, B.DISMISS, B.INJECTION, B.KEYWORD_STUFFING}
_COMBATIVE = frozenset({B.ARGUE, B.DISMISS, B.DISPARAGE})
"""Taking issue with the buyer, their concern or what they use: one idea whose three members trainers tell
apart differently (``reading.model.FAMILIES``)."""


def _breaks(forbidden: Behaviour, negatives: set[Behaviour]) -> bool:
    """Whether a turn breaks an item's rule: it does what the rule forbids, or another way of taking issue
    for a rule against one ("never criticises X", X "known for overpromising" read as dismissing)."""
    if forbidden in _COMBATIVE:
        return bool(negatives & _COMBATIVE)
    return forbidden in negatives
