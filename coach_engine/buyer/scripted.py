"""ScriptedVoice: the offline buyer voice, words from line banks in ``lines.yaml``.

Deterministic for a seed (the same seed and conversation give the same lines,
so tests and evals are reproducible) yet varied across seeds: each line is a
personality lead-in, a line for the situation and personality, and sometimes a
personality tail, each picked by a RNG seeded from the seed, the turn number
and the situation. Facts (names, numbers, the revealed concern, the agreed
next step) come from the director's ``Situation``; a line that needs a fact
the situation lacks is skipped.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import text as T
from ..datafiles import StrictData, load_model_file
from ..models import Scenario, Turn
from .criteria import asks_what_it_takes
from .item_match import person_named, role_named
from .line_polish import (
    hedged_once,
    keeps_capital,
    long_sentences,
    lowered_after_colons,
    plain,
    spoken_sentence,
    tidy,
    word_chunks,
)
from .premises import (
    CLAIMS_NO_QUESTION,
    DEMANDS_FIGURE,
    asks_about_them,
    credits_asking,
    premises,
    quoted_a_price,
    rests_on_a_price,
)
from .state import BuyerState, Situation
from .step_words import in_brief, with_rep_lengths
from .steps import a_different_step, agreed_step, named_day, named_step, with_timing, without_unsaid_purpose
from .telling import names_people, said_in_full, tells_past

LINES_PATH = Path(__file__).resolve().parent / "lines.yaml"

__all__ = ["LINES_PATH", "ScriptedVoice", "load_lines"]


ByPersonality = dict[str, list[str]]
"""A personality (or ``any``, for every buyer) -> its wordings."""


class LinesFile(StrictData):
    """``lines.yaml``: every wording the scripted buyer has, by what it is for."""

    version: int
    gist: dict[str, str]
    """An objection type -> the objection in a few words (the buyer restating it)."""
    fresh: ByPersonality
    lead: ByPersonality
    tail: ByPersonality
    situations: dict[str, ByPersonality]
    decline_step: ByPersonality
    decline_idea: ByPersonality
    stacked: ByPersonality
    """Said first when the rep fired several questions at once and the buyer takes only one."""
    long_question: ByPersonality
    """Said first when a long turn came round to a real question about the objection, which is answered."""
    unsure: ByPersonality
    """Said first when the rep asked a real question the buyer has nothing more to tell on."""
    told: ByPersonality
    """Said instead when that question is about the concern the buyer has already told whole."""
    criteria: dict[str, list[str]]
    """Said instead when it asks what it would take (``criteria``): the unmet want by item kind."""
    told_impact: ByPersonality
    """Said instead when it asks what would happen if the feared thing came true: it is what the buyer
    fears, so they say so, never "that's the whole story"."""
    short_on_time: ByPersonality
    """Said last when one more turn without progress ends the call."""
    no_figure: ByPersonality
    no_date: ByPersonality
    """Said first when the rep asked when something is and no date is given: checked, not made up."""
    after_answer: ByPersonality
    stake: ByPersonality
    check_answer: dict[str, ByPersonality]
    """Whether the rep has it right ("yes" or "partly"), said first when they checked their reading."""
    landed: ByPersonality
    """Said first when the rep checked that their answer landed and it moved the buyer."""
    nothing_else: ByPersonality
    """Said first when the rep asked what else stands in the way and the buyer has told all of it."""
    wants: dict[str, str | list[str] | ByPersonality]
    """What the buyer still needs, by item kind: one wording, or several to vary."""


@lru_cache(maxsize=1)
def _roles() -> frozenset[str]:
    """The role words of ``rules.yaml`` (who an involve item may bring in)."""
    from .rules import load_rules

    return frozenset(load_rules().roles)


@lru_cache(maxsize=4)
def load_lines(path: str = str(LINES_PATH)) -> dict[str, Any]:
    """The lines file, checked (an unknown key or a line that is not text is an error naming the file)."""
    return load_model_file(Path(path), LinesFile).model_dump()


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


class ScriptedVoice:
    """Offline buyer voice: same seed, same words."""

    name = "scripted"
    can_stream = False  # a whole line at once: nothing to show in pieces

    def __init__(self, seed: int = 0, lines_path: str | Path | None = None):
        self.seed = seed
        self.lines = load_lines(str(lines_path or LINES_PATH))
        self.last_notice: str | None = None

    def speak(self, scenario: Scenario, state: BuyerState, situation: Situation, history: list[Turn]) -> str:
        self.last_notice = None
        if situation.id == "opening":
            return " ".join(scenario.buyer.opening.split())
        personality = scenario.buyer.personality
        rng = random.Random(f"{self.seed}:{len(history)}:{situation.id}:{scenario.id}")
        facts = dict(situation.facts)
        unmet = state.unmet()
        kind = unmet[0].kind if unmet else "general"
        said_so_far = " ".join(t.text for t in history if t.role == "buyer")

        def want(name: str, default: str = "") -> str:
            """What the buyer still wants, in one of its wordings not said yet this drill."""
            said = self.lines.get("wants", {}).get(name)
            if isinstance(said, dict):  # worded by personality: four buyers never ask it the same way
                said = said.get(personality) or said.get("any")
            options = [said] if isinstance(said, str) else list(said or [])
            fresh = [x for x in options if x not in said_so_far]
            return rng.choice(fresh or options) if options else default

        facts["wants_line"] = want(kind)
        person = person_named(unmet[0].text, scenario) or role_named(unmet[0].text, _roles()) \
            if kind == "involve" else ""
        if person:  # "And I'd want Curtis in on this too", not "the others who decide" from the one who does
            facts["wants_line"] = want("involve_named").replace("{person}", person)
        # Agreeing, the buyer agrees to the step the rep proposed (issue 13), never pasting the rep's
        # sentence ("I'm in for we run an analysis ..."). The same kind of step as the scenario's is said in
        # the scenario's fuller words, at the rep's day, without a purpose the rep never said ("to scope a
        # paid pilot"); another kind of step ("we install it next Tuesday" where the scenario has a call) is
        # the rep's own, named back (activity, length, people, day; the scenario's timing if the rep named
        # none), as it is without a scenario step. Failing that, the rep's day: "Let's go with that: this
        # Thursday at 10am", never "what you just proposed".
        rep = said_in_full(facts.get("rep_step", ""))  # "Nov 12 at 2pm, 20 min w/ you": as said
        rep_said = " ".join([*(t.text for t in history if t.role == "rep"), rep])  # the whole drill's words
        proposing = next((t.text for t in reversed(history) if t.role == "rep"), "")  # the proposal's turn
        scenario_step = scenario.buyer.next_step or ""
        named = named_step(rep)
        another = not scenario_step or a_different_step(rep, scenario_step, proposing)
        own = with_timing(named, rep, scenario_step) if another and named else ""
        own = own or ("" if scenario_step else named_day(rep))
        step = without_unsaid_purpose(facts.get("next_step", ""), rep_said)
        facts["rep_step"] = own or in_brief(with_rep_lengths(agreed_step(step, rep), proposing))

        # A rebuke must rest on what the rep did: no "you haven't asked" after a question, no "with a number"
        # after a figure, no "what would you propose?" after a concrete proposal (issue 13). Whether the rep
        # proposed a step is the shared reading's call (a question about last March's review names a month
        # and an activity and proposes nothing, so the words alone cannot tell).
        last_rep = next((t.text for t in reversed(history) if t.role == "rep"), "")
        claimed = bool(_CLAIMS & set(situation.behaviours))
        asked, figured = premises(last_rep, claimed)
        proposed = "next_step" in situation.behaviours
        asked_ever = asked or any(t.role == "rep" and "?" in t.text for t in history)
        if kind == "explore" and (asked_ever or state.concern_revealed):
            # "You still haven't asked me what's really going on" is false once they have asked, or once
            # the buyer has told it
            facts["wants_line"] = want("uncover", facts["wants_line"])
        if figured and kind == "tie_number":
            # a figure given: never "with a number"; tied to the concern too, what is left is its worth
            tied = "tie_to_concern" in situation.behaviours
            facts["wants_line"] = want("tie_worth" if tied else "tie", facts["wants_line"])
        elif not claimed and kind == "tie_number":
            facts["wants_line"] = want("tie_number_plain", facts["wants_line"])
        if proposed:
            facts["step_proposed"] = facts.get("step_proposed") or "yes"
        sid = _wording(situation, facts, proposed, claimed, figured,
                       not situation.behaviours and asks_about_them(last_rep))
        # A step is proposed, now or earlier: what is missing is its detail (its day, if the item asks one)
        earlier = facts.get("step_on_table") and not proposed and kind in ("next_step", "involve")
        if earlier or (sid == "acknowledge_step" and kind in ("next_step", "involve", "general", "confirm")):
            # never "clear about who is in the room" to a rep who named who: the people, or the step itself
            detail = "step_who" if kind == "involve" else "step_detail"
            facts["wants_line"] = want("step_day" if facts.get("needs_day") else detail, facts["wants_line"])
            if person and detail == "step_who" and not facts.get("needs_day"):
                facts["wants_line"] = want("step_who_named").replace("{person}", person)
        if facts.get("hold"):
            facts["wants_line"] = ""  # asked for a step a moment ago: this line takes in what was said
        bank = self.lines["situations"].get(sid) or self.lines["situations"]["restate_objection"]
        pool = [*bank.get(personality, []), *bank.get("any", [])]
        if sid == "hint_concern":  # a hint never claims a past or people the concern does not have
            told = scenario.buyer.hidden_concern
            for kind, true in (("hint_history", tells_past(told)), ("hint_people", names_people(told))):
                pool += self.lines["situations"].get(kind, {}).get(personality, []) if true else []
        known = {k for k, v in facts.items() if v or (k == "wants_line" and facts.get("hold"))}
        asked_now = asked or any(T.question_form(x) for x in T.sentences(last_rep))
        # "what was the original number based on?" rests on a price of the rep's (``quoted_a_price``), read
        # only when a line of the pool speaks of one: most turns have none
        quoted = [scenario.context, scenario.buyer.opening,
                  *(t.text for t in history[:-1] if t.role == "rep")]
        priced = not any(rests_on_a_price(t) for t in pool) or quoted_a_price(last_rep, quoted)
        usable = [t for t in pool if _fields(t) <= known
                  and (priced or not rests_on_a_price(t))
                  and not (asked_ever and CLAIMS_NO_QUESTION.search(t))
                  and not (not asked_now and credits_asking(t))
                  and not (figured and DEMANDS_FIGURE.search(t))]
        about_rep = [t for t in usable if _fields(t) & _REP_WORDS]
        if about_rep:
            usable = about_rep  # a line that picks up the rep's own figure or customer beats a stock one
        said_before = plain(said_so_far)
        spoken = long_sentences(said_so_far)

        def new(line: str) -> bool:
            """Neither the line nor a sentence of five words or more of it said yet this drill."""
            return plain(line) not in said_before and not long_sentences(line) & spoken

        def remarked(family: str, core: str, lead: str, fits: Callable[[str], bool] = new) -> tuple[str, str]:
            """``core`` after a fresh remark of ``family`` (this personality's or any), with no stock lead-in
            on top, nor the core's own opening reaction ("I've told you most of it." never runs on into
            "Okay, that's the problem."); as it was when there is none left to say."""
            lines = self.lines.get(family, {})
            fresh = [x for x in (*lines.get(personality, []), *lines.get("any", [])) if fits(x)]
            return (f"{rng.choice(fresh)} {_without_reaction(core)}".rstrip(), "") if fresh else (core, lead)

        # No sentence said twice a drill: another line of the situation, else a line kept for that.
        filled = [t.format(**facts) for t in usable]
        unsaid = [line for line in filled if new(line)]
        spare = [x for x in self.lines.get("fresh", {}).get(personality, []) if new(x)]
        core = rng.choice(unsaid or spare or filled or ["I see."])
        hint = facts.get("concern_hint", "")
        if sid == "hint_concern" and hint:
            core = hint  # the scenario's own first stage of the concern
        elif sid == "reveal_concern" and hint and plain(hint) not in said_before:
            # The author's hint leads into the story the first time it is told, in place of a stock lead-in:
            # a good first question draws the story at once, and the manager's own first stage is heard too.
            core = f"{hint} {facts['concern']}"
        core = self._answered(core, sid, facts, personality, rng, said_so_far)
        # Never say a line twice in a drill (an answer or a turn back can make one of another line).
        # Compared without case and punctuation, as the realism lint does (a colon later lowers "The").
        if plain(core) in said_before:
            core = rng.choice(unsaid or spare or [core])
        declined = False
        if proposed and sid not in _TAKES_UP_STEP:
            # The rep put a concrete step on the table and the buyer is not taking it: say so, instead of
            # answering as if nothing had been proposed (issue 13, proposals ignored).
            dated = bool(T.structure().time.search(last_rep))  # no talk of calendars when no day was named
            said_no = self.lines.get("decline_step" if dated else "decline_idea", {})
            declines = [x for x in (*said_no.get(personality, []), *said_no.get("any", []))
                        if x not in said_so_far]
            if declines:
                core = f"{rng.choice(declines)} {core}"
                declined = True
        leads = self.lines.get("lead", {}).get(personality, [""])
        lead = rng.choice(leads) if rng.random() < LEAD_SHARE else ""
        check = self.lines.get("check_answer", {}).get(facts.get("check", ""), {}).get(personality, [])
        if check:  # the rep asked whether they have it right: say so first, and no stock lead-in on top
            core, lead = f"{rng.choice(check)} {core}", ""
        elif "confirm" in situation.behaviours and sid in _LANDS and not proposed:
            # "Does that speak to what worried you?" and it helped: answered, then what is still missing
            landed, said_too = remarked("landed", "" if facts.get("hold") else core, lead)
            core, lead = (landed, said_too) if landed.strip() else (core, lead)
        elif facts.get("nothing_else"):  # "Anything else?", all of it told: "No, that's it." first
            core, lead = remarked("nothing_else", core, lead)
        elif facts.get("long_question"):  # a long way round to a real question: said, then answered
            core, lead = remarked("long_question", core, lead)
        elif facts.get("stacked"):  # a barrage of questions: one is answered, and the buyer says so
            opening = T.first_word(core)  # never "Ha, ... Ha, ..."
            core, lead = remarked("stacked", core, lead, lambda x: new(x) and T.first_word(x) != opening)
        elif (asked and not proposed and state.concern_revealed
              and (sid.startswith("want_") or (sid == "acknowledge_progress" and not facts["wants_line"]))
              and not (facts.get("answer") or facts.get("no_figure") or facts.get("stake"))
              and (_ASKS_WHY & set(situation.behaviours) or _asks_what(last_rep) or (
                  "closed_question" in situation.behaviours and "confirm" not in situation.behaviours
                  and state.stake_told and not facts["wants_line"]))):
            # A real question the buyer has nothing more to tell on ("What would make Tom feel it builds on
            # his work?"): say so, rather than asking for a step as if nothing had been asked; once the
            # stake is told too, a question about their world is answered by that story ("That's the whole
            # of it"), never by a bare "Understood."
            heard = facts.get("told", "") or ("yes" if state.stake_told and not facts["wants_line"] else "")
            if not _ASKS_WHY & set(situation.behaviours) and _asks_what(last_rep):
                heard = ""  # "What if Tom were the one evaluating us?": a thought, not their story
            family = "told_impact" if heard == "impact" else "told" if heard else "unsure"
            taken = [x for x in self.lines["criteria"].get(kind, []) if new(x)] \
                if asks_what_it_takes(last_rep) else []  # "What would your treasurer want to see?": the want
            core, lead = (rng.choice(taken), "") if taken else remarked(family, core, lead)
        thanked = set(T.words(lead)) & (_THANKS | {"kind"})  # "I appreciate that.", "That's kind of you."
        if lead and (lead in said_so_far or _LEAD_IN.match(core) or set(T.words(core)[:3]) & _THANKS or (
                thanked and not {"acknowledge", "summarize"} & set(situation.behaviours))):
            # one stock lead-in a drill at most, never two in a row, none before a thank-you, and a thank-you
            # only for words that took the buyer in (not for a question or a pitch)
            lead = ""
        tail = rng.choice(self.lines.get("tail", {}).get(personality, [""])) if rng.random() < 0.35 else ""
        if long_sentences(tail) & spoken:
            tail = ""
        if DEMANDS_FIGURE.search(tail) and (figured or not claimed or DEMANDS_FIGURE.search(core)):
            tail = ""  # "Numbers, please." asks for the figure a claim lacked: never to sympathy, never twice
        said_instead = facts.get("answer") or facts.get("no_figure") or facts.get("stake")
        if situation.id not in _TAILED or said_instead or declined or facts.get("hold"):
            # "Numbers, please." after a hint, "Keep it short." after a rebuke or "Honestly, I want this to
            # work!" after turning a step down says nothing, or the opposite of the line
            tail = ""
        if facts.get("last_chance"):  # one more wasted turn ends the call: the buyer says so, once
            tail = rng.choice(self.lines.get("short_on_time", {}).get(personality, [""]))
        if (_INTERJECTION.match(core) or situation.id in _CLOSES or facts.get("stake") or facts.get("answer")
                or facts.get("hold")):  # a short reaction ("Noted.") takes no "Listen," before it
            # The stake's own intro is lead enough; an answer needs none ("That's kind of you. 418 days.")
            lead = ""
        if lead.endswith(",") and core[:1].isupper() and not keeps_capital(core, facts):
            core = core[0].lower() + core[1:]
        text = " ".join(p for p in (lead, core, tail) if p)
        text = lowered_after_colons(said_in_full(text), facts)  # never "w/o" or "~90K" read out
        text = hedged_once(text)  # "honestly" once a line, however its parts were joined
        return tidy(text)

    def _answered(self, core: str, sid: str, facts: dict[str, str], personality: str, rng: random.Random,
                  said_so_far: str) -> str:
        """The line with what the director chose to tell: the answer to a plain question, the stake.

        A plain question gets its answer first (the director chose the fact); then, instead of a line that
        would answer it again, a short turn back to what still worries the buyer. The concern's last stage,
        drawn out by a good question after its story (issue 13: stages), comes after the answer and nothing
        follows it: a person who has just said what is at stake for them does not ask for a number in the
        same breath. A stake that carries a figure answers a figure question itself: no "I don't have that
        number" beside it."""
        stake = facts.get("stake", "")
        reply = ""
        if facts.get("answer") or (facts.get("no_figure") and not T.NUMBER.search(stake)):
            unknown = "no_date" if facts.get("no_figure") == "date" else "no_figure"
            reply = facts.get("answer") or rng.choice(self.lines.get(unknown, {}).get(personality, [""]))
            if sid in ("answer_question", "probe_deflect"):
                turn_back = [x for x in self.lines.get("after_answer", {}).get(personality, [])
                             if x not in said_so_far]
                core = rng.choice(turn_back) if turn_back else ""
            core = " ".join(p for p in (spoken_sentence(reply), core) if p)
        if stake:
            intro = "" if facts.get("stake_lead") == "none" else rng.choice(
                self.lines.get("stake", {}).get(personality, [""]))
            said = spoken_sentence(reply) if reply else ""
            core = " ".join(p for p in (said, intro, spoken_sentence(stake)) if p)
        return core

    def stream(
        self, scenario: Scenario, state: BuyerState, situation: Situation, history: list[Turn]
    ) -> Iterator[str]:
        yield from word_chunks(self.speak(scenario, state, situation, history))


