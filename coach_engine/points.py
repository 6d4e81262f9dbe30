"""Leaderboard points: what a week of practice earns, as data (``points.yaml``) and a few pure functions.

Why a module of its own: the first leaderboard summed every attempt's best
score, so a rep with many weak attempts (clinic replies scoring 8, drills ended
with no reply) outranked a rep with a few strong drills. Points now reward
practice done well, and four places must agree on what that means: the
leaderboard's arithmetic, the store's weekly roll-ups and the assignments
(which attempts count at all), and the rules panel a rep reads. So the numbers
live once, in ``points.yaml`` checked by ``extra="forbid"`` models, and:

* ``PointRules.counts`` says whether an attempt counts (enough rep replies for
  its mode); the store's roll-ups and the assignments use the same minimum;
* ``rep_week`` turns one rep's week — best score per (mode, scenario), the
  previous best per drilled scenario, the streak, assignments passed — into
  ``WeekPoints``; the leaderboard feeds it from SQL, tests from plain lists;
* ``rules_markdown`` writes the rules panel from the same object.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator

from .datafiles import StrictData, load_package_model
from .text import count_of

__all__ = [
    "Mode",
    "ModeRule",
    "PointRules",
    "WeekPoints",
    "load_rules",
    "rep_week",
    "rules_markdown",
    "streak_length",
]

Mode = Literal["drill", "warmup", "clinic"]
MODES: tuple[Mode, ...] = ("drill", "warmup", "clinic")


class Tier(StrictData):
    min_score: int = Field(ge=0, le=100)
    points: int = Field(ge=0)


class ModeRule(StrictData):
    """How one kind of attempt counts and what its best score on a scenario earns."""

    label: str
    min_replies: int = Field(ge=1)
    """Fewer rep replies than this and the attempt counts for nothing (points, streak, assignments)."""
    tiers: list[Tier] = Field(min_length=1)
    weekly_cap: int | None = Field(default=None, ge=0)
    """At most this many points a week from this kind of attempt (none: no cap)."""

    @model_validator(mode="after")
    def _rising(self) -> ModeRule:
        for lower, upper in zip(self.tiers, self.tiers[1:], strict=False):
            if upper.min_score <= lower.min_score or upper.points < lower.points:
                raise ValueError("tiers must rise: each min_score higher, and points never lower")
        return self

    @property
    def floor(self) -> int:
        """The lowest score that earns anything."""
        return self.tiers[0].min_score

    def capped(self, points: int) -> int:
        """A week's points from this kind of attempt, after the weekly cap."""
        return points if self.weekly_cap is None else min(points, self.weekly_cap)

    def points_for(self, score: int | None) -> int:
        """Points for a best score of ``score`` (the highest tier it reaches; 0 below the first)."""
        if score is None:
            return 0
        return max((t.points for t in self.tiers if score >= t.min_score), default=0)


class Improvement(StrictData):
    max_bonus: int = Field(ge=0)


class Streak(StrictData):
    min_drills: int = Field(ge=1)
    points_per_week: int = Field(ge=0)
    max_bonus_weeks: int = Field(ge=0)
    lookback_weeks: int = Field(ge=1)


class PointRules(StrictData):
    id: str
    version: str
    drill: ModeRule
    warmup: ModeRule
    clinic: ModeRule
    improvement: Improvement
    assignment_points: int = Field(ge=0)
    streak: Streak
    trailing_weeks: int = Field(ge=1)

    def mode(self, mode: str) -> ModeRule:
        if mode not in MODES:
            raise KeyError(f"unknown mode '{mode}'; choose drill, warmup or clinic")
        rule: ModeRule = getattr(self, mode)
        return rule

    def counts(self, mode: str, replies: int | None) -> bool:
        """Whether a completed attempt with ``replies`` rep replies counts at all."""
        return replies is not None and replies >= self.mode(mode).min_replies


@lru_cache(maxsize=1)
def load_rules() -> PointRules:
    """The point rules in ``coach_engine/points.yaml`` (read once)."""
    return load_package_model("points.yaml", PointRules)


@dataclass(frozen=True)
class WeekPoints:
    """One rep's points for one week, by where they came from."""

    drill: int = 0
    improvement: int = 0
    clinic: int = 0
    warmup: int = 0
    assignments: int = 0
    streak: int = 0

    @property
    def practice(self) -> int:
        """Clinic and warm-up points together (each already capped)."""
        return self.clinic + self.warmup

    @property
    def total(self) -> int:
        return self.drill + self.improvement + self.clinic + self.warmup + self.assignments + self.streak


