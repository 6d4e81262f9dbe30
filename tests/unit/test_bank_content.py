"""The shipped scenario bank meets the coverage the product promises."""

from __future__ import annotations

from collections import Counter

from coach_engine.models import DIFFICULTIES, OBJECTIONS, PERSONALITIES
from coach_engine.rubrics import get_rubric
from coach_engine.scenarios import ScenarioBank


def test_bank_loads_without_problems(bank: ScenarioBank) -> None:
    assert len(bank) >= 24
    assert bank.problems == []


def test_bank_covers_objections_difficulties_personalities(bank: ScenarioBank) -> None:
    scenarios = list(bank.scenarios.values())
    objections = Counter(s.objection for s in scenarios)
    assert all(objections[o] >= 2 for o in OBJECTIONS), objections
    assert {s.difficulty for s in scenarios} == set(DIFFICULTIES)
    assert {s.buyer.personality for s in scenarios} == set(PERSONALITIES)


def test_bank_spans_industries_and_is_varied(bank: ScenarioBank) -> None:
    scenarios = list(bank.scenarios.values())
    industries = {s.tags[0] for s in scenarios if s.tags}
    assert len(industries) >= 8
    assert len({s.buyer.name for s in scenarios}) == len(scenarios)
    assert len({s.product.name for s in scenarios}) >= len(scenarios) - 2
    assert len({s.buyer.opening for s in scenarios}) == len(scenarios)


def test_every_scenario_has_numbers_and_a_rubric_that_exists(bank: ScenarioBank) -> None:
    for s in bank.scenarios.values():
        assert any(ch.isdigit() for v in s.product.value_points for ch in v), s.id
        assert s.product.proof_points, s.id
        get_rubric(s.rubric)
        assert s.buyer.hidden_concern.lower() not in s.context.lower()


def test_file_names_match_ids(bank: ScenarioBank) -> None:
    for sid, source in bank.sources.items():
        assert source.endswith(f"{sid}.yaml")
