""""Try instead" from a teammate's better reply on the same drill (issue 12, item 5).

The grader's own improvements are matched to sentences the shared reading finds in better teammate
replies: the line is a teammate's whole sentence carrying the missing move, with whose it was; a reply
with an anti-pattern, a reply on another scenario, or a miss no teammate sentence shows keeps the
trainer's line. Real grader, real bank scenario, the unit tests' hash embedder.
"""

from __future__ import annotations

from coach_engine.embeddings import CachedEmbedder
from coach_engine.grading import get_grader
from coach_engine.grading.team_lines import from_team_answers
from coach_engine.models import Scenario, TeamExample, Transcript, Turn
from coach_engine.scenarios import ScenarioBank
from coach_engine.settings import Settings


def _card(scenario: Scenario, embedder: CachedEmbedder, reply: str):  # type: ignore[no-untyped-def]
    transcript = Transcript(scenario=scenario.id, turns=[Turn(role="buyer", text=scenario.buyer.opening),
                                                          Turn(role="rep", text=reply)])
    return get_grader(Settings(), embedder).grade(scenario, transcript, "open")


def example(text: str, overall: int = 90, scenario_id: str = "cfo-price-routing") -> TeamExample:
    return TeamExample(user="ria@x.test", name="Ria", text=text, overall=overall, when="2026-11-20",
                       scenario_id=scenario_id)


def test_a_miss_gets_a_teammates_sentence_that_shows_the_move(bank: ScenarioBank,
                                                                hash_embedder: CachedEmbedder) -> None:
    cfo = bank.get("cfo-price-routing")
    card = _card(cfo, hash_embedder, "Our routing is the best on the market and saves a lot of fuel.")
    assert card.improvements and all(i.key for i in card.improvements)
    better = example("I hear you, that's a real jump from what you planned. What is driving the budget "
                     "you set aside for routing this year?")
    out = from_team_answers(card, cfo, [better], hash_embedder)
    taken = [i for i in out.improvements if i.try_from]
    assert taken, [(i.key, i.try_instead) for i in out.improvements]
    for imp in taken:
        assert imp.try_instead in better.text and "Ria" in imp.try_from and "90" in imp.try_from


def test_replies_with_an_anti_pattern_or_from_another_drill_are_never_used(
        bank: ScenarioBank, hash_embedder: CachedEmbedder) -> None:
    cfo = bank.get("cfo-price-routing")
    card = _card(cfo, hash_embedder, "Our routing is the best on the market and saves a lot of fuel.")
    discounting = example("What is driving the budget you set aside? I can take 20% off if that helps.")
    elsewhere = example("What is driving the budget you set aside for routing this year?",
                        scenario_id="saas-budget-spend-freeze")
    worse = example("What is driving the budget you set aside for routing this year?", overall=card.overall)
    out = from_team_answers(card, cfo, [discounting, elsewhere, worse], hash_embedder)
    assert out.improvements == card.improvements
