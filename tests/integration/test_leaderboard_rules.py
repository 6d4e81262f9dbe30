"""The weekly leaderboard against hand-computed expectations (team in Los Angeles, week 2026-W48).

W48 in America/Los_Angeles is Mon 23 Nov 00:00 PST (08:00 UTC) to Mon 30 Nov 00:00 PST.
Points (coach_engine/points.yaml): a drilled scenario's best that week earns 60+ → 10, 70+ → 20,
80+ → 35, 90+ → 50; beating the earlier best on it adds the gain, up to +20; clinic 60+ → 2,
80+ → 5 (at most 20 a week); warm-up 60+ → 5, 80+ → 10 (at most 30); a drill needs 2 replies.

| rep | W48 counted attempts (scenario: score)     | drill pts   | improvement | other        | points |
|-----|--------------------------------------------|-------------|-------------|--------------|--------|
| Ann | drills A 60, A 80, B 70 (B Sun 23:30 local) | 35+20 = 55  | A 50→80: 20 | streak 3: 30 | 105    |
| Dan | drill A 75 (his Sun 22 Nov drill is W47)    | 20          | A 40→75: 20 | assignment 50| 90     |
| Bob | drills A 90, C 60                           | 50+10 = 60  | A 60→90: 20 | C late: 0    | 80     |
| Cat | drills B 75, C 75; clinic A 85, B 13;       | 20+20 = 40  | —           | clinic 5,    | 55     |
|     | warm-up A 82                                |             |             | warm-up 10   |        |
| Eve | a one-reply drill at 95: does not count     | 0           | —           | —            | 0      |

Bob's streak (W46-W47) is carried but earns nothing: two drills this week. Cat's clinic and
warm-up on A are not a previous *drill* best, so her W49 drill on A earns no improvement bonus.
Most improved: Dan, 75 this week vs 40 over W44-W47 (+35); Ann +20, Bob +15.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from coach_engine.leaderboard import RULES, compute_leaderboard
from coach_engine.models import Scenario
from coach_engine.points import load_rules, rules_markdown
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import SYSTEM, Store, User

from .conftest import practise

A, B, C = "cfo-price-routing", "school-budget-tutoring", "restaurant-budget-inventory"


def at(y: int, mo: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def drill(
    store: Store,
    user: User,
    scenario: Scenario,
    overall: int,
    when: datetime,
    skills: dict[str, int] | None = None,
    *,
    replies: int = 2,
    mode: str = "drill",
) -> int:
    return practise(store, user, scenario, overall, when, replies=replies, mode=mode, skills=skills)


@pytest.fixture
def board_world(store: Store, bank: ScenarioBank) -> dict[str, Any]:
    store.clock = lambda: at(2026, 11, 20)
    sa, sb, sc = bank.get(A), bank.get(B), bank.get(C)
    mgr = store.add_user(
        SYSTEM, "mgr@falcons.test", "Mia", "manager", "Falcons", timezone="America/Los_Angeles"
    )
    ann = store.add_user(SYSTEM, "ann@falcons.test", "Ann", "rep", "Falcons")
    bob = store.add_user(SYSTEM, "bob@falcons.test", "Bob", "rep", "Falcons")
    cat = store.add_user(SYSTEM, "cat@falcons.test", "Cat", "rep", "Falcons")
    dan = store.add_user(SYSTEM, "dan@falcons.test", "Dan", "rep", "Falcons")
    eve = store.add_user(SYSTEM, "eve@falcons.test", "Eve", "rep", "Falcons")
    other = store.add_user(SYSTEM, "zed@owls.test", "Zed", "rep", "Owls")
    store.create_assignment(mgr, A, date(2026, 11, 27), user=dan.email, pass_mark=70)
    store.create_assignment(mgr, C, date(2026, 11, 24), user=bob.email, pass_mark=50)

    # History: Ann W45 x2, W46 x3, W47 x3 at 50; Bob W46 x3, W47 x3 at 60.
    for day in (3, 4):
        drill(store, ann, sa, 50, at(2026, 11, day))
    for week_start in (9, 16):
        for i in range(3):
            drill(store, ann, sa, 50, at(2026, 11, week_start + i))
            drill(store, bob, sa, 60, at(2026, 11, week_start + i))
    # Dan: Sunday 22 Nov 23:30 in Los Angeles is Monday 07:30 UTC, but still W47 for the team.
    drill(store, dan, sa, 40, at(2026, 11, 23, 7, 30))

    # This week (W48).
    e = {"explore": 4, "value": 2}
    drill(store, ann, sa, 60, at(2026, 11, 24), e)
    drill(store, ann, sa, 80, at(2026, 11, 25), e)
    drill(store, ann, sb, 70, at(2026, 11, 30, 7, 30), e)  # Sunday 29 Nov 23:30 local: still W48
    drill(store, bob, sa, 90, at(2026, 11, 24), {"explore": 3, "value": 5})
    drill(store, bob, sc, 60, at(2026, 11, 26), {"explore": 3, "value": 5})  # assignment due 24th: late
    cat1 = drill(store, cat, sb, 75, at(2026, 11, 24), {"explore": 4, "value": 3})
    drill(store, cat, sc, 75, at(2026, 11, 25), {"explore": 4, "value": 3})
    drill(store, cat, sa, 85, at(2026, 11, 25, 13), {"explore": 5, "value": 5}, replies=1, mode="clinic")
    drill(store, cat, sb, 13, at(2026, 11, 25, 14), replies=1, mode="clinic")
    drill(store, cat, sa, 82, at(2026, 11, 26), {"explore": 5, "value": 5}, mode="warmup")
    drill(store, dan, sa, 75, at(2026, 11, 25), {"explore": 2, "value": 4})
    drill(store, eve, sa, 95, at(2026, 11, 25), {"explore": 5, "value": 5}, replies=1)  # ended too soon
    drill(store, other, sa, 100, at(2026, 11, 25))
    # Next week (W49) must not count.
    drill(store, cat, sa, 99, at(2026, 11, 30, 8, 30))
    store.clock = lambda: at(2026, 11, 26)
    return {"mgr": mgr, "ann": ann, "cat": cat, "cat1": cat1}


def test_hand_computed_board(store: Store, board_world: dict[str, Any]) -> None:
    board = compute_leaderboard(store, board_world["ann"], "Falcons")
    assert board.week == "2026-W48"
    assert board.start == at(2026, 11, 23, 8) and board.end == at(2026, 11, 30, 8)
    got = [(r.rank, r.name, r.points, r.drills, r.average, r.streak) for r in board.rows]
    assert got == [
        (1, "Ann", 105, 3, 70.0, 3),
        (2, "Dan", 90, 1, 75.0, 0),
        (3, "Bob", 80, 2, 75.0, 2),
        (4, "Cat", 55, 2, 75.0, 0),
        (5, "Eve", 0, 0, None, 0),
    ]
    parts = {
        r.name: (
            r.drill_points,
            r.improvement_points,
            r.practice_points,
            r.assignment_points,
            r.streak_points,
        )
        for r in board.rows
    }
    assert parts == {
        "Ann": (55, 20, 0, 0, 30),
        "Dan": (20, 20, 0, 50, 0),
        "Bob": (60, 20, 0, 0, 0),
        "Cat": (40, 0, 15, 0, 0),
        "Eve": (0, 0, 0, 0, 0),
    }
    assert [r.best_skill for r in board.rows] == ["Explore", "Value", "Value", "Explore", None]
    assert [r.average_label for r in board.rows] == ["70.0", "75.0", "75.0", "75.0", "—"]
    assert board.most_improved is not None
    assert (board.most_improved.name, board.most_improved.delta) == ("Dan", 35.0)
    assert [(s.skill_id, s.name, s.average) for s in board.skill_leaders] == [
        ("explore", "Ann", 4.0),  # tie with Cat at 4.0 (her clinic and warm-up 5s don't count): more drills
        ("value", "Bob", 5.0),
    ]


def test_json_shape(store: Store, board_world: dict[str, Any]) -> None:
    data = compute_leaderboard(store, board_world["mgr"], "Falcons", "2026-W48").to_json()
    assert set(data) == {"team", "week", "rows"}
    assert data["team"] == "Falcons" and data["week"] == "2026-W48"
    assert data["rows"][0] == {
        "rank": 1,
        "user": "ann@falcons.test",
        "name": "Ann",
        "points": 105,
        "drills": 3,
        "average": 70.0,
        "streak": 3,
    }


def test_previous_week_and_boundaries(store: Store, board_world: dict[str, Any]) -> None:
    board = compute_leaderboard(store, board_world["mgr"], "Falcons", "2026-W47")
    rows = {r.name: r for r in board.rows}
    # W47: Ann 3 x 50 on A earns nothing (under 60); her streak is W46-W47 (W45 had 2 drills): +20.
    assert (rows["Ann"].points, rows["Ann"].drills, rows["Ann"].streak) == (0 + 20, 3, 2)
    # Bob: 60 on A (10), not above his W46 best of 60 (no bonus), streak 2 (+20).
    assert (rows["Bob"].points, rows["Bob"].streak) == (10 + 20, 2)
    # Dan's Sunday-night attempt (Monday in UTC) belongs to W47 in Los Angeles; 40 earns nothing.
    assert (rows["Dan"].drills, rows["Dan"].points) == (1, 0)
    # Cat's Monday 00:30 local attempt is W49, so it is in neither W47 nor W48; 99 on A earns 50
    # and no improvement bonus: her clinic and warm-up on A are not drills.
    w49 = {r.name: r for r in compute_leaderboard(store, board_world["mgr"], "Falcons", "2026-W49").rows}
    assert (w49["Cat"].drills, w49["Cat"].points, w49["Cat"].improvement_points) == (1, 50, 0)


def test_review_override_changes_best_skill(store: Store, board_world: dict[str, Any]) -> None:
    store.add_review(board_world["mgr"], board_world["cat1"], {"explore": 1}, "you pitched before asking")
    rows = {r.name: r for r in compute_leaderboard(store, board_world["mgr"], "Falcons").rows}
    assert rows["Cat"].best_skill == "Value"  # explore (1+4)/2 = 2.5 < value 3.0


def test_caps_short_drills_and_two_strong_drills(store: Store, bank: ScenarioBank) -> None:
    """Fay: lots of clinic and warm-up work (capped) and one-reply drills (nothing, no streak).
    Gus: two strong drills. Gus ranks first."""
    rules = load_rules()
    store.clock = lambda: at(2026, 11, 20)
    ids = bank.ids()
    fay = store.add_user(SYSTEM, "fay@hawks.test", "Fay", "rep", "Hawks", timezone="America/Los_Angeles")
    gus = store.add_user(SYSTEM, "gus@hawks.test", "Gus", "rep", "Hawks")
    for week_start in (9, 16):  # W46, W47: three counted drills at 50 each -> a streak of two
        for i in range(3):
            drill(store, fay, bank.get(ids[0]), 50, at(2026, 11, week_start + i))
    for i, sid in enumerate(ids[:8]):  # 8 clinic openings at 90: 8 x 5 = 40, capped
        drill(store, fay, bank.get(sid), 90, at(2026, 11, 24, 9 + i), replies=1, mode="clinic")
    for i, sid in enumerate(ids[8:12]):  # 4 warm-ups at 85: 4 x 10 = 40, capped
        drill(store, fay, bank.get(sid), 85, at(2026, 11, 25, 9 + i), mode="warmup")
    drill(store, fay, bank.get(ids[12]), 95, at(2026, 11, 25, 20), replies=1, mode="warmup")  # too short
    for i in range(4):  # drills ended after one reply or none: nothing at all, not even the streak
        drill(store, fay, bank.get(ids[13 + i]), 100, at(2026, 11, 26, 9 + i), replies=i % 2)
    drill(store, gus, bank.get(ids[0]), 85, at(2026, 11, 24))
    drill(store, gus, bank.get(ids[1]), 92, at(2026, 11, 25))
    store.clock = lambda: at(2026, 11, 27)

    board = compute_leaderboard(store, SYSTEM, "Hawks")
    g, f = board.rows
    assert (g.name, g.points, g.drill_points, g.drills) == ("Gus", 35 + 50, 85, 2)
    cap = (rules.clinic.weekly_cap or 0) + (rules.warmup.weekly_cap or 0)
    assert (f.name, f.points, f.practice_points, f.drills, f.average_label) == ("Fay", cap, cap, 0, "—")
    assert (f.streak, f.streak_points) == (2, 0)  # carried from W47, not extended by short drills
    assert compute_leaderboard(store, SYSTEM, "Hawks", "2026-W49").rows[1].streak == 0  # and then broken


def test_cancelled_assignment_earns_nothing(store: Store, bank: ScenarioBank) -> None:
    store.clock = lambda: at(2026, 11, 23, 12)
    mgr = store.add_user(SYSTEM, "mo@hawks.test", "Mo", "manager", "Hawks")
    hal = store.add_user(SYSTEM, "hal@hawks.test", "Hal", "rep", "Hawks")
    kept = store.create_assignment(mgr, A, date(2026, 11, 27), team="Hawks", pass_mark=70)
    dropped = store.create_assignment(mgr, B, date(2026, 11, 27), team="Hawks", pass_mark=70)
    drill(store, hal, bank.get(A), 75, at(2026, 11, 24))
    drill(store, hal, bank.get(B), 75, at(2026, 11, 24))
    before = compute_leaderboard(store, SYSTEM, "Hawks").rows[0]
    store.cancel_assignment(mgr, dropped.id)
    after = compute_leaderboard(store, SYSTEM, "Hawks").rows[0]
    assert (before.assignment_points, after.assignment_points) == (100, 50)
    assert after.points == before.points - 50
    assert kept.status == "open"


def test_rules_explain_every_number() -> None:
    rules = load_rules()
    assert rules_markdown(rules) == RULES
    numbers = [
        rules.drill.min_replies,
        rules.warmup.min_replies,
        rules.clinic.min_replies,
        rules.improvement.max_bonus,
        rules.assignment_points,
        rules.streak.min_drills,
        rules.streak.points_per_week,
        rules.streak.points_per_week * rules.streak.max_bonus_weeks,
        rules.streak.lookback_weeks,
        rules.trailing_weeks,
        rules.clinic.weekly_cap,
        rules.warmup.weekly_cap,
    ]
    for mode in (rules.drill, rules.clinic, rules.warmup):
        numbers += [n for t in mode.tiers for n in (t.min_score, t.points)]
    for n in numbers:
        assert re.search(rf"(?<!\d){n}(?!\d)", RULES), f"{n} is not in the rules text"
    for words in (
        "best",
        "fewer replies earns nothing",
        "keeps no streak alive",
        "at most",
        "Ties",
        "time zone",
    ):
        assert words in RULES
