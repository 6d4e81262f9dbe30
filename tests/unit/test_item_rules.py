"""Resolution items that say what the rep must not do are rules kept unless broken, not moves to make."""

from __future__ import annotations

import pytest

from coach_engine.buyer import BuyerDirector
from coach_engine.buyer.item_rules import forbidden
from coach_engine.buyer.items import read_item
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from coach_engine.signals import Behaviour, Signal, SignalSet

B = Behaviour


@pytest.mark.parametrize(("item", "rule"), [
    ("The rep doesn't knock the price down", "discount"),  # a price knocked down, not a rival knocked
    ("Rep never offers money off or a price cut", "discount"),
    ("Does not bad-mouth the agency they use today", "disparage"),
    ("The rep avoids rushing the buyer toward a signature", "pressure"),
    ("Never argues about whether the quote is fair", "argue"),
    ("Doesn't talk down to the warehouse crew or how the owners run the yard", "disparage"),
    ("Never patronises the office manager", "disparage"),
    ("Avoids glossing over the outage they had", "dismiss"),  # any form of a listed verb
    ("Does not wave away the worry about the install week", "dismiss"),
    ("Please don't let anyone knock the agency that built their site", "disparage"),  # "knock" alone
    ("Doesn't lean on him with end-of-month deals", "pressure"),
    ("Don't go crook on the paper forms the crew uses", "disparage"),  # a regional idiom
    ("dont trash the in-house recruiters", "disparage"),  # typed without its apostrophe
    ("Rep shouldnt rush her to sign", "pressure"),
    ("The rep cannot give more margin on the first call, it ruins our price in the region", "discount"),
    ("Rep can't offer a price cut before hearing him out", "discount"),
    # a negation later in the item leaves it a move to make
    ("The rep suggests a trial without pushing for a contract", ""),
    ("The rep offers phasing rather than a discount", ""),
])
def test_an_item_headed_by_a_negation_forbids_a_behaviour(item: str, rule: str) -> None:
    assert forbidden(item) == rule


def turn(text: str, *read: Behaviour) -> SignalSet:
    return SignalSet(text, [Signal(b, text, 0, len(text), confidence=0.9) for b in read])


def _with_items(bank: ScenarioBank, *items: str) -> Scenario:
    base = bank.get("cfo-price-routing")
    specs = [*base.buyer.resolution, *items]
    return base.model_copy(update={"buyer": base.buyer.model_copy(update={"resolution": specs})})


def test_a_rule_stands_met_until_a_turn_breaks_it(bank: ScenarioBank) -> None:
    """A rep who never discounts keeps "Never offers a price cut" (it blocks no agreement); one who does
    breaks it for good, and the drill's checklist shows the turn."""
    scenario = _with_items(bank, "Never offers a price cut")
    kept = BuyerDirector(scenario)
    kept.prepare()
    rule = kept.state.resolution[-1]
    assert rule.forbids == "discount" and rule.met
    kept.step(turn("That's a real number to explain to the board. What's behind it for you?",
                   B.ACKNOWLEDGE, B.EXPLORE_CONCERN), 1)
    assert rule.met
    broke = BuyerDirector(scenario)
    broke.prepare()
    broke.step(turn("Tell you what, I'll shave 12% off the first year for you.", B.DISCOUNT), 1)
    cut = broke.state.resolution[-1]
    assert not cut.met and cut.turn == 1
    broke.step(turn("What's behind the budget line for you?", B.EXPLORE_CONCERN, B.OPEN_QUESTION), 3)
    assert not cut.met


def test_authors_are_told_the_item_is_read_as_a_rule() -> None:
    note = read_item("The rep doesn't discount the price").note()
    assert note.startswith("read as a rule the rep keeps") and "discount" in note and "kind:" in note
