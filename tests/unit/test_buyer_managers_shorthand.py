"""A concern written the way other people write them is still said as the buyer would say it (issue 13).

A role-play prompt converted from another tool calls the buyer "the buyer" and "they" and tells the player
when to reveal; a clipped manager writes initials, "w/o" and "~"; a manager writing Indian English puts
"sir" after the buyer's name; a warm one notes how the buyer tells it ("she won't say so at first"). None
of that is the buyer's own speech.
"""

from __future__ import annotations

import pytest

from coach_engine.buyer.conduct import proposed_step
from coach_engine.buyer.item_rules import forbidden
from coach_engine.buyer.persona import concern_stages, first_person, step_in_first_person
from coach_engine.buyer.steps import agreed_step
from coach_engine.buyer.telling import asides_to_the_rep, said_in_full, told_part
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalSet


def _with(bank: ScenarioBank, name: str, concern: str, **more: str) -> Scenario:
    base = bank.get("cfo-price-routing")
    buyer = base.buyer.model_copy(update={"name": name, "hidden_concern": concern, "concern_lines": [],
                                          **more})
    return base.model_copy(update={"buyer": buyer})


def test_a_role_play_prompts_buyer_and_their_they_are_the_buyer_speaking(bank: ScenarioBank) -> None:
    concern = ("The buyer is wary of another rollout. Last spring they pushed a rota app through and the "
               "night shift refused to use it.")
    said = " ".join(concern_stages(_with(bank, "Marta Lindqvist", concern)))
    assert said.startswith("I'm wary of another rollout."), said
    assert "Last spring I pushed a rota app through" in said, said
    assert "buyer" not in said.lower(), said


def test_a_prompts_direction_on_when_to_reveal_is_never_said() -> None:
    concern = ("Sam lost a contract over a late delivery last year. They will only mention it if the rep "
               "asks about past suppliers.")
    direction = "They will only mention it if the rep asks about past suppliers."
    assert asides_to_the_rep(concern) == [direction]
    assert told_part(concern) == "Sam lost a contract over a late delivery last year."
    # a rep in the buyer's own story is no direction
    story = "Our previous rep would only mention the fees after we signed."
    assert asides_to_the_rep(story) == []


def test_a_note_on_how_the_buyer_tells_it_is_left_out_and_the_rest_kept() -> None:
    concern = ("He lost a week of orders in the move. He won't admit it at first, but he blames himself for "
               "the switch.")
    assert told_part(concern) == "He lost a week of orders in the move. he blames himself for the switch."
    # what someone else would not tell is the story, not a note on telling
    story = "The carrier never told the warehouse about the strike, and the stock sat for nine days."
    assert told_part(story) == story


def test_a_name_with_an_honorific_after_it_is_the_buyer(bank: ScenarioBank) -> None:
    concern = ("Ravi sir's director has frozen new spend this quarter. If Ravi sir asks for more he will "
               "look careless.")
    said = first_person(concern, _with(bank, "Ravi Menon", concern))
    assert said.startswith("My director has frozen"), said
    assert "If I ask for more" in said and "sir" not in said, said


def test_the_buyers_initials_are_the_buyer_unless_they_mean_something_else(bank: ScenarioBank) -> None:
    concern = "DW got burned on a freight audit in 2022. The CFO still mentions it."
    said = first_person(concern, _with(bank, "Dana Whitfield", concern))
    assert said.startswith("I got burned on a freight audit"), said
    # the same letters naming the buyer's own department elsewhere in the scenario are that department
    taken = _with(bank, "Dana Whitfield", concern, role="Head of DW (distribution warehousing)")
    assert first_person(concern, taken).startswith("DW got burned"), first_person(concern, taken)
    step = step_in_first_person("A 20-minute call w/ DW and the CFO next week",
                                _with(bank, "Dana Whitfield", concern))
    assert "with me" in step, step  # said in full before the day goes in ("next Thurs")


@pytest.mark.parametrize(("written", "said"), [
    ("Won't sign again w/o hard #s from a site like ours.",
     "Won't sign again without hard numbers from a site like ours."),
    ("~40 trucks, ~1,200 drops/wk.", "About 40 trucks, about 1,200 drops a week."),
    ("45 min w/ me + the ops lead, esp. on the routing vs. the old tool.",
     "45 minutes with me and the ops lead, especially on the routing versus the old tool."),
    ("Smith & Daughters ran 24/7 thru the spring.", "Smith & Daughters ran 24/7 through the spring."),
])
def test_a_clipped_managers_shorthand_is_said_in_words(written: str, said: str) -> None:
    assert said_in_full(written) == said


