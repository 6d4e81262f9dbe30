"""Resolution items in words the team never used still map to the behaviour they ask for.

Holdout 2's scenarios were written by someone outside the team ("Gets Denise to
share what's really making her hesitate", "Puts a dollar figure on ...", "Books a
30-minute sync test ..."); each such wording, and paraphrases of it, must map
to its kind by the patterns in ``rules.yaml`` alone (no model), and the bank's
own items must keep the kinds they had.
"""

from __future__ import annotations

import pytest

from coach_engine.buyer import load_rules
from coach_engine.buyer.rules import classify_item

CASES: dict[str, list[str]] = {
    "explore": [
        "Gets Denise to share what's really making her hesitate to take this upstairs",
        "Gets him to open up about how the binders are really holding up",
        'Finds out what\'s actually behind "call me in October"',
        "Understands why $72k feels high before making the case for it",
        "Gets Margaret talking about what's really behind the VetWave quote before touching the price gap",
        "Gets the owner to explain what's really worrying him",
        "Learns the real reason she keeps putting this off",
        "Works out why the timing feels wrong before pitching anything",
        "Gets Priya talking about what last year's rollout cost her team",
        "Gets her to say what is actually holding the decision up",
        "Asks what's really going on before jumping to the demo",
        "Uncovers the underlying concern before selling",
        "Draws out why the owner keeps saying 'not this year'",
        "Digs into what happened with the last vendor before making any promises",
        "Gets the clinic manager to explain what 'too busy' really means",
        "Hears her out on why the timing is bad",
        "Lets Marcus explain what went wrong last time",
    ],
    "acknowledge": [
        "Shows she takes the worry seriously rather than brushing it off",
        "Treats the concern as reasonable instead of arguing",
    ],
    "tie_number": [
        "Puts a dollar figure on the overtime saved",
        "Puts a dollar figure on the no-shows recovered across the six clinics",
        "Works out the return on Whitecap's own ticket revenue, with numbers",
        "Shows what waiting until October costs, in dollars or empty miles",
        "Puts a number on the hours the crew loses every week",
        "Shows the ROI for the first season",
        "Gives a hard number for the savings on fuel",
        "Walks through the payback on the fee",
        "Talks about the savings with numbers from her own stores",
        "Shows how many hours a week the team would get back",
        "Does the math on what the current process costs each month",
        "Makes the business case with the school's own enrollment numbers",
    ],
    "proof": [
        "Points to a comparable vet group that has run the sync for a while without trouble",
        "Brings up a print shop like his that cut its reprints",
        "Mentions a similar practice that made the switch last year",
        "Names a school like theirs that passed the audit",
        "Shares a success story from another regional carrier",
        "Points to another hospital that went live in a month",
        "Shares how another dealership handled the same switch",
    ],
    "next_step": [
        "Lands a 20-minute follow-up with the head athletic trainer on the calendar",
        "Books a 30-minute sync test with Margaret and the group's IT lead for a specific day",
        "Gets something small on the calendar this month that doesn't pull dispatchers off the road",
        "Suggests a way to keep the cost safe in a bad-snow year and sets a date to go through it",
        'Asks for a short follow-up on a specific day, not "sometime"',
        "Schedules a walkthrough for next week",
        "Secures a second meeting before the board meets",
        "Offers a small pilot the committee can approve without much risk, with a start date",
        "Books time with the controller",
        "Pins down a time for a second call",
    ],
    "involve": [
        "Offers to help her brief the COO, or to get the COO on the next call",
        "Gets the CFO on the next call",
        "Offers to brief the board alongside him",
        "Puts the plant manager into the next meeting",
        "Suggests including the head chef in the walkthrough",
    ],
    "check_other": [
        "Checks whether anything besides price is in the way",
        "Asks if anything else stands in the way of a yes",
    ],
}


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, ts in CASES.items() for t in ts])
def test_unseen_wording_maps_to_its_kind_by_pattern(kind: str, text: str) -> None:
    assert classify_item(text, load_rules()) == kind


def test_the_house_style_keeps_its_kinds() -> None:
    rules = load_rules()
    assert classify_item("The rep learns why the price feels high before defending it", rules) == "explore"
    assert classify_item("The rep ties value to fuel savings with a number", rules) == "tie_number"
    assert classify_item("The rep offers a low-risk way forward the board can approve", rules) == "next_step"
    assert classify_item("The rep shares a comparable customer result", rules) == "proof"
    assert classify_item("The rep checks for any other concerns", rules) == "check_other"


@pytest.mark.slow
def test_wordings_no_pattern_knows_fall_back_to_the_examples(embedder) -> None:  # type: ignore[no-untyped-def]
    rules = load_rules()
    assert (
        classify_item("Coaxes out what is truly bothering the buyer about the switch", rules, embedder)
        == "explore"
    )
    assert (
        classify_item("Shows in money terms what the delay would set them back", rules, embedder)
        == "tie_number"
    )
    for kind, text in [
        ("tie_number", "Translates the downtime into lost revenue"),
        ("proof", "Mentions a brewery of similar size that saw results"),
        ("next_step", "Gets a yes to a 15-minute demo on a named day"),
        ("involve", "Gets the finance director invited to the next meeting"),
        ("involve", "Offers to present to the board alongside him"),
        ("confirm", "Makes sure the answer actually landed before moving on"),
    ]:
        assert classify_item(text, rules, embedder) == kind, text
