"""Listening in the offline grader: yes-but, play-back, and acknowledging without a stock phrase."""

from __future__ import annotations

import pytest

from coach_engine.embeddings import CachedEmbedder
from coach_engine.grading import RubricGrader
from coach_engine.models import Scenario
from coach_engine.scenarios import ScenarioBank
from tests.unit.test_grading_checks import stub_detector


@pytest.fixture
def scenario(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")  # opening: "At $48k a year this is way over what we set aside ..."


@pytest.fixture
def grader(hash_embedder: CachedEmbedder) -> RubricGrader:
    return RubricGrader(hash_embedder, detector=stub_detector)


def _check(card, check_id: str) -> bool:  # type: ignore[no-untyped-def]
    return next(c for c in card.skill("listen-acknowledge").checks if c.id == check_id).passed


def test_a_yes_but_acknowledgement_earns_no_relevance_credit(grader: RubricGrader,
                                                             scenario: Scenario) -> None:
    plain = grader.grade_reply(scenario, "That's fair, $48k is a lot against the routing budget. "
                                         "What's behind it?")
    yes_but = grader.grade_reply(scenario, "That's fair, but $48k is a lot less than you think. "
                                           "What's behind it?")
    assert _check(plain, "acknowledges-concern")
    assert not _check(yes_but, "acknowledges-concern") and not _check(yes_but, "plays-back")
    assert yes_but.skill("listen-acknowledge").score < plain.skill("listen-acknowledge").score


def test_an_opening_that_hands_the_buyers_words_back_counts_as_acknowledging(grader: RubricGrader,
                                                                             scenario: Scenario) -> None:
    card = grader.grade_reply(scenario, "You're right, $48k a year is well over the routing line "
                                        "you set aside. What was that number built on?")
    assert _check(card, "acknowledges-concern") and _check(card, "plays-back")
    evidence = next(c for c in card.skill("listen-acknowledge").checks if c.id == "plays-back").evidence
    assert evidence and evidence[0].quote.startswith("You're right")


def test_an_opening_pitch_is_not_read_as_acknowledgement(grader: RubricGrader,
                                                         scenario: Scenario) -> None:
    card = grader.grade_reply(scenario, "Routewise cuts fuel 12% on a $48k routing budget. "
                                        "What do you spend?")
    assert not _check(card, "acknowledges-concern")


def test_a_yes_but_is_a_delivery_slip(grader: RubricGrader, scenario: Scenario) -> None:
    card = grader.grade_reply(scenario, "That's fair, but honestly $48k is nothing for a fleet your size. "
                                        "What's behind it?")
    assert card.skill("delivery").score <= 3
