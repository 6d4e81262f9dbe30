"""A first question sure enough to skip the hint draws the story's opening, not all of it (probes 28-30)."""

from __future__ import annotations

from coach_engine.buyer import BuyerDirector, ScriptedVoice
from coach_engine.buyer.persona import concern_stages
from coach_engine.buyer.staging import story_opening
from coach_engine.models import Scenario, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalSet

B = Behaviour


def test_the_opening_is_a_sentence_and_the_rest_is_held_only_when_worth_a_turn() -> None:
    story = ("Two of our three bakers left in June. I have been doing the 4 a.m. bake myself and paying "
             "the weekend staff double time to keep the shelves full.")
    first, rest = story_opening(story)
    assert first == "Two of our three bakers left in June." and rest.startswith("I have been doing")
    assert story_opening("The audit went badly last spring. Nobody else knows that.") == (
        "The audit went badly last spring. Nobody else knows that.", "")
    short = ("My partner is my sister. She signs off. She wants proof it works for a shop our size before "
             "she signs.")
    assert story_opening(short) == ("My partner is my sister. She signs off.",
                                    "She wants proof it works for a shop our size before she signs.")


def _prose(bank: ScenarioBank) -> Scenario:
    base = bank.get("cfo-price-routing")
    buyer = base.buyer.model_copy(update={"concern_lines": [], "hidden_concern": (
        "Last year Dana's team spent eight months on a routing system that never went live. The board "
        "wrote off the whole project and asked her in the meeting why nobody had caught it sooner. She "
        "will not bring them another project that stalls.")})
    return base.model_copy(update={"buyer": buyer})


def test_a_sure_first_question_draws_the_opening_then_the_rest_then_the_stake(bank: ScenarioBank) -> None:
    scenario = _prose(bank)
    story, stake = concern_stages(scenario)
    first, rest = story_opening(story)
    assert rest, story
    d = BuyerDirector(scenario)
    voice = ScriptedVoice(seed=2)
    history: list[Turn] = []
    lines = []
    for i, text in enumerate(["What's really behind that number for you?", "How did that go down?",
                              "And where does that leave you now?"]):
        signals = SignalSet(text, [Signal(b, text, 0, len(text), confidence=0.95)
                                   for b in (B.EXPLORE_CONCERN, B.OPEN_QUESTION)])
        history.append(Turn(role="rep", text=text))
        lines.append(voice.speak(scenario, d.state, d.step(signals, 1 + 2 * i), history))
        history.append(Turn(role="buyer", text=lines[-1]))
    assert first in lines[0] and rest not in lines[0], lines[0]
    assert rest in lines[1] and stake not in lines[1], lines[1]
    assert stake in lines[2] and d.state.stake_told, lines[2]


def test_an_authors_concern_lines_keep_their_own_stages(bank: ScenarioBank) -> None:
    scenario = bank.get("cfo-price-routing")
    assert scenario.buyer.concern_lines
    d = BuyerDirector(scenario)
    text = "What's really behind that number for you?"
    d.step(SignalSet(text, [Signal(b, text, 0, len(text), confidence=0.95)
                            for b in (B.EXPLORE_CONCERN, B.OPEN_QUESTION)]), 1)
    assert not d.state.story_held
