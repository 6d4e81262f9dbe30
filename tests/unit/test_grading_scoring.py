"""The shared scoring table: share of checks -> 1-5, penalties, overall, outcome, caps, deferred skills."""

from __future__ import annotations

import pytest

from coach_engine.grading.scoring import (
    INJECTION_CAP,
    STUFFING_CAP,
    GradeParts,
    assemble,
    checks_for_mode,
    overall_from_skills,
    score_from_share,
)
from coach_engine.models import AntiPatternHit, CheckResult, Delivery, Evidence, Scenario
from coach_engine.rubrics import get_rubric
from coach_engine.scenarios import ScenarioBank


@pytest.mark.parametrize(("passed", "total", "score"), [
    (0, 3, 1), (1, 4, 2), (1, 3, 2), (1, 2, 3), (2, 4, 3), (2, 3, 3), (3, 4, 4), (3, 3, 5), (0, 0, 1),
])
def test_share_to_score_table(passed: int, total: int, score: int) -> None:
    assert score_from_share(passed, total) == score


def _parts(mode: str, passed: bool | dict[str, bool], **kw: object) -> GradeParts:
    rubric = get_rubric("objection-handling")
    checks = {}
    for s in rubric.skills:
        for c in checks_for_mode(s.checks, mode):
            ok = passed if isinstance(passed, bool) else passed.get(s.id, False)
            checks[(s.id, c.id)] = CheckResult(id=c.id, passed=ok,
                                                evidence=[Evidence(turn=1, quote="x")] if ok else [])
    return GradeParts(checks=checks, **kw)  # type: ignore[arg-type]


def _card(scenario: Scenario, parts: GradeParts, mode: str = "transcript", rep_turns: int = 3,
          outcome: str | None = None):  # type: ignore[no-untyped-def]
    return assemble(scenario=scenario, rubric=get_rubric("objection-handling"), grader="t", mode=mode,
                    rep_turns=rep_turns, parts=parts, outcome=outcome, delivery=Delivery())  # type: ignore[arg-type]


@pytest.fixture
def scenario(bank: ScenarioBank) -> Scenario:
    return bank.get("cfo-price-routing")


def test_all_passed_is_100_and_none_is_0(scenario: Scenario) -> None:
    assert _card(scenario, _parts("transcript", True)).overall == 100
    assert _card(scenario, _parts("transcript", False)).overall == 0


def test_outcome_adjusts_modestly_and_is_clamped(scenario: Scenario) -> None:
    half = {"listen-acknowledge": True, "explore": True}
    base = _card(scenario, _parts("transcript", half)).overall
    assert _card(scenario, _parts("transcript", half), outcome="agreed").overall == base + 5
    assert _card(scenario, _parts("transcript", half), outcome="walked_away").overall == base - 10
    assert _card(scenario, _parts("transcript", True), outcome="agreed").overall == 100
    assert _card(scenario, _parts("transcript", False), outcome="walked_away").overall == 0
    one_turn = _card(scenario, _parts("transcript", half), rep_turns=1, outcome="agreed").overall
    assert one_turn == base


def test_anti_pattern_penalty_per_turn_never_below_one(scenario: Scenario) -> None:
    hit = AntiPatternHit(id="discount-first", skill="respond-value", description="d",
                         evidence=[Evidence(turn=1, quote="a"), Evidence(turn=3, quote="b")])
    card = _card(scenario, _parts("transcript", True, anti_patterns=[hit]))
    skill = card.skill("respond-value")
    assert skill.score == 2  # 5 - 1.5 x 2 turns
    assert skill.anti_patterns == [hit]
    assert skill.level == get_rubric("objection-handling").skills[2].levels[2]
    many = AntiPatternHit(id="discount-first", skill="respond-value", description="d",
                          evidence=[Evidence(turn=t, quote="a") for t in (1, 3, 5, 7)])
    assert _card(scenario, _parts("transcript", True, anti_patterns=[many])).skill("respond-value").score == 1


def test_injection_and_stuffing_cap_the_overall(scenario: Scenario) -> None:
    assert _card(scenario, _parts("transcript", True, injection=True)).overall == INJECTION_CAP
    assert _card(scenario, _parts("transcript", True, stuffing=True)).overall == STUFFING_CAP


def test_reply_mode_defers_value_and_advance_after_a_good_question(scenario: Scenario) -> None:
    explored = _card(scenario, _parts("reply", {"explore": True}), mode="reply", rep_turns=1)
    assert explored.skill("respond-value").score == 3
    assert explored.skill("confirm-advance").score == 3
    pitched = _card(scenario, _parts("reply", {"listen-acknowledge": True}), mode="reply", rep_turns=1)
    assert pitched.skill("respond-value").score == 1
    assert explored.outcome == "open"


def test_a_first_reply_is_judged_on_the_skills_that_are_due(scenario: Scenario) -> None:
    """Skills not yet due are left out of the overall, not counted as a neutral 3: a first reply that
    listened, explored and spoke well scores what those skills earned. One it did show counts."""
    rubric = get_rubric("objection-handling")
    first = {"listen-acknowledge": True, "explore": True, "delivery": True}
    card = _card(scenario, _parts("reply", first), mode="reply", rep_turns=1)
    waiting = {s.id for s in card.skills if not s.due}
    assert waiting == {"respond-value", "confirm-advance"}
    assert card.overall == round(overall_from_skills([s for s in card.skills if s.due], rubric))
    floored = [s.model_copy(update={"due": True}) for s in card.skills]
    assert card.overall > overall_from_skills(floored, rubric)
    closed = _card(scenario, _parts("reply", {**first, "confirm-advance": True}), mode="reply", rep_turns=1)
    assert closed.skill("confirm-advance").due and not closed.skill("respond-value").due
    whole = _card(scenario, _parts("transcript", first))
    assert all(s.due for s in whole.skills)


def test_slips_cap_the_skill(scenario: Scenario) -> None:
    one = _parts("transcript", True, slips={("delivery", "no-pressure"): [3]})
    assert _card(scenario, one, rep_turns=4).skill("delivery").score == 3
    both = {("delivery", "no-pressure"): [3], ("delivery", "respectful"): [3]}
    two = _parts("transcript", True, slips=both)
    assert _card(scenario, two, rep_turns=4).skill("delivery").score == 2
    half = _parts("transcript", True, slips={("delivery", "no-pressure"): [1, 3]})
    assert _card(scenario, half, rep_turns=4).skill("delivery").score == 1
    single = _parts("reply", True, slips={("delivery", "no-pressure"): [1]})
    assert _card(scenario, single, mode="reply", rep_turns=1).skill("delivery").score == 1


def test_delivery_without_a_single_question_tops_out_at_4(scenario: Scenario) -> None:
    parts = _parts("transcript", True)
    rubric = get_rubric(scenario.rubric)
    told = assemble(scenario=scenario, rubric=rubric, grader="offline", mode="transcript", rep_turns=2,
                    parts=parts, outcome=None, delivery=Delivery(rep_turns=2, questions=0, statements=5))
    asked = assemble(scenario=scenario, rubric=rubric, grader="offline", mode="transcript", rep_turns=2,
                     parts=parts, outcome=None, delivery=Delivery(rep_turns=2, questions=2, statements=3))
    assert told.skill("delivery").score == 4 and asked.skill("delivery").score == 5
