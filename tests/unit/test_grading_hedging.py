"""A rep who hedges and apologises all through is coached to say it plainly; an ordinary "I think" is not."""

from __future__ import annotations

from coach_engine.embeddings import CachedEmbedder
from coach_engine.grading import RubricGrader
from coach_engine.grading.hedging import hedging
from coach_engine.models import Transcript, Turn
from coach_engine.scenarios import ScenarioBank
from tests.unit.test_grading_checks import stub_detector

UNSURE = [
    "Sorry, that's fair, sorry to take your time. Sorry, what's behind the budget number, if that's okay?",
    "I think, maybe, Routewise cuts fuel spend 12-18% a quarter, I might be wrong, sorry. "
    "Hartley Freight saved $210k, I think.",
    "Sorry, does that help at all? Anything else, maybe?",
    "Sorry, maybe we could possibly do Tuesday at 10? Totally fine if not.",
]
PLAIN = [
    "That's fair, it's more than you planned. What's behind the budget number?",
    "Routewise cuts fuel spend 12-18% a quarter. Hartley Freight saved $210k.",
    "Does that help? Anything else on your mind?",
    "Shall we put half an hour in with your controller, Tuesday at 10?",
]


def test_hedges_are_counted_by_word_and_phrase_once_each() -> None:
    found = hedging([(1, "Sorry, I think I might be wrong, but maybe it's a bit much? Sorry.")])
    # "I think", "I might be wrong", "maybe", "a bit" and two "sorry": a phrase's words are not counted again
    assert found.count == 6 and found.common[0] == ("sorry", 2)
    assert found.turn == 1 and found.sentence.startswith("Sorry, I think")
    assert not hedging([(1, "I think the fuel saving covers it.")]).coached


def test_an_apologetic_rep_is_told_to_own_the_answer_and_a_plain_one_is_not(
        bank: ScenarioBank, hash_embedder: CachedEmbedder) -> None:
    scenario = bank.get("cfo-price-routing")
    grader = RubricGrader(hash_embedder, detector=stub_detector)

    def card(replies: list[str]):  # type: ignore[no-untyped-def]
        turns = [Turn(role="buyer", text=scenario.buyer.opening)]
        for r in replies:
            turns += [Turn(role="rep", text=r), Turn(role="buyer", text="Go on.")]
        return grader.grade(scenario, Transcript(scenario=scenario.id, turns=turns))

    unsure = [i for i in card(UNSURE).improvements if i.key == "hedging"]
    assert len(unsure) == 1 and "'sorry'" in unsure[0].text and unsure[0].quote in " ".join(UNSURE)
    assert unsure[0].try_instead.endswith("?") and "sorry" not in unsure[0].try_instead.lower()
    assert not [i for i in card(PLAIN).improvements if i.key == "hedging"]