_INTERJECTION = re.compile(
    r"^(okay|ok|fine|right|look|hm+|mm+|oh|ha|so|well|honestly|all right|quickly|bottom line|whoa|wow|ugh|"
    r"ooh|yikes|huh|sorry|excuse me|nope|yes|now|that|you know|says you|everybody|stop|what|the real|noted|"
    r"sure|understood|fair|got it)\b",
    re.IGNORECASE,
)
_REACTION_WORDS = 5


_BARE = frozenset({"Understood.", "Noted.", "Fair enough.", "Fair enough, noted.", "Okay.", "Right.",
                   "I see."})
"""A line that is a reaction and nothing more, once what the buyer still wants is left out of it."""


def _without_reaction(core: str) -> str:
    """``core`` without a short reaction opening it ("Okay, that's the problem. What does it do ...?" ->
    "What does it do ...?"): said after a remark, a second reaction stacks two."""
    first, *rest = T.sentences(core) or [core]
    if not rest and first in _BARE:
        return ""  # "That's the whole of it, really." needs no "Understood." after it
    if rest and _INTERJECTION.match(first) and len(first.split()) <= _REACTION_WORDS and "?" not in first:
        return core[core.index(first) + len(first):].lstrip()
    return core


def _wording(situation: Situation, facts: dict[str, str], proposed: bool, claimed: bool,
             figured: bool = False, only_asked: bool = False) -> str:
    """The wording of the situation that fits what the rep did: never a line resting on what they did not
    do (issue 13, false-premise rebukes). ``only_asked``: the rep asked something the reading gave no
    behaviour ("Where are you with the migration?"): the buyer declines to go into it, never "That doesn't
    move me much" as if it were an argument."""
    sid = situation.id
    if sid == "restate_objection" and only_asked and not facts.get("answer"):
        return "restate_asked"
    if sid == "want_numbers" and figured and claimed:
        sid = "acknowledge_progress"  # a figure was given: take it, and say what is still missing
    if sid == "want_next_step" and (proposed or facts.get("step_on_table")):
        sid = "acknowledge_progress"  # a step is on the table (this turn or before): say what is missing
    if sid == "restate_objection" and facts.get("plain") and {"acknowledge", "summarize"} & set(
            situation.behaviours):
        # felt with the buyer, or said back what they told, and pitched nothing: thanked, then where they
        # stand ("Nine short, everyone on overtime." is heard, never "So we're still where we started.")
        return "restate_heard"
    if sid == "restate_objection" and (
            facts.get("plain") or proposed or "tie_to_concern" in situation.behaviours):
        # pitched nothing, spoke to the concern, or proposed a step (declined first): no "that's a pitch"
        return "restate_plain"
    if sid == "restate_objection" and {"acknowledge", "summarize"} & set(situation.behaviours):
        return "restate_pitch_heard"  # felt with the buyer, then pitched: never "you're not listening"
    if sid in ("want_proof", "want_numbers") and not claimed:
        return sid + "_plain"  # nothing claimed to doubt or connect: no "says you", no "connect it"
    if sid == "impatient_monologue" and facts.get("only_long"):
        return "impatient_long"  # too long, and nothing more: no "a list of features", no "my problem"
    if sid == "acknowledge_progress" and facts.get("step_proposed"):
        return "acknowledge_step"  # the rep proposed a step: never ask for one, say what is missing
    return sid


