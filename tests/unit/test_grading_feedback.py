"""Coaching: at most three strengths and improvements, tied to turns, built from the scenario's facts."""

from __future__ import annotations

import pytest

from coach_engine.embeddings import CachedEmbedder
from coach_engine.grading import RubricGrader, delivery_notes, try_instead
from coach_engine.models import Scenario, Transcript, Turn
from coach_engine.scenarios import ScenarioBank
from tests.unit.test_grading_checks import STRONG, stub_detector


@pytest.fixture
def grader(hash_embedder: CachedEmbedder) -> RubricGrader:
    return RubricGrader(hash_embedder, detector=stub_detector)


def test_try_instead_uses_the_scenarios_own_facts(bank: ScenarioBank) -> None:
    cfo = bank.get("cfo-price-routing")
    assert "Hartley Freight" in try_instead(cfo, "gives-proof")
    assert "12-18%" in try_instead(cfo, "quantifies-value")
    assert "controller" in try_instead(cfo, "proposes-next-step")
    assert "Dana" in try_instead(cfo, "confirms")
    hvac = bank.get("hvac-not-interested-cold")
    assert "Truckroll" in try_instead(hvac, "states-value")
    assert "Thursday" in try_instead(hvac, "proposes-next-step")
    assert "Tuesday" not in try_instead(hvac, "proposes-next-step")  # the step already has a day


def test_lines_differ_by_failed_check(bank: ScenarioBank) -> None:
    s = bank.get("cfo-price-routing")
    ids = ["acknowledges-concern", "plays-back", "explores-concern", "other-concerns", "states-value",
           "quantifies-value", "gives-proof", "ties-to-concern", "confirms", "proposes-next-step",
           "concise", "no-pressure", "no-discount-first", "respectful"]
    lines = {try_instead(s, i) for i in ids}
    assert len(lines) >= len(ids) - 1  # open-question and explores-concern may share the explore line


def test_at_most_three_each_tied_to_rep_turns(grader: RubricGrader, bank: ScenarioBank) -> None:
    scenario = bank.get("cfo-price-routing")
    turns = [Turn(role="buyer", text="Too expensive."), Turn(role="rep", text=STRONG),
             Turn(role="buyer", text="Hmm."), Turn(role="rep", text="I can do a discount if you sign today.")]
    card = grader.grade(scenario, Transcript(scenario=scenario.id, turns=turns))
    assert 0 < len(card.strengths) <= 3 and 0 < len(card.improvements) <= 3
    rep_turns = {1, 3}
    for st in card.strengths:
        assert st.turn in rep_turns and st.quote in turns[st.turn].text
    for im in card.improvements:
        assert im.turn in rep_turns and im.try_instead
    discount = card.improvements[0]
    assert discount.turn == 3 and "discount" in discount.quote
    assert "12-18%" in discount.try_instead or "Routewise" in discount.try_instead


def test_weak_reply_gets_specific_improvements(grader: RubricGrader, bank: ScenarioBank) -> None:
    scenario: Scenario = bank.get("dental-price-scheduling")
    card = grader.grade_reply(scenario, "Honestly it is worth every penny.")
    assert card.improvements
    joined = " ".join(i.try_instead for i in card.improvements)
    assert scenario.buyer.name.split()[0] in joined or scenario.product.name in joined


def test_delivery_notes() -> None:
    t = Transcript(scenario="x", turns=[
        Turn(role="buyer", text="Too expensive."),
        Turn(role="rep", text="Fair. What is behind it? How did you set the budget?"),
        Turn(role="buyer", text="Board."),
        Turn(role="rep", text="Got it. We cut fuel twelve percent. Hartley saved a lot. Does Tuesday work?"),
    ])
    d = delivery_notes(t)
    assert d.rep_turns == 2
    assert d.longest_turn == 3 and d.longest_words == 14
    assert d.avg_words == 12.5
    assert d.questions == 3 and d.statements == 4


@pytest.mark.parametrize("reader", ["rules", "learned"])
def test_a_first_reply_that_explored_is_not_told_to_pitch_or_confirm(
        reader: str, bank: ScenarioBank, embedder: CachedEmbedder) -> None:
    """LAER order: after a specific acknowledgement and a real question, value and confirming are not due."""
    from coach_engine.signals import use_reader

    use_reader(reader)
    scenario = bank.get("cfo-price-routing")
    reply = ("That's well over what you planned for routing, I get why it stings. "
             "What went into the number you set aside?")
    card = RubricGrader(embedder).grade_reply(scenario, reply)
    explored = next(s for s in card.skills if s.id == "explore")
    assert any(c.passed for c in explored.checks)
    coached = " ".join(i.text for i in card.improvements).lower()
    assert "benefit" not in coached and "number on the value" not in coached
    assert "addressed the concern" not in coached and "next step" not in coached