def streak_length(qualifying: Collection[int]) -> tuple[int, bool]:
    """(streak length, whether this week qualifies) from week offsets (0 = this week) with enough drills.

    A week that has not reached the minimum yet does not break the streak carried from last week.
    """
    start = 0 if 0 in qualifying else 1
    n = 0
    while start + n in qualifying:
        n += 1
    return n, 0 in qualifying


def rep_week(
    rules: PointRules,
    bests: Mapping[tuple[str, str], int | None],
    previous_bests: Mapping[str, int | None],
    *,
    streak: int = 0,
    streak_qualifies: bool = False,
    assignments_passed: int = 0,
) -> WeekPoints:
    """One rep's week: ``bests`` maps (mode, scenario) to the best score of the week's *counted* attempts;
    ``previous_bests`` maps a drilled scenario to the rep's best counted drill on it in earlier weeks."""
    earned: dict[str, int] = dict.fromkeys(MODES, 0)
    improvement = 0
    for (mode, scenario_id), best in bests.items():
        rule = rules.mode(mode)
        pts = rule.points_for(best)
        earned[mode] += pts
        previous = previous_bests.get(scenario_id) if mode == "drill" else None
        if pts and best is not None and previous is not None and best > previous:
            improvement += min(rules.improvement.max_bonus, best - previous)
    capped = {mode: rules.mode(mode).capped(earned[mode]) for mode in MODES}
    s = rules.streak
    streak_pts = s.points_per_week * min(streak, s.max_bonus_weeks) if streak_qualifies else 0
    return WeekPoints(
        drill=capped["drill"],
        improvement=improvement,
        clinic=capped["clinic"],
        warmup=capped["warmup"],
        assignments=rules.assignment_points * assignments_passed,
        streak=streak_pts,
    )


def _tiers(rule: ModeRule) -> str:
    parts = [f"{t.min_score}+ → {t.points}" for t in rule.tiers]
    return ", ".join(parts)


def _replies(n: int) -> str:
    return count_of(n, "reply", "replies")


def rules_markdown(rules: PointRules) -> str:
    """The rules panel, in plain words, with every number taken from ``rules``."""
    d, w, c, s = rules.drill, rules.warmup, rules.clinic, rules.streak
    tier_rows = [f"| under {d.floor} | 0 |"]
    for i, t in enumerate(d.tiers):
        top = d.tiers[i + 1].min_score - 1 if i + 1 < len(d.tiers) else 100
        tier_rows.append(f"| {t.min_score}-{top} | {t.points} |")
    table = "\n".join(["| best score on a scenario | points |", "|---|---|", *tier_rows])
    return f"""\
**How the weekly leaderboard works**

The week is the ISO week (Monday to Sunday) in the team's time zone. Points reward practice
done well: a few strong drills beat many weak attempts.

**Drill points**: for each scenario you drilled this week, your *best* score on it that week earns

{table}

Repeating a scenario only helps if you beat your best; a drill under {d.floor} earns nothing.

- **What counts**: a completed drill with at least {_replies(d.min_replies)} from you, a warm-up
  with at least {_replies(w.min_replies)}, a clinic opening with {_replies(c.min_replies)}. A drill
  ended with fewer replies earns nothing, is not counted as a drill and keeps no streak alive.
- **Improvement bonus**: +1 for every point your best this week beats your best on that scenario in
  earlier weeks, up to +{rules.improvement.max_bonus} per scenario (when the drill earns points).
- **Clinics and warm-ups** earn a little, per scenario for your best that week, and are capped:
  {c.label}: {_tiers(c)}, at most {c.weekly_cap} a week; {w.label}: {_tiers(w)}, at most
  {w.weekly_cap} a week. Under {min(c.floor, w.floor)} they earn nothing.
- **Assignments**: +{rules.assignment_points} for each assignment passed on time this week: at least
  its minimum number of counted full drills of that scenario since it was assigned, one of them at or
  above the pass mark, before the end of the due date. Clinics and warm-ups don't count for
  assignments; a cancelled assignment earns nothing.
- **Streak**: a week with at least {s.min_drills} counted drills extends your streak of consecutive
  weeks (counted back up to {s.lookback_weeks} weeks). Once you reach {s.min_drills} drills this week
  you get +{s.points_per_week} per streak week, this week included, up to
  +{s.points_per_week * s.max_bonus_weeks}. Until then the streak carried from last week is shown but
  earns nothing.
- **Columns**: counted drills, their average overall score ("—" with none), and your best skill this
  week (highest average skill score over those drills; a manager's review overrides the grader).
- **Ties** are broken by more drills, then higher average, then name (A-Z), then email.
- **Most improved**: the biggest rise of this week's drill average over your average of the previous
  {rules.trailing_weeks} weeks (you need counted drills in both). Ties: more drills this week, then name.
- **Skill leaders**: the highest average score per skill this week. Ties: more drills, then name.
"""