_LANDS = frozenset({"acknowledge_progress", "want_next_step", "want_proof", "want_numbers"})
"""Situations after which a check that the answer landed is answered yes: the buyer moved, wants more."""
_THANKS = frozenset({"thanks", "thank", "appreciate", "appreciated"})
"""A line that opens by thanking the rep needs no stock lead-in ("To be clear, thanks ...")."""
_REP_WORDS = frozenset({"rep_figure", "rep_promise", "rep_customer"})
_ASKS_WHY = frozenset({"open_question", "explore_concern", "impact_question"})
_TAILED = frozenset({"restate_objection", "want_numbers", "want_proof", "want_next_step", "next_step_vague",
                     "acknowledge_progress", "impatient_passive"})
"""Situations a personality's tail ("Numbers, please.", "I don't have all day.") may close: the buyer is
pressing for substance. Not a hint, a deflection, a rebuke or an answer, where it contradicts the line."""
_CLOSES = ("agree", "walk_away", "stall_offer", "stall_polite", "stall_send")
"""Lines that end the call: said plainly, with no stock lead-in or tail."""
_CLAIMS = frozenset({"state_value", "give_proof", "quantify_value", "tie_to_concern"})
"""What a rep claims (value, proof, a figure): what "says you" or "connect it to my situation" answers."""
_TAKES_UP_STEP = frozenset({*_CLOSES, "acknowledge_step", "acknowledge_progress",
                            "next_step_vague"})
"""Situations whose lines already answer a proposed step (agree, say what is missing, ask for detail)."""
LEAD_SHARE = 0.4
"""How often a line opens with the personality's lead-in ("Look,", "Quickly:"): a person does not preface
every sentence."""
_LEAD_IN = re.compile(r"^\W*(?:[\w'’,.-]+\s+){0,4}[\w'’.-]+:\s")


def _asks_what(text: str) -> bool:
    """A question put as what, how or why that no head read ("What if Tom were the one evaluating us?")."""
    return any(T.question_form(x) == "open" for x in T.sentences(text))
