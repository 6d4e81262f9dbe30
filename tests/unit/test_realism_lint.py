"""The buyer realism lint: each defect is caught, and a clean drill has none."""

from __future__ import annotations

from typing import Any

import pytest

from coach_engine.reading import TurnAnalysis
from coach_engine.reading.reader import SentenceReading
from coach_engine.scenarios import ScenarioBank
from evals.realism import CHECKS, lint_drill, lint_summary


def drill(*lines: tuple[str, str]) -> list[dict[str, str]]:
    return [{"role": r, "text": t} for r, t in lines]


def read_turn(text: str, *labels: str) -> dict[str, Any]:
    """A rep turn with its stored reading: one sentence showing ``labels``."""
    reading = TurnAnalysis(text, [SentenceReading(text, 0, len(text), {}, list(labels))]).to_dict()
    return {"role": "rep", "text": text, "reading": reading}


def test_each_defect_is_caught(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    turns = drill(
        ("buyer", s.buyer.opening),
        ("rep", "What is behind the number for you?"),
        ("buyer", "Straight answer: Bottom line: " + s.buyer.hidden_concern),
        ("rep", "How did the board take that?"),
        ("buyer", "You haven't asked me a single thing. " + s.buyer.opening),
        ("rep", "It cuts fuel 15%, about $160k a year for 85 trucks."),
        ("buyer", "Fine. Give me a number."),
        ("rep", "Can I set up half an hour with your controller next Tuesday?"),
        ("buyer", "Fine. Give me a number."),
    )
    found = lint_drill(s, turns)
    assert found["concern_pasted"] and found["stock_prefix"] and found["stacked_lead_ins"]
    assert found["opening_repeated"] and found["line_twice"]
    assert len(found["false_premise"]) == 2  # "asked nothing" after a question; "a number" after one
    assert not found["ignored_proposal"]  # "Fine." takes it up


def test_asking_nothing_is_false_after_a_question_anywhere_before(bank: ScenarioBank) -> None:
    """The premise is checked against the whole transcript, not the last turn alone."""
    s = bank.get("cfo-price-routing")
    turns = drill(("buyer", s.buyer.opening), ("rep", "What is behind the number for you?"),
                  ("buyer", "It's the budget."), ("rep", "Our routing cuts fuel by a fifth."),
                  ("buyer", "You still haven't asked me what's really going on."))
    assert lint_drill(s, turns)["false_premise"] == ["You still haven't asked me what's really going on."]
    unasked = drill(("buyer", s.buyer.opening), ("rep", "Our routing cuts fuel by a fifth."),
                    ("buyer", "You still haven't asked me what's really going on."))
    assert not lint_drill(s, unasked)["false_premise"]


def test_a_buyer_who_asks_for_the_step_twice_running(bank: ScenarioBank) -> None:
    """Asked for a step, then asked again on the next line when the rep proposed nothing: a script, not a
    person. Asked again after the rep put a step forward (it may still need detail) is not counted."""
    s = bank.get("cfo-price-routing")
    start = [("buyer", s.buyer.opening), ("rep", "It pays back inside a year."),
             ("buyer", "Okay. So what's the next step you have in mind?")]
    proof = ("rep", "Kestrel Haulage saw the same in their first quarter.")
    again = drill(*start, proof, ("buyer", "Where would you suggest we go from here?"))
    assert lint_drill(s, again)["asked_again"] == ["Where would you suggest we go from here?"]
    taken_in = drill(*start, proof, ("buyer", "If Kestrel Haulage really got that, I'd like to hear it."))
    assert not lint_drill(s, taken_in)["asked_again"]
    proposed = drill(*start, ("rep", "Could we book a pilot with your controller on Tuesday at 10?"),
                     ("buyer", "Maybe. What would the pilot's next step be after that?"))
    assert not lint_drill(s, proposed)["asked_again"]


def test_an_ignored_proposal_and_a_clean_drill(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    ignored = drill(("buyer", s.buyer.opening),
                    ("rep", "Can I set up half an hour with your controller next Tuesday?"),
                    ("buyer", "Tell me how your routing handles rural stops."))
    assert lint_drill(s, ignored)["ignored_proposal"]
    assert not lint_drill(s, ignored, ended=True)["ignored_proposal"]  # ending the call answers it
    clean = drill(("buyer", s.buyer.opening), ("rep", "What's behind the number?"),
                  ("buyer", "Honestly, our board has been wary of new software since a project went badly."),
                  ("rep", "That sounds painful. What would make a small test feel safe to them?"),
                  ("buyer", "Something small, with a clear exit, that I can show in our own numbers."))
    summary = lint_summary([(s, clean, False)])
    assert summary["meets_bar"] and summary["buyer_lines"] == 2
    assert set(summary["counts"]) == set(CHECKS)


def test_a_proposal_is_what_the_stored_reading_says(bank: ScenarioBank) -> None:
    """With a stored reading, a rep turn proposes a step when its reading has one: a question about a past
    review names a month and an activity and is not a proposal the buyer must answer."""
    s = bank.get("cfo-price-routing")

    text = "How did the fleet review in March go?"
    plain = drill(("buyer", s.buyer.opening), ("rep", text),
                  ("buyer", "Tell me how your routing handles rural stops."))

    def read_as(*labels: str) -> list[dict[str, Any]]:
        return [plain[0], read_turn(text, *labels), plain[2]]

    assert not lint_drill(s, read_as("open_question", "explore_concern"))["ignored_proposal"]
    assert lint_drill(s, read_as("closed_question", "next_step"))["ignored_proposal"]
    assert lint_drill(s, plain)["ignored_proposal"]  # no stored reading: the words decide


def test_a_sentence_said_again_inside_a_new_line_is_a_repeat(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    turns = drill(("buyer", s.buyer.opening), ("rep", "Fair. What's behind it?"),
                  ("buyer", "It's the board. I just want to get this right for everyone."),
                  ("rep", "What would the board need?"),
                  ("buyer", "Okay. Something small. I just want to get this right for everyone!"),
                  ("rep", "And the timing?"),
                  ("buyer", "Okay. Something soon."))
    found = lint_drill(s, turns)
    assert found["sentence_twice"] == ["Okay. Something small. I just want to get this right for everyone!"]
    assert not found["line_twice"]  # "Okay." is short: not a repeat

    # a restatement after a colon is a piece of its own: said again on its own, it is a repeat
    turns = drill(("buyer", s.buyer.opening), ("rep", "Our stream is 1080p."),
                  ("buyer", "Right. That still leaves me where I started: I don't know you well enough yet."),
                  ("rep", "We also do keepsakes."),
                  ("buyer", "We're not there yet. I don't know you well enough yet."))
    again = "We're not there yet. I don't know you well enough yet."
    assert lint_drill(s, turns)["sentence_twice"] == [again]


@pytest.mark.parametrize(("text", "rebuke", "false_after", "fair_after"), [
    # "Nothing about my situation" right after a turn read as tying its answer to the concern.
    ("Since the worry is another frozen rollout, the pilot runs on one depot first.",
     "I heard a list of features. I didn't hear anything about my situation.",
     ("state_value", "tie_to_concern"), ("state_value", "feature_dump")),
    # "A lot of features" right after a turn whose reading found no feature list.
    ("My guess is the last rollout left the drivers wary, and it is you who would answer for another.",
     "That's a lot of features. Can we slow down?", ("playback",), ("feature_dump",)),
    # "With a number" right after a figure in a turn that claims value, though it is no money.
    ("Planning drops from 50 minutes to about 15 a depot, every evening.",
     "Now tie that to my situation, with a number.", ("state_value",), ("open_question",)),
    # Doubting a claim right after a turn of questions only.
    ("How do the dispatchers plan the routes today, and who checks them?",
     "Says you. Who else has done it?", ("open_question",), ("open_question", "give_proof")),
    # "Not listening" right after a turn that felt with the buyer, however it went on.
    ("That sounds like a rough quarter, and our routing pays for itself in a year.",
     "You're not listening. The price is more than I planned for.", ("acknowledge", "state_value"),
     ("state_value",)),
])
def test_a_rebuke_the_stored_reading_contradicts_is_a_false_premise(
        bank: ScenarioBank, text: str, rebuke: str, false_after: tuple[str, ...],
        fair_after: tuple[str, ...]) -> None:
    """A rebuke about what the rep's turn lacked, right after a turn whose stored reading shows it, rests
    on something the rep did not do; where the reading agrees with it, or there is no reading, it is fair."""
    s = bank.get("cfo-price-routing")

    def after(*labels: str) -> list[dict[str, Any]]:
        return [{"role": "buyer", "text": s.buyer.opening}, read_turn(text, *labels),
                {"role": "buyer", "text": rebuke}]

    assert lint_drill(s, after(*false_after))["false_premise"] == [rebuke]
    assert not lint_drill(s, after(*fair_after))["false_premise"]
    unread = drill(("buyer", s.buyer.opening), ("rep", text), ("buyer", rebuke))
    assert not lint_drill(s, unread)["false_premise"]


def test_every_way_of_turning_a_step_down_answers_it() -> None:
    """The buyer's lines for declining a step, dated or not, each answer the proposal as the lint reads
    it: turning a step down is taking it up, never ignoring it."""
    from coach_engine.buyer.scripted import load_lines
    from evals.realism import _TAKES_UP

    lines = load_lines()
    for group in ("decline_step", "decline_idea"):
        for said in lines[group].values():
            for line in said:
                assert _TAKES_UP.search(line), (group, line)
