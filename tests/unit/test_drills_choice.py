"""Which drill next: "try a harder one" climbs one step on the same objection; a clinic serves five."""

from __future__ import annotations

import pytest

from coach_engine.drills import CLINIC_ROUNDS, RELATED_OBJECTIONS, clinic_openings, harder_scenario
from coach_engine.models import OBJECTIONS, Scenario
from coach_engine.scenarios import ScenarioBank


def small_bank(bank: ScenarioBank, *ids: str) -> ScenarioBank:
    return ScenarioBank(scenarios={i: bank.get(i) for i in ids})


def as_level(scenario: Scenario, difficulty: str, new_id: str) -> Scenario:
    return scenario.model_copy(update={"id": new_id, "difficulty": difficulty})


def test_related_objections_pair_up_every_objection_both_ways() -> None:
    assert set(RELATED_OBJECTIONS) == set(OBJECTIONS)
    assert all(RELATED_OBJECTIONS[RELATED_OBJECTIONS[o]] == o for o in OBJECTIONS)
    assert RELATED_OBJECTIONS["price"] == "budget" and RELATED_OBJECTIONS["timing"] == "authority"


@pytest.mark.parametrize("objection", OBJECTIONS)
def test_harder_is_the_same_objection_one_step_up(bank: ScenarioBank, objection: str) -> None:
    order = ("easy", "medium", "hard")
    easy, medium, hard = sorted(bank.list(objection=objection), key=lambda s: order.index(s.difficulty))
    assert harder_scenario(bank, easy) == medium
    assert harder_scenario(bank, medium) == hard
    assert harder_scenario(bank, hard) is None  # the top of the ladder


def test_harder_falls_back_to_the_related_objection_at_the_next_step(bank: ScenarioBank) -> None:
    price_easy = next(s for s in bank.list(objection="price", difficulty="easy"))
    budget_medium = next(s for s in bank.list(objection="budget", difficulty="medium"))
    budget_hard = next(s for s in bank.list(objection="budget", difficulty="hard"))
    price_hard = next(s for s in bank.list(objection="price", difficulty="hard"))
    the_bank = small_bank(bank, price_easy.id, budget_medium.id, budget_hard.id, price_hard.id)
    assert harder_scenario(the_bank, price_easy) == budget_medium  # next step first, kin allowed
    unrelated = next(s for s in bank.list(objection="timing", difficulty="medium"))
    no_medium = small_bank(bank, price_easy.id, unrelated.id, price_hard.id)
    assert harder_scenario(no_medium, price_easy) == price_hard  # skip an empty step, never another kind


def test_harder_never_returns_the_scenario_just_drilled(bank: ScenarioBank) -> None:
    medium = next(s for s in bank.list(objection="trust", difficulty="medium"))
    the_bank = ScenarioBank(scenarios={medium.id: medium})
    # The same id at a harder level (e.g. an edited copy in the studio) is still the same scenario.
    assert harder_scenario(the_bank, as_level(medium, "easy", medium.id)) is None


def test_harder_picks_the_same_scenario_every_time(bank: ScenarioBank) -> None:
    easy = next(s for s in bank.list(objection="need", difficulty="easy"))
    medium = next(s for s in bank.list(objection="need", difficulty="medium"))
    twin = as_level(medium, "medium", "a-need-twin")
    the_bank = ScenarioBank(scenarios={s.id: s for s in (easy, medium, twin)})
    assert {harder_scenario(the_bank, easy).id for _ in range(5)} == {"a-need-twin"}  # type: ignore[union-attr]


@pytest.mark.parametrize("objection", OBJECTIONS)
def test_clinic_serves_five_openings_own_objection_first_then_kin(bank: ScenarioBank, objection: str) -> None:
    rounds = clinic_openings(bank, objection, seed=3)
    assert len(rounds) == CLINIC_ROUNDS
    assert len({s.id for s in rounds}) == CLINIC_ROUNDS
    own = [s for s in rounds if s.objection == objection]
    assert own == rounds[: len(own)] and len(own) == len(bank.list(objection=objection))  # all 3 of its own
    assert {s.objection for s in rounds[len(own):]} == {RELATED_OBJECTIONS[objection]}
    levels = [("easy", "medium", "hard").index(s.difficulty) for s in own]
    assert levels == sorted(levels)  # easy to hard


def test_clinic_is_deterministic_for_a_seed_and_varies_across_seeds(bank: ScenarioBank) -> None:
    picks = {seed: [s.id for s in clinic_openings(bank, "price", seed=seed)] for seed in range(12)}
    assert picks[7] == [s.id for s in clinic_openings(bank, "price", seed=7)]
    assert len({tuple(p) for p in picks.values()}) > 1  # the two budget top-ups change with the seed


def test_clinic_samples_when_the_objection_has_more_than_five(bank: ScenarioBank) -> None:
    base = bank.list(objection="timing")[0]
    many = ScenarioBank(scenarios={f"timing-{i}": as_level(base, "medium", f"timing-{i}") for i in range(9)})
    rounds = clinic_openings(many, "timing", seed=1)
    assert len(rounds) == 5 and {s.objection for s in rounds} == {"timing"}
    assert [s.id for s in rounds] == sorted(s.id for s in rounds)
    assert rounds == clinic_openings(many, "timing", seed=1)
    assert any(clinic_openings(many, "timing", seed=s) != rounds for s in range(2, 8))


def test_clinic_with_a_thin_bank_returns_what_there_is(bank: ScenarioBank) -> None:
    one = bank.list(objection="send_info")[0]
    assert clinic_openings(ScenarioBank(scenarios={one.id: one}), "send_info") == [one]
    assert clinic_openings(ScenarioBank(), "price") == []
