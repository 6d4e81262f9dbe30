"""Once the story is out, "what would it take?" is answered with what is still wanted (probe 30)."""

from __future__ import annotations

from coach_engine.buyer import BuyerDirector, ScriptedVoice
from coach_engine.buyer.criteria import asks_what_it_takes
from coach_engine.buyer.scripted import load_lines
from coach_engine.models import Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalSet

B = Behaviour


def test_questions_about_what_would_convince_someone() -> None:
    for asked in ("So what would your controller want to see before she signs?",
                  "Honestly, what would it take to get this over the line?",
                  "What does the owner look for when he picks a supplier?",
                  "How would the partners get comfortable with a change like this?",
                  "Which part matters most to your board?"):
        assert asks_what_it_takes(asked), asked
    for other in ("What would you want your dispatchers doing with that time?",
                  "How do the drivers feel about the new routes?",
                  "What does the current system cost you a month?",
                  "I'd want to see the numbers first."):
        assert not asks_what_it_takes(other), other


def test_after_the_story_a_question_about_what_it_takes_is_answered_not_waved_off(bank: ScenarioBank) -> None:
    scenario = bank.get("cfo-price-routing")
    d = BuyerDirector(scenario)
    voice = ScriptedVoice(seed=3)
    history: list[Turn] = []
    lines = []
    turns = ["What's really behind that number for you?", "What happened the last time?",
             "And what does that mean for you personally?",
             "So what would your owner need to see to feel comfortable saying yes?"]
    for i, text in enumerate(turns):
        asks = (B.EXPLORE_CONCERN, B.OPEN_QUESTION) if i < 3 else (B.OPEN_QUESTION,)
        signals = SignalSet(text, [Signal(b, text, 0, len(text)) for b in asks])
        history.append(Turn(role="rep", text=text))  # as a session has it when the buyer speaks
        line = voice.speak(scenario, d.state, d.step(signals, 1 + 2 * i), history)
        history.append(Turn(role="buyer", text=line))
        lines.append(line)
    assert d.state.concern_revealed
    answers = {x for said in load_lines()["criteria"].values() for x in said}
    assert any(lines[-1].startswith(x) for x in answers), lines[-1]
