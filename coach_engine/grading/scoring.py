"""From check results to a scorecard: the one scoring code every grader shares.

Why one module: the offline grader and the LLM judge differ only in *how* they
decide each yes/no check (signals vs. a model's answer with a verified quote).
Everything after that — skill scores, anti-pattern penalties, the overall,
the outcome adjustment and the integrity cap — is computed here, so the two
graders can never drift apart and a manager can read one table to know how a
number came about.

Skill score from the share of checks passed (``SHARE_TO_SCORE``)::

    share passed   0      (0, 0.4)   [0.4, 0.7)   [0.7, 1.0)   1.0
    score          1      2          3            4            5

A failed "did not ..." check (``none_of``: the rep did the thing) is a slip and
caps the skill, as the rubric anchors read ("mostly calm, with a slip" is a 3;
"pushy" is a 1): one slip caps it at 3, slips on two different checks at 2,
and slips in half or more of the rep turns (so any slip in a single reply) at 1.
A check may set its own ``slip_cap`` for a minor slip: a reply over the monologue
length is "mostly concise, with a slip" (3), not "rambling" (1).

A rep who asked no question at all (``Delivery.questions == 0``) is telling, not
conversing: the delivery skill is capped at 4 (``CONVERSATIONAL``).

Then minus the rubric's anti-pattern penalties (one per occurrence, each
occurrence counted once per turn), rounded half up and never below 1.

Single-reply mode defers later stages (``REPLY_DEFERRED``): answering an
objection with a question is the right first move (LAER: explore before
respond), so when the reply passes a check of the exploring skill, the skills
that come later in a call (respond with value, confirm and advance) are not
yet due unless the rep showed them (a check passed) or hit one of their
anti-patterns. A skill not yet due is left out of the overall
(``SkillScore.due``), not floored at a neutral 3: a first reply is judged as a
first reply, and a neutral 3 in the mean held a perfect one under 80. It keeps
the floor as its shown score, marked not yet due.

Overall 0-100 = the skill-weighted mean of the 1-5 scores rescaled
(1 -> 0, 5 -> 100). For multi-turn transcripts (two or more rep turns) the
drill's outcome counts, modestly: ``agreed`` +5, ``walked_away`` -10,
``open`` 0 (``OUTCOME_ADJUSTMENT``). Text addressed to the grader or the
simulation caps the overall at ``INJECTION_CAP``; keyword stuffing at
``STUFFING_CAP``. The result is clamped to 0-100 and rounded half up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..models import (
    AntiPatternHit,
    CheckResult,
    Delivery,
    Outcome,
    Rubric,
    RubricCheck,
    RubricSkill,
    Scenario,
    Scorecard,
    SkillScore,
)

SHARE_TO_SCORE: tuple[tuple[float, int], ...] = ((0.0, 1), (0.4, 3), (0.7, 4), (1.0, 5))
"""(lower bound of the share passed, score); a share above 0 but below 0.4 scores 2."""

REPLY_DEFERRED: Mapping[str, tuple[str, tuple[str, ...], int]] = {
    "objection-handling": ("explore", ("respond-value", "confirm-advance"), 3),
    "discovery": ("open-questions", ("impact", "next-step"), 3),
}
"""rubric id -> (exploring skill, deferred skills, floor) for single-reply mode."""
NOT_YET_DUE = "Not yet due: a first reply that explores comes before answering with value and advancing."
"""What a scorecard says of a skill left out of the overall (``SkillScore.due``)."""

CONVERSATIONAL: Mapping[str, tuple[str, int]] = {"objection-handling": ("delivery", 4)}
"""rubric id -> (delivery skill, cap when the rep asked no question at all): level 5 "asks as much as it
tells" cannot be met by statements alone."""

EXPLORE_DEPTH: Mapping[str, str] = {"objection-handling": "explore", "discovery": "open-questions"}
"""rubric id -> the exploring skill whose single-reply score follows how many questions the rep asked
(the anchors: "one open question about the objection" is a 3, "open questions that uncover the real
concern" a 4 and up): one question or none caps it at 4; two or more lift a passed skill by one."""

OUTCOME_ADJUSTMENT: Mapping[str, int] = {"agreed": 5, "open": 0, "walked_away": -10}
INJECTION_CAP = 10
STUFFING_CAP = 20
LISTED_CAP = 30
"""A turn that is probably keyword stuffing, short of the verdict (``reading.gaming.LIKELY_STUFFING``): the
card is at most a level-2 reply (the middle of the 20-40 band), not zero."""

__all__ = [
    "CONVERSATIONAL",
    "INJECTION_CAP",
    "LISTED_CAP",
    "NOT_YET_DUE",
    "OUTCOME_ADJUSTMENT",
    "REPLY_DEFERRED",
    "SHARE_TO_SCORE",
    "STUFFING_CAP",
    "GradeParts",
    "assemble",
    "checks_for_mode",
    "overall_from_skills",
    "round_half_up",
    "score_from_share",
    "slip_cap",
]


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def score_from_share(passed: int, total: int) -> int:
    """The documented table above; a skill with no applicable checks scores 1."""
    if total <= 0 or passed <= 0:
        return 1
    share = passed / total
    if share >= 1.0:
        return 5
    if share >= 0.7:
        return 4
    if share >= 0.4:
        return 3
    return 2


