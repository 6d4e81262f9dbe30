"""Point rules (coach_engine/points.yaml): the arithmetic by hand, the file's checks, and a property.

The property (issue 15): in any week, a rep with two strong drills outranks a rep with many weak
attempts. Hypothesis is not installed here, so a seeded generator plays 3,000 random weeks, each
with a random history behind both reps (earlier bests, a streak up to the lookback), and the
weak rep as many attempts as it likes. "Strong": a full drill scoring 80 or more, on two
different scenarios. "Weak": any attempt scoring under the lowest paying score of its kind, or a
drill or warm-up ended with fewer replies than it needs (at any score). Assignments are left out:
their credit is the manager's pass mark, not the rep's practice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from coach_engine.datafiles import DataFileError, load_model_text
from coach_engine.points import PointRules, WeekPoints, load_rules, rep_week, streak_length

STRONG = 80
SCENARIOS = [f"s{i}" for i in range(30)]


@dataclass(frozen=True)
class Try:
    week: int
    """0 = this week, 1 = last week, ..."""
    mode: str
    scenario: str
    score: int
    replies: int


def week_points(rules: PointRules, tries: list[Try]) -> tuple[WeekPoints, int]:
    """The rules in plain Python over one rep's attempts: (points this week, counted drills this week)."""
    counted = [t for t in tries if rules.counts(t.mode, t.replies)]
    bests: dict[tuple[str, str], int | None] = {}
    previous: dict[str, int | None] = {}
    per_week: dict[int, int] = {}
    for t in counted:
        if t.week == 0:
            bests[(t.mode, t.scenario)] = max(bests.get((t.mode, t.scenario)) or 0, t.score)
        if t.mode == "drill":
            per_week[t.week] = per_week.get(t.week, 0) + 1
            if t.week > 0:
                previous[t.scenario] = max(previous.get(t.scenario) or 0, t.score)
    qualifying = {
        w for w, n in per_week.items() if n >= rules.streak.min_drills and w < rules.streak.lookback_weeks
    }
    streak, qualifies = streak_length(qualifying)
    return rep_week(rules, bests, previous, streak=streak, streak_qualifies=qualifies), per_week.get(0, 0)


def history(rng: random.Random, rules: PointRules) -> list[Try]:
    """Earlier weeks: anything, often enough counted drills each week to carry a long streak."""
    out = []
    for week in range(1, rules.streak.lookback_weeks + 2):
        for _ in range(rng.randrange(0, 7)):
            mode = rng.choice(["drill", "drill", "warmup", "clinic"])
            out.append(Try(week, mode, rng.choice(SCENARIOS), rng.randrange(0, 101), rng.randrange(0, 6)))
    return out


def weak_try(rng: random.Random, rules: PointRules) -> Try:
    mode = rng.choice(["drill", "warmup", "clinic"])
    rule = rules.mode(mode)
    if mode != "clinic" and rng.random() < 0.4:  # ended too soon, at any score
        return Try(0, mode, rng.choice(SCENARIOS), rng.randrange(0, 101), rng.randrange(0, rule.min_replies))
    return Try(
        0, mode, rng.choice(SCENARIOS), rng.randrange(0, rule.floor), rng.randrange(rule.min_replies, 9)
    )


def strong_week(rng: random.Random, rules: PointRules) -> list[Try]:
    a, b = rng.sample(SCENARIOS, 2)
    need = rules.drill.min_replies
    return [Try(0, "drill", s, rng.randrange(STRONG, 101), rng.randrange(need, need + 6)) for s in (a, b)]


def test_two_strong_drills_outrank_many_weak_attempts_in_any_week() -> None:
    rules = load_rules()
    rng = random.Random(15)
    for n in range(3000):
        strong, strong_drills = week_points(rules, history(rng, rules) + strong_week(rng, rules))
        weak_tries = history(rng, rules) + [weak_try(rng, rules) for _ in range(rng.randrange(1, 80))]
        if n % 3 == 0:  # the weak rep's worst case: a full streak of low-scoring drills behind them
            weak_tries += [
                Try(w, "drill", "s0", rules.drill.floor - 1, rules.drill.min_replies)
                for w in range(0, rules.streak.lookback_weeks)
                for _ in range(rules.streak.min_drills)
            ]
        weak, _ = week_points(rules, weak_tries)
        assert strong.total > weak.total, (n, strong, weak)
        assert strong_drills == 2 and strong.drill >= 2 * rules.drill.points_for(STRONG)
        assert weak.drill == weak.improvement == weak.clinic == weak.warmup == 0


