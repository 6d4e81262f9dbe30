"""A manager's override, re-scored with the grader's own arithmetic (what a review *means*).

``rescore(card, overrides)`` gives the grader's card with the manager's skill
scores and the overall those scores give through the grader's code:
``scoring.overall_from_skills``, the drill's outcome adjustment
(``rubric_grader.outcome_adjustment``), the integrity caps and the calibration
map (``calibration``). Which cap and which map made the card's own overall is
read off the card by reproducing that overall from its own skill scores
(``how_made``), so cards stored before reviews existed re-score the same way, and
with no override ``rescore`` gives back the grader's number exactly.

It lives with the grader, below the store, because the store calls it when it
saves a review (``attempts.overall`` becomes the reviewed overall); the review
pages and the CLI reach it through ``coach_engine.reviews``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..models import Rubric, Scorecard, SkillScore

__all__ = ["Making", "how_made", "rescore"]


@dataclass(frozen=True)
class Making:
    """How a card's overall was made from its skill scores: a calibration map and an integrity cap."""

    calibration: str = ""
    """The mode (``reply``, ``transcript``) of ``grading.calibration``; empty: the raw rubric arithmetic."""
    cap: int | None = None
    """``scoring.INJECTION_CAP`` or ``STUFFING_CAP`` for a gamed card (never calibrated)."""


def _rubric(card: Scorecard) -> Rubric | None:
    """The packaged rubric the card was graded on (its current version), or None if there is none."""
    from ..datafiles import DataFileError
    from ..rubrics import get_rubric

    try:
        return get_rubric(card.rubric.split("@", 1)[0])
    except DataFileError:
        return None


def _overall(skills: Sequence[SkillScore], rubric: Rubric, adjust: int, making: Making) -> int:
    """``scoring.assemble``'s overall, then ``rubric_grader.on_trainer_scale``'s, for these skills.

    A skill the rubric no longer has (a card from an older version) carries no weight."""
    from .calibration import calibrate
    from .scoring import overall_from_skills, round_half_up

    weighted = {s.id for s in rubric.skills}
    raw = overall_from_skills([s for s in skills if s.id in weighted], rubric) + adjust
    if making.cap is not None:
        raw = min(raw, making.cap)
    value = max(0, min(100, round_half_up(raw)))
    if making.calibration and making.cap is None:
        value = max(0, min(100, round_half_up(calibrate(value - adjust, making.calibration) + adjust)))
    return value


def how_made(card: Scorecard, rubric: Rubric | None = None) -> Making:
    """The cap and calibration that reproduce ``card.overall`` from its own skills (nearest, in order).

    Order of preference: a cap when the card carries integrity flags; then, for the offline grader,
    its calibration map for the card's mode; the raw arithmetic last (the LLM judge's).
    """
    from .calibration import knots
    from .rubric_grader import outcome_adjustment
    from .scoring import INJECTION_CAP, STUFFING_CAP

    rubric = rubric or _rubric(card)
    if rubric is None:
        return Making()
    adjust = outcome_adjustment(card)
    candidates = [Making(cap=INJECTION_CAP), Making(cap=STUFFING_CAP)] if card.flags else []
    if not card.grader.startswith("llm") and knots(card.mode) is not None:
        candidates.append(Making(calibration=card.mode))
    candidates.append(Making())
    return min(candidates, key=lambda m: abs(_overall(card.skills, rubric, adjust, m) - card.overall))


def rescore(card: Scorecard, overrides: Mapping[str, int]) -> Scorecard:
    """The card with the manager's skill scores (1-5) and the overall the grader's code gives them.

    Should no way of making reproduce the card's overall exactly (a card from an older rubric), the
    difference is carried over, so the skills the manager left alone never move the overall; a card
    whose rubric is not packaged any more keeps its overall.
    """
    from .rubric_grader import outcome_adjustment

    known = {s.id for s in card.skills}
    unknown = sorted(set(overrides) - known)
    if unknown:
        known_ids = ", ".join(sorted(known))
        raise ValueError(f"the scorecard has no skill(s) {', '.join(unknown)}; known: {known_ids}")
    for skill_id, score in overrides.items():
        if not 1 <= int(score) <= 5:
            raise ValueError(f"override for '{skill_id}' must be 1-5, got {score}")
    rubric = _rubric(card)
    levels = {s.id: s.levels for s in rubric.skills} if rubric is not None else {}
    skills = []
    for s in card.skills:
        if s.id in overrides:
            score = int(overrides[s.id])
            level = levels.get(s.id, {}).get(score, s.level)  # type: ignore[call-overload]
            s = s.model_copy(update={"score": score, "level": level, "due": True})  # the manager judged it
        skills.append(s)
    if rubric is None:
        return card.model_copy(update={"skills": skills})
    adjust = outcome_adjustment(card)
    making = how_made(card, rubric)
    offset = card.overall - _overall(card.skills, rubric, adjust, making)
    overall = max(0, min(100, _overall(skills, rubric, adjust, making) + offset))
    return card.model_copy(update={"skills": skills, "overall": overall})
