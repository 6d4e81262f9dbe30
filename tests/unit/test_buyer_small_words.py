"""The small words of a buyer line a rep notices: one reaction at a time, names as the rep said them,
possessives as written English has them, and a goodbye taken as one (probe 21)."""

from __future__ import annotations

from coach_engine.buyer.conduct import rep_words, signs_off
from coach_engine.buyer.line_polish import tidy
from coach_engine.buyer.scripted import _without_reaction
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalSet

B = Behaviour


def test_a_remark_said_first_takes_the_place_of_the_lines_own_reaction() -> None:
    assert _without_reaction("Okay, that's the problem. What would it change, in numbers?") == (
        "What would it change, in numbers?")
    # a line that is all question, or whose first sentence asks, keeps it
    assert _without_reaction("So what's it worth to me? Give me a number.") == (
        "So what's it worth to me? Give me a number.")
    # a line that is a reaction and nothing more is dropped: the remark said first is the reaction
    assert _without_reaction("Okay.") == ""


def test_a_name_ending_in_s_takes_a_bare_apostrophe() -> None:
    assert tidy("I'd want to see Harrow Mills's figures .") == "I'd want to see Harrow Mills' figures."
    assert tidy("Ross's team and it's fine") == "Ross's team and it's fine"


def test_a_hyphenated_customer_is_named_whole(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    text = "Bay-Area Couriers cut their overtime by a third in one quarter."
    signals = SignalSet(text=text, signals=[Signal(B.GIVE_PROOF, text, 0, len(text), 0.9)])
    assert rep_words(s, signals, {B.GIVE_PROOF})["rep_customer"] == "Bay-Area Couriers"


def test_cheers_and_getting_back_in_touch_are_goodbyes() -> None:
    for text in ("Cheers for your time, Morag.", "I'll make a note and get back in touch after the harvest."):
        signals = SignalSet(text=text, signals=[])
        assert signs_off(signals, set(), set()), text


def test_a_hedge_word_is_said_once_a_line() -> None:
    """A told-remark and a line that both end in "honestly" join into one breath with the word twice; the
    later one goes with its comma, and a sentence it opened opens on the next word."""
    from coach_engine.buyer.line_polish import hedged_once

    assert hedged_once("That's most of it, honestly. A reference would help, honestly. Thanks.") == \
        "That's most of it, honestly. A reference would help. Thanks."
    assert hedged_once("Frankly, it's the price. Frankly, I can't go higher!") == \
        "Frankly, it's the price. I can't go higher!"
    assert hedged_once("Honestly, we're fine. Our team honestly likes the tool.") == \
        "Honestly, we're fine. Our team likes the tool."
    assert hedged_once("Honestly? No.") == "Honestly? No."
    assert hedged_once("I can't commit to a date yet. That isn't enough for me yet.") == \
        "I can't commit to a date yet. That isn't enough for me."


def test_leave_takings_the_sign_off_pattern_does_not_know_come_from_the_rules() -> None:
    """"I'll leave you to it" is a goodbye once the rules list it; a question that is not itself one keeps the
    call going."""
    from coach_engine.buyer import load_rules

    leave = load_rules().leave_takings
    for text in ("No stress, I'll leave you to it.", "You've got my number if that changes."):
        assert signs_off(SignalSet(text=text, signals=[]), set(), set(), leave), text
    assert not signs_off(SignalSet(text="I'll leave you to it. What's driving the timing?", signals=[]),
                         set(), set(), leave)