def test_points_scale_with_score_and_improvement() -> None:
    rules = load_rules()
    d = rules.drill
    scores = range(0, 101)
    points = [d.points_for(s) for s in scores]
    assert points == sorted(points) and points[0] == 0 and points[-1] == d.tiers[-1].points
    assert d.points_for(d.floor - 1) == 0 < d.points_for(d.floor)
    bonus = rules.improvement.max_bonus
    # 72 after a best of 65: 20 points and a +7 bonus; after a best of 30: the bonus is capped.
    assert rep_week(rules, {("drill", "a"): 72}, {"a": 65}) == WeekPoints(drill=20, improvement=7)
    assert rep_week(rules, {("drill", "a"): 72}, {"a": 30}).improvement == bonus
    # No bonus for a drill that earns nothing, nor for a clinic or warm-up, nor without a previous best.
    assert rep_week(rules, {("drill", "a"): 55}, {"a": 20}).improvement == 0
    assert rep_week(rules, {("clinic", "a"): 95, ("warmup", "b"): 95}, {"a": 20, "b": 20}).improvement == 0
    assert rep_week(rules, {("drill", "a"): 95}, {}).improvement == 0


def test_clinic_and_warmup_points_are_capped_per_week() -> None:
    rules = load_rules()
    many = {("clinic", s): 100 for s in SCENARIOS} | {("warmup", s): 100 for s in SCENARIOS}
    week = rep_week(rules, many, {})
    assert (week.clinic, week.warmup) == (rules.clinic.weekly_cap, rules.warmup.weekly_cap)
    assert rep_week(rules, {("clinic", "a"): 13, ("clinic", "b"): 8}, {}).clinic == 0  # the 8 and 13


def test_replies_decide_what_counts() -> None:
    rules = load_rules()
    assert not rules.counts("drill", None)
    assert not rules.counts("drill", rules.drill.min_replies - 1)
    assert rules.counts("drill", rules.drill.min_replies)
    assert rules.counts("clinic", rules.clinic.min_replies)
    with pytest.raises(KeyError, match="unknown mode"):
        rules.counts("scrimmage", 3)


def test_streak_points_need_this_week_to_qualify() -> None:
    rules = load_rules()
    s = rules.streak
    assert rep_week(rules, {}, {}, streak=2, streak_qualifies=False).streak == 0
    assert rep_week(rules, {}, {}, streak=2, streak_qualifies=True).streak == 2 * s.points_per_week
    assert (
        rep_week(rules, {}, {}, streak=99, streak_qualifies=True).streak
        == s.max_bonus_weeks * s.points_per_week
    )


def test_a_broken_rules_file_says_what_is_wrong() -> None:
    good = (
        "id: x\nversion: '1'\nimprovement: {max_bonus: 1}\nassignment_points: 1\ntrailing_weeks: 1\n"
        "streak: {min_drills: 1, points_per_week: 1, max_bonus_weeks: 1, lookback_weeks: 1}\n"
        "warmup: {label: w, min_replies: 1, tiers: [{min_score: 60, points: 1}]}\n"
        "clinic: {label: c, min_replies: 1, tiers: [{min_score: 60, points: 1}]}\n"
    )
    load_model_text(
        good + "drill: {label: d, min_replies: 2, tiers: [{min_score: 60, points: 10}]}\n", PointRules, "p"
    )
    with pytest.raises(DataFileError, match="tiers must rise"):
        load_model_text(
            good + "drill: {label: d, min_replies: 2, tiers: [{min_score: 70, points: 10}, "
            "{min_score: 60, points: 20}]}\n",
            PointRules,
            "p",
        )
    with pytest.raises(DataFileError, match="unknown field 'bonus'"):
        load_model_text(
            good + "bonus: 3\ndrill: {label: d, min_replies: 2, tiers: [{min_score: 60, points: 10}]}\n",
            PointRules,
            "p",
        )
