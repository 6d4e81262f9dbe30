"""The buyer takes a turn as it was said: whose "he" it is, which step and day were proposed, what was told.

Each case is an idea a probe drill on a fresh scenario showed missing, written here in other words:

* someone else named as a clause's subject keeps their pronoun when an adverb stands before the verb;
* a knock at the incumbent is no insight, even when the reader is unsure enough to let it pass;
* a short question about the concern is exploring, though it names a month;
* a question about what the buyer has already told draws "that's the whole of it", not "no idea";
* the step agreed to is the one proposed: never another event's activity or a time said as another noun's;
* a question for a moment of the buyer's time is granted, not taken as a question about the backstory.
"""

from __future__ import annotations

import pytest

from coach_engine.buyer import BuyerDirector
from coach_engine.buyer.persona import first_person
from coach_engine.buyer.steps import named_step
from coach_engine.embeddings import CachedEmbedder
from coach_engine.models import Scenario, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalSet

B = Behaviour


def _with_buyer(bank: ScenarioBank, name: str) -> Scenario:
    base = bank.get("cfo-price-routing")
    return base.model_copy(update={"buyer": base.buyer.model_copy(update={"name": name})})


def test_an_adverb_before_the_verb_still_makes_someone_else_the_subject(bank: ScenarioBank) -> None:
    concern = ("Lena can sign off on small tools. The owner, Pieter Vos, loudly backed the last platform, "
               "and he has told Lena he will not take another one to the partners. Lena likes this one.")
    told = first_person(concern, _with_buyer(bank, "Lena Brandt"))
    assert "he has told me he will not take another one" in told, told
    assert "I like this one" in told and "I have told me" not in told, told


@pytest.mark.parametrize("opening", ["Engagement was poor after the last rollout.",
                                     "Retention has slipped all year."])
def test_a_sentence_opening_on_an_abstract_noun_names_nobody_else(bank: ScenarioBank, opening: str) -> None:
    told = first_person(f"{opening} She lost her bonus over it.", _with_buyer(bank, "Ines Carvalho"))
    assert told.endswith("I lost my bonus over it."), told


def turn(text: str, *read: tuple[Behaviour, float]) -> SignalSet:
    return SignalSet(text, [Signal(b, text, 0, len(text), confidence=c) for b, c in read])


