"""The weekly leaderboard against hand-computed expectations (team in Los Angeles, week 2026-W48).

W48 in America/Los_Angeles is Mon 23 Nov 00:00 PST (08:00 UTC) to Mon 30 Nov 00:00 PST.

| rep | W48 attempts (scenario: score)              | scenario pts | assignments | streak       | points |
|-----|---------------------------------------------|--------------|-------------|--------------|--------|
| Ann | A 60, A 80, B 70 (B at Sun 23:30 local)     | 80+70 = 150  | —           | 3 (W46-W48)  | 180    |
| Bob | A 90, C 60                                  | 150          | C late: 0   | 2 carried, 0 | 150    |
| Cat | B 75, C 75                                  | 150          | —           | 0            | 150    |
| Dan | A 75 (his Sun 22 Nov attempt is W47)        | 75           | A on time 50| 0            | 125    |
| Eve | —                                           | 0            | —           | 0            | 0      |

Bob and Cat tie on points, drills (2) and average (75.0): Bob wins on name.
Most improved: Dan, 75 this week vs 40 over W44-W47 (+35); Ann +20, Bob +15.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from coach_engine.leaderboard import RULES, compute_leaderboard
from coach_engine.models import Scenario, Scorecard, SkillScore
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import SYSTEM, Store, User

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
) -> int:
    skills = skills or {"explore": 3, "value": 3}
    a = store.start_attempt(user, scenario, at=when)
    card = Scorecard(
        scenario_id=scenario.id,
        rubric="objection-handling",
        grader="test",
        overall=overall,
        skills=[SkillScore(id=k, name=k.title(), score=v) for k, v in skills.items()],
    )
    store.complete_attempt(user, a.id, card, at=when)
    return a.id


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
    store.add_user(SYSTEM, "eve@falcons.test", "Eve", "rep", "Falcons")
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
    drill(store, dan, sa, 75, at(2026, 11, 25), {"explore": 2, "value": 4})
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
        (1, "Ann", 180, 3, 70.0, 3),
        (2, "Bob", 150, 2, 75.0, 2),
        (3, "Cat", 150, 2, 75.0, 0),
        (4, "Dan", 125, 1, 75.0, 0),
        (5, "Eve", 0, 0, None, 0),
    ]
    ann, bob, _, dan, _ = board.rows
    assert (ann.scenario_points, ann.assignment_points, ann.streak_points) == (150, 0, 30)
    assert (bob.scenario_points, bob.assignment_points, bob.streak_points) == (150, 0, 0)
    assert (dan.scenario_points, dan.assignment_points) == (75, 50)
    assert [r.best_skill for r in board.rows] == ["Explore", "Value", "Explore", "Value", None]
    assert board.most_improved is not None
    assert (board.most_improved.name, board.most_improved.delta) == ("Dan", 35.0)
    assert [(s.skill_id, s.name, s.average) for s in board.skill_leaders] == [
        ("explore", "Ann", 4.0),  # tie with Cat at 4.0: Ann did more drills
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
        "points": 180,
        "drills": 3,
        "average": 70.0,
        "streak": 3,
    }


def test_previous_week_and_boundaries(store: Store, board_world: dict[str, Any]) -> None:
    board = compute_leaderboard(store, board_world["mgr"], "Falcons", "2026-W47")
    rows = {r.name: r for r in board.rows}
    # W47: Ann 3 x 50 on scenario A -> best 50 + streak 3 weeks? W45 had 2 drills: streak W46-W47 = 2.
    assert (rows["Ann"].points, rows["Ann"].drills, rows["Ann"].streak) == (50 + 20, 3, 2)
    assert (rows["Bob"].points, rows["Bob"].streak) == (60 + 20, 2)
    # Dan's Sunday-night attempt (Monday in UTC) belongs to W47 in Los Angeles.
    assert (rows["Dan"].drills, rows["Dan"].points) == (1, 40)
    # Cat's Monday 00:30 local attempt is W49, so it is in neither W47 nor W48.
    w49 = {r.name: r for r in compute_leaderboard(store, board_world["mgr"], "Falcons", "2026-W49").rows}
    assert (w49["Cat"].drills, w49["Cat"].points) == (1, 99)


def test_review_override_changes_best_skill(store: Store, board_world: dict[str, Any]) -> None:
    store.add_review(board_world["mgr"], board_world["cat1"], {"explore": 1}, "you pitched before asking")
    rows = {r.name: r for r in compute_leaderboard(store, board_world["mgr"], "Falcons").rows}
    assert rows["Cat"].best_skill == "Value"  # explore (1+4)/2 = 2.5 < value 3.0


def test_rules_explain_every_number() -> None:
    for words in ("best", "+50", "3 completed drills", "+10", "Ties", "Most improved", "time zone"):
        assert words in RULES