def test_no_bashing_is_a_rule_against_running_down() -> None:
    assert forbidden("No bashing the current vendor") == "disparage"
    assert forbidden("Never slams the incumbent") == "disparage"
    assert forbidden("Doesn't put down their spreadsheets") == "disparage"


def test_a_deadline_or_an_events_month_is_not_the_day_the_rep_proposed() -> None:
    rep = ("I'll draft the savings model with your analyst, we meet for 30 minutes before March 3, and we "
           "take it to the April committee. Could we put Thursday the 12th at 2pm in the diary?")
    step = "a 30-minute call with me and my analyst next week"
    assert agreed_step(step, rep) == "a 30-minute call with me and my analyst on Thursday the 12th at 2pm"
    first = rep[:rep.index("?") + 1].rsplit(". ", 1)[0] + "."
    turn = SignalSet(text=rep, signals=[Signal(Behaviour.NEXT_STEP, first, 0, len(first), confidence=0.9)])
    assert proposed_step(turn).endswith("Could we put Thursday the 12th at 2pm in the diary?")


def test_a_they_after_another_company_is_that_company(bank: ScenarioBank) -> None:
    concern = ("In 2020 Ines moved the practice onto a small booking company out of Leeds, and a year later "
               "they closed without notice.")
    said = first_person(concern, _with(bank, "Ines Carvalho", concern))
    assert "a year later they closed" in said, said
    own = "Last spring the clinic lost its booking system for a week, and they ran the diary on paper."
    said = first_person(own, _with(bank, "Ines Carvalho", own, company="Hillside Clinic"))
    assert "we ran the diary on paper" in said, said


def test_the_buyers_own_workplace_is_here(bank: ScenarioBank) -> None:
    concern = "Their head brewer, Ola, has been there twenty-two years and still talks about the last recall."
    said = first_person(concern, _with(bank, "Ines Carvalho", concern))
    assert "has been here twenty-two years" in said, said
    away = "Ola trained at Carlsberg and worked there for a decade before she joined us."
    assert "worked there for a decade" in first_person(away, _with(bank, "Ines Carvalho", away))


def test_a_plus_and_a_hash_are_said_in_words() -> None:
    """"34%+" is "over 34%", "50+ stores" "over 50 stores", "unit #8" "unit 8" and "#1" "number 1": nobody
    says a plus or a hash aloud."""
    from coach_engine.buyer.telling import said_in_full

    assert said_in_full("food cost 31%+ at two sites") == "food cost over 31% at two sites"
    assert said_in_full("food cost 31 percent+ at two sites") == "food cost over 31 percent at two sites"
    assert said_in_full("we run 50+ vans") == "we run over 50 vans"
    assert said_in_full("no sign-off for site #4") == "no sign-off for site 4"
    assert said_in_full("#1 worry") == "Number 1 worry"
    assert said_in_full("kickoff Mon wk after next") == "kickoff Monday week after next"


def test_a_named_day_before_a_place_is_the_places_and_a_step_keeps_its_brackets_unsaid() -> None:
    """"the Sunday farmers' market" names a market, not the step's day: a rep who names Sunday morning does
    not make the buyer say "at on Sunday morning farmers' market". Words in brackets in a step are said
    between commas."""
    from coach_engine.buyer.steps import agreed_step

    step = "a tasting for six at the Sunday farmers' market on the 9th"
    agreed = agreed_step(step, "Could six of your team join us Sunday morning at the market on the 9th?")
    assert "at on" not in agreed and "the Sunday farmers' market" in agreed


def test_a_step_says_its_brackets_between_commas(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    assert step_in_first_person("a call with the ops lead (Marcus) on Friday", s) == \
        "a call with the ops lead, Marcus, on Friday"


def test_an_indian_english_account_of_sir_is_the_buyer_speaking(bank: ScenarioBank) -> None:
    concern = ("Actually Vikram sir is not bothered by the price. Last monsoon three of his tippers were "
               "hired out to a quarry and the quarry was running them on Sundays also, and he was never "
               "billed for it. Sir wants the hours matched to the invoices.")
    said = " ".join(concern_stages(_with(bank, "Vikram Deshpande", concern)))
    assert said.startswith("Actually I'm not bothered by the price."), said
    assert "three of my tippers" in said and "running them on Sundays" in said, said
    assert "I want the hours matched" in said and "Sir" not in said, said