def test_a_knock_at_the_incumbent_is_no_insight_however_unsure_the_reading(
        bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """A sentence that names the concern counts as a good guess only when nothing in it may knock or argue:
    let pass is not the same as credited."""
    cfo = bank.get("cfo-price-routing")
    guess = "Honestly, that ERP rollout flopped because the vendor was rubbish, everyone says so."
    d = BuyerDirector(cfo, embedder=embedder)
    d.step(turn(guess, (B.DISPARAGE, 0.4), (B.ARGUE, 0.5)), 1)
    assert d.state.explore_turns == 0 and not d.state.concern_revealed
    plain = BuyerDirector(cfo, embedder=embedder)
    plain.step(turn("My guess is the failed ERP rollout made the board freeze software spend."), 1)
    assert plain.state.explore_turns == 1


def test_a_short_question_about_the_concern_that_names_a_month_is_exploring(bank: ScenarioBank) -> None:
    from coach_engine.buyer.conduct import exploring

    asked = "So what happens if March goes wrong?"
    signals = turn(asked, (B.EXPLORE_CONCERN, 0.95), (B.OPEN_QUESTION, 0.9))
    assert B.EXPLORE_CONCERN in exploring(signals, {B.EXPLORE_CONCERN, B.OPEN_QUESTION})
    slot = turn("How's March 3rd?", (B.OPEN_QUESTION, 0.9))
    assert not exploring(slot, {B.OPEN_QUESTION})  # a slot offered is no question about the buyer


def test_a_question_about_what_was_told_gets_that_was_all_of_it(
        bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    from coach_engine.buyer.scripted import ScriptedVoice

    cfo = bank.get("cfo-price-routing")
    d = BuyerDirector(cfo, embedder=embedder)
    d.state.concern_revealed, d.state.stake_told, d.state.explore_turns = True, True, 2
    asked = "What went wrong with the ERP rollout last year?"
    situation = d.step(turn(asked, (B.EXPLORE_CONCERN, 0.95), (B.OPEN_QUESTION, 0.95)), 3)
    assert situation.facts.get("told") == "yes"
    said = ScriptedVoice(0).speak(cfo, d.state, situation, [])
    assert not any(w in said.lower() for w in ("no idea", "not sure", "don't know")), said
    other = BuyerDirector(cfo, embedder=embedder)
    other.state.concern_revealed, other.state.stake_told, other.state.explore_turns = True, True, 2
    elsewhere = other.step(turn("How many drivers work the night routes?", (B.OPEN_QUESTION, 0.95)), 3)
    assert "told" not in elsewhere.facts


def test_why_asked_once_all_is_told_gets_that_is_the_whole_of_it(
        bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """Once the story and the stake are out, "Why's this on your mind now?" asks for the reason just told: a
    person says that was all of it, never "No idea yet"."""
    from coach_engine.buyer.scripted import ScriptedVoice

    cfo = bank.get("cfo-price-routing")
    d = BuyerDirector(cfo, embedder=embedder)
    d.state.concern_revealed, d.state.stake_told, d.state.explore_turns = True, True, 2
    situation = d.step(turn("Why's this on your mind now?", (B.OPEN_QUESTION, 0.95)), 3)
    assert situation.facts.get("told") == "yes"
    said = ScriptedVoice(0).speak(cfo, d.state, situation, [])
    assert not any(w in said.lower() for w in ("no idea", "not sure", "don't know")), said
    early = BuyerDirector(cfo, embedder=embedder)
    early.state.concern_revealed, early.state.explore_turns = True, 1  # the stake is still to come
    assert "told" not in early.step(turn("Why's this on your mind now?", (B.OPEN_QUESTION, 0.95)), 3).facts


def test_what_if_the_fear_came_true_once_all_is_told_is_met_as_the_fear(
        bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """After the story and the stake, "And if another quarter went like that?" asks what would happen if the
    feared thing came true: the buyer says that is the fear, never "that's the whole story"."""
    from coach_engine.buyer.scripted import ScriptedVoice, load_lines

    cfo = bank.get("cfo-price-routing")
    d = BuyerDirector(cfo, embedder=embedder)
    d.state.concern_revealed, d.state.stake_told, d.state.explore_turns = True, True, 2
    asked = "And what would happen if the next rollout slipped the same way?"
    situation = d.step(turn(asked, (B.EXPLORE_CONCERN, 0.95), (B.OPEN_QUESTION, 0.95),
                            (B.IMPACT_QUESTION, 0.9)), 3)
    assert situation.facts.get("told") == "impact"
    wanting = situation.model_copy(update={"id": "want_numbers"})  # when the buyer still wants something
    said = ScriptedVoice(0).speak(cfo, d.state, wanting, [Turn(role="rep", text=asked)])
    fears = load_lines()["told_impact"][cfo.buyer.personality]
    assert any(said.startswith(x) for x in fears), said


@pytest.mark.parametrize("asked", [
    # points back at what was just said, with no content of its own
    "Oh, that's rough. What happened then?",
    # about a line the buyer told the concern in (``concern_lines``), not the manager's own wording
    "Is it the fuel bill itself that bothers you, or is something bigger going on with the board?",
])
def test_a_question_about_what_the_buyer_just_said_is_not_met_with_no_idea(
        bank: ScenarioBank, embedder: CachedEmbedder, asked: str) -> None:
    """Asked about the story they have just told, in the lines they told it in or with a "that" or "then"
    pointing back, a buyer never says they have no idea; a question that needs no story to answer does not
    count as one about it."""
    base = bank.get("cfo-price-routing")
    lines = ["The fuel bill is not really what keeps me up.",
             "The board is already asking whether we overspend on software, and one more miss lands on me."]
    cfo = base.model_copy(update={"buyer": base.buyer.model_copy(update={"concern_lines": lines})})
    d = BuyerDirector(cfo, embedder=embedder)
    d.state.concern_revealed, d.state.stake_told, d.state.explore_turns = True, True, 2
    situation = d.step(turn(asked, (B.EXPLORE_CONCERN, 0.95), (B.OPEN_QUESTION, 0.95)), 3)
    assert situation.facts.get("told") == "yes"
    other = BuyerDirector(cfo, embedder=embedder)
    other.state.concern_revealed, other.state.stake_told, other.state.explore_turns = True, True, 2
    plain = "Which routes do your drivers find hardest in winter?"
    elsewhere = other.step(turn(plain, (B.OPEN_QUESTION, 0.95)), 3)
    assert "told" not in elsewhere.facts


@pytest.mark.parametrize(("proposal", "named"), [
    # the activity of the piece that names the day, not another event's ("the bank review")
    ("We sign nothing until the lender's review is finished, and we book the install for Monday the 12th.",
     "the install on Monday the 12th"),
    # a piece that says what the step is for names no activity of its own
    ("Can we grab 15 minutes on June 2nd, after the audit, to settle the rollout plan?",
     "those 15 minutes on June 2nd"),
    # ... nor does one the step is for, in the same piece ("30 minutes ... to look at a trial")
    ("Can we block 30 minutes on Tuesday with your partners to look at a 60-day trial?",
     "those 30 minutes with my partners on Tuesday"),
    # a time said as another noun's is no day for the step
    ("How about a trial with this October's intake forms, side by side?", "the trial"),
    # a piece that only opens with "glad to" still proposes; the day may follow in a piece of its own
    ("Glad to set up a call, say Wednesday?", "the call on Wednesday"),
    # an activity said as a verb is named as the thing agreed to
    ("Could we meet on Friday at 11?", "the meeting on Friday at 11"),
    # a length said alone keeps its own article, and the people the step brings in are named, as the buyer's
    ("Could we block an hour with your head of IT next Wednesday at 3 to go through security?",
     "an hour with my head of IT next Wednesday at 3"),
    # two days in one proposal: the activity keeps the day it is said with, not the turn's first
    ("We switch the two night crews over from Tuesday the 3rd, and on Friday the 13th we sit down for "
     "20 minutes with your supervisor.", "the 20-minute sit-down with my supervisor on Friday the 13th"),
])
def test_the_step_named_back_is_the_one_proposed(proposal: str, named: str) -> None:
    assert named_step(proposal) == named


def test_the_buyer_says_time_is_short_before_patience_runs_out(bank: ScenarioBank) -> None:
    """One more turn without progress ends the call: the buyer says so first, once, in its own voice."""
    from coach_engine.buyer.scripted import ScriptedVoice

    cfo = bank.get("cfo-price-routing")
    d = BuyerDirector(cfo)
    lines, said = [], []
    while d.state.patience > 1:
        situation = d.step(turn("Right, okay then."), d.state.turns + 1)
        said.append(situation.facts.get("last_chance"))
        lines.append(ScriptedVoice(0).speak(cfo, d.state, situation, []))
    assert said[-1] == "yes" and not any(said[:-1])
    warned = ScriptedVoice(0).lines["short_on_time"][cfo.buyer.personality]
    assert any(lines[-1].endswith(w) for w in warned), lines[-1]


def test_a_long_way_round_to_a_real_question_gets_the_question_answered(
        bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """A chatty rep's long turn that ends on a real question about the objection is answered (with a word on
    its length), never met with "what's the part that matters most?" as if nothing had been asked."""
    from coach_engine.buyer.scripted import ScriptedVoice, load_lines

    # a hard buyer: one question draws a hint, not the story
    cfo = bank.get("cfo-price-routing").model_copy(update={"difficulty": "hard"})
    d = BuyerDirector(cfo, embedder=embedder)
    heard = "Thanks so much for making the time, I know month end is a lot for a finance team like yours."
    asked = "It's completely fair that $48k is more than you set aside, so what is behind the number for you?"
    said = f"{heard} {asked}"
    at = len(heard) + 1
    signals = SignalSet(said, [Signal(B.MONOLOGUE, said, 0, len(said)),
                               Signal(B.ACKNOWLEDGE, heard, 0, len(heard), confidence=0.9),
                               *(Signal(b, asked, at, len(said), confidence=0.95)
                                 for b in (B.EXPLORE_CONCERN, B.OPEN_QUESTION))])
    situation = d.step(signals, 1)
    assert situation.id == "hint_concern"
    line = ScriptedVoice(0).speak(cfo, d.state, situation, [Turn(role="rep", text=said)])
    remarks = load_lines()["long_question"][cfo.buyer.personality]
    assert any(line.startswith(x) for x in remarks), line


@pytest.mark.parametrize(("said", "read", "granted"), [
    ("Got two minutes?", (B.CLOSED_QUESTION, 0.8), True),
    ("Morning, Alex from the depot team here. Can I steal a couple of minutes?", (B.CLOSED_QUESTION, 0.7),
     True),
    # a length with an activity is a step, and a question about the objection is exploring
    ("Shall we pencil a 20-minute call in for Thursday?", (B.NEXT_STEP, 0.9), False),
    ("Which part of the first five minutes of a demo matters most to you?", (B.OPEN_QUESTION, 0.9), False),
])
def test_a_question_for_a_moment_of_time_is_granted(bank: ScenarioBank, said: str,
                                                    read: tuple[Behaviour, float], granted: bool) -> None:
    """"Got two minutes?" asks for time, not for the story behind the objection: the buyer grants it (or not)
    and tells nothing yet, never "why do you need the backstory?"."""
    from coach_engine.buyer.scripted import ScriptedVoice, load_lines

    cfo = bank.get("cfo-price-routing")
    d = BuyerDirector(cfo)
    situation = d.step(turn(said, read), 1)
    assert (situation.id == "grant_time") is granted, situation.id
    if granted:
        line = ScriptedVoice(0).speak(cfo, d.state, situation, [Turn(role="rep", text=said)])
        assert any(x in line for x in load_lines()["situations"]["grant_time"][cfo.buyer.personality]), line
        assert not d.state.concern_revealed


@pytest.mark.parametrize(("step", "proposal", "agreed"), [
    ("A site visit next Thursday with me and the yard foreman",
     "Shall we do the site visit next Thursday with your foreman? Thursday at 7:30 suits me.",
     "A site visit next Thursday at 7:30 with me and the yard foreman"),
    ("A call on Monday with my controller", "Monday at 11?", "A call on Monday at 11 with my controller"),
])
def test_the_step_agreed_keeps_the_hour_the_rep_put_on_its_day(step: str, proposal: str, agreed: str) -> None:
    """The scenario's step names the day; the rep names the same day with an hour: the buyer agrees to the
    day at that hour, never drops the rep's time."""
    from coach_engine.buyer.steps import agreed_step

    assert agreed_step(step, proposal) == agreed


def test_a_question_about_the_objections_own_figure_is_no_fact_question(
        bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """"What are you weighing the $48k against, the software line or the fuel it saves?" asks what is behind
    the objection: it explores, and no fact that shares its words (the fuel spend) is read out for it."""
    cfo = bank.get("cfo-price-routing")
    d = BuyerDirector(cfo, embedder=embedder)
    asked = "What are you weighing the $48k against, the software line or the fuel it saves?"
    situation = d.step(turn(asked, (B.EXPLORE_CONCERN, 0.9), (B.OPEN_QUESTION, 0.9)), 1)
    assert "answer" not in situation.facts, situation.facts
    assert d.state.explore_turns == 1


def test_a_statement_is_never_thanked_as_a_question(bank: ScenarioBank) -> None:
    """A line that credits the rep's asking ("Since you're asking ...") follows a question, never a statement
    that happened to draw the concern out."""
    from coach_engine.buyer.premises import credits_asking as _credits_asking
    from coach_engine.buyer.scripted import ScriptedVoice

    cfo = bank.get("cfo-price-routing").model_copy(update={"difficulty": "easy"})
    said = "The board watching every software line must make this a hard one to carry."
    for seed in range(8):
        d = BuyerDirector(cfo)
        situation = d.step(turn(said, (B.ACKNOWLEDGE, 0.9), (B.EXPLORE_CONCERN, 0.9)), 1)
        assert situation.id == "reveal_concern"  # a good guess draws it out of an easy buyer
        line = ScriptedVoice(seed).speak(cfo, d.state, situation, [Turn(role="rep", text=said)])
        assert not _credits_asking(line), line


def test_a_declined_proposal_is_not_called_a_pitch(bank: ScenarioBank) -> None:
    """The buyer not ready for a step says so; "that's a pitch, not an answer" would rebuke a proposal."""
    from coach_engine.buyer.scripted import ScriptedVoice

    cfo = bank.get("cfo-price-routing").model_copy(update={"buyer": bank.get("cfo-price-routing").buyer
                                                            .model_copy(update={"personality": "driver"})})
    proposal = "Could we book a 30-minute call next Tuesday at 10 with your controller?"
    for seed in range(8):
        d = BuyerDirector(cfo)
        situation = d.step(turn(proposal, (B.NEXT_STEP, 0.95)), 1)
        line = ScriptedVoice(seed).speak(cfo, d.state, situation, [Turn(role="rep", text=proposal)])
        assert "pitch" not in line.lower(), line


def test_leave_to_ask_is_not_one_of_a_barrage(bank: ScenarioBank) -> None:
    """"Can I ask you something?" before two real questions is manners, not a third question: the turn is
    explored, not met with "one at a time!"."""
    cfo = bank.get("cfo-price-routing").model_copy(update={"difficulty": "easy"})
    said = ("Can I ask you something, though? What's really behind the number for you? "
            "Is it the amount, or what happened last time?")
    d = BuyerDirector(cfo)
    situation = d.step(turn(said, (B.EXPLORE_CONCERN, 0.9), (B.OPEN_QUESTION, 0.9)), 1)
    assert not situation.facts.get("stacked") and d.state.explore_turns == 1
    d = BuyerDirector(cfo)
    barrage = "How many trucks? What's behind the number? Who signs? When's the budget set?"
    assert d.step(turn(barrage, (B.EXPLORE_CONCERN, 0.9), (B.OPEN_QUESTION, 0.9)), 1).facts.get("stacked")


def test_a_want_joined_after_a_colon_is_its_own_sentence_and_a_reps_in_is_not_the_days() -> None:
    from coach_engine.buyer.line_polish import tidy
    from coach_engine.buyer.steps import agreed_step

    said = tidy("Before it goes in the diary, I need one more thing: and there's more to it than the price.")
    assert said.endswith("one more thing. And there's more to it than the price."), said
    agreed = agreed_step("A call with me and the practice manager", "Could we squeeze a call in next week?")
    assert agreed.endswith(", next week") and "in next week" not in agreed, agreed


def test_a_what_if_no_head_read_is_answered_not_noted(bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """Probe 28: a strong rep's "What if Tom sat in on the evaluation?" (read as nothing) inside a pitch got a
    bare "Noted."; a person answers it, if only that they have not thought about it."""
    from coach_engine.buyer.scripted import ScriptedVoice
    from coach_engine.buyer.state import Situation

    cfo = bank.get("cfo-price-routing")
    d = BuyerDirector(cfo, embedder=embedder)
    d.state.concern_revealed, d.state.stake_told, d.state.explore_turns = True, True, 2
    asked = "What if we started somewhere smaller? It cuts fuel spend 12% in the first quarter."
    base = d.step(turn(asked, (B.STATE_VALUE, 0.95)), 3)
    for item in d.state.resolution:
        item.met = True  # nothing left to ask for: the question is all there is to take in
    situation = Situation(id="acknowledge_progress", facts={**base.facts, "wants_line": "", "hold": "yes"},
                          behaviours=["state_value"], direction=base.direction)
    lines = {ScriptedVoice(seed).speak(cfo, d.state, situation, [Turn(role="rep", text=asked)])
             for seed in range(6)}
    unsure = ("not sure", "no idea", "don't know", "think about", "think it through", "hard to say")
    assert all(any(w in line.lower() for w in unsure) for line in lines), lines