def slip_cap(parts: GradeParts, skill: RubricSkill, rep_turns: int) -> int:
    """The highest score a skill can get given its slips (see the module docstring). A check with its own
    ``slip_cap`` (a minor slip: a long reply) caps the skill at that, whatever the share of turns."""
    minor = {c.id: c.slip_cap for c in skill.checks if c.slip_cap is not None}
    slipped = {k: v for k, v in parts.slips.items() if k[0] == skill.id and k[1] not in minor}
    soft = min((cap for (sid, cid) in parts.slips if sid == skill.id and (cap := minor.get(cid))), default=5)
    if not slipped:
        return soft
    turns = {t for v in slipped.values() for t in v}
    if len(turns) * 2 >= max(rep_turns, 1):
        return 1
    return min(soft, 2 if len(slipped) >= 2 else 3)


def checks_for_mode(checks: Sequence[RubricCheck], mode: str) -> list[RubricCheck]:
    """Single-reply mode scores only what a first reply can show."""
    return [c for c in checks if c.first_reply] if mode == "reply" else list(checks)


def overall_from_skills(skills: Sequence[SkillScore], rubric: Rubric) -> float:
    """The weighted mean of the skills that are due (all of them if none is), rescaled to 0-100."""
    weights = {s.id: s.weight for s in rubric.skills}
    skills = [s for s in skills if s.due] or list(skills)
    total_w = sum(weights[s.id] for s in skills) or 1.0
    mean = sum(weights[s.id] * s.score for s in skills) / total_w
    return (mean - 1.0) / 4.0 * 100.0


@dataclass
class GradeParts:
    """What a grader decided; ``assemble`` turns it into a scorecard."""

    checks: dict[tuple[str, str], CheckResult]
    """(skill id, check id) -> result, for the checks of this mode."""
    anti_patterns: list[AntiPatternHit] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    injection: bool = False
    stuffing: bool = False
    notes: list[str] = field(default_factory=list)
    caps: dict[str, int] = field(default_factory=dict)
    """skill id -> the highest score the grader allows it (e.g. delivery after a yes-but)."""
    slips: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """(skill id, check id) of failed ``none_of`` checks -> the rep turns where the rep did the thing."""


def assemble(
    *,
    scenario: Scenario,
    rubric: Rubric,
    grader: str,
    mode: str,
    rep_turns: int,
    parts: GradeParts,
    outcome: Outcome | None,
    delivery: Delivery,
) -> Scorecard:
    penalties: dict[str, dict[str, float]] = {}
    for skill in rubric.skills:
        penalties[skill.id] = {ap.id: ap.penalty for ap in skill.anti_patterns}
    skills: list[SkillScore] = []
    deferred: tuple[str, ...] = ()
    floor = 1
    if mode == "reply" and rubric.id in REPLY_DEFERRED:
        explore_id, later, floor_value = REPLY_DEFERRED[rubric.id]
        if any(r.passed for (sid, _), r in parts.checks.items() if sid == explore_id):
            deferred, floor = later, floor_value
    for skill in rubric.skills:
        results = [parts.checks[(skill.id, c.id)] for c in checks_for_mode(skill.checks, mode)]
        base = score_from_share(sum(r.passed for r in results), len(results))
        hits = [h for h in parts.anti_patterns if h.skill == skill.id]
        if skill.id in deferred and not hits:
            base = max(base, floor)
        base = min(base, slip_cap(parts, skill, rep_turns))
        base = min(base, parts.caps.get(skill.id, 5))
        if mode == "reply" and EXPLORE_DEPTH.get(rubric.id) == skill.id and base > 1:
            base = min(base, 4) if delivery.questions <= 1 else min(5, base + 1)
        conv = CONVERSATIONAL.get(rubric.id)
        if conv and conv[0] == skill.id and delivery.rep_turns and delivery.questions == 0:
            base = min(base, conv[1])
        minus = sum(penalties[skill.id].get(h.id, 1.0) * max(1, len({e.turn for e in h.evidence}))
                    for h in hits)
        score = max(1, min(5, round_half_up(base - minus)))
        due = not (skill.id in deferred and not hits and not any(r.passed for r in results))
        skills.append(SkillScore(id=skill.id, name=skill.name, score=score, checks=results,
                                 anti_patterns=hits, level=skill.levels[score],  # type: ignore[index]
                                 due=due))
    overall = overall_from_skills(skills, rubric)
    final_outcome: Outcome = outcome or "open"
    if mode == "transcript" and rep_turns >= 2:
        overall += OUTCOME_ADJUSTMENT.get(final_outcome, 0)
    if parts.injection:
        overall = min(overall, INJECTION_CAP)
    if parts.stuffing:
        overall = min(overall, STUFFING_CAP)
    overall_int = max(0, min(100, round_half_up(overall)))
    return Scorecard(
        scenario_id=scenario.id,
        rubric=rubric.versioned_id,
        grader=grader,
        mode="reply" if mode == "reply" else "transcript",
        overall=overall_int,
        skills=skills,
        outcome=final_outcome if mode == "transcript" else "open",
        flags=list(parts.flags),
        delivery=delivery,
        notes=list(parts.notes),
    )
