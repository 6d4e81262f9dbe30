"""The stored local week and the weekly roll-ups behind the leaderboard (migration 0003, store.rollup).

What must hold, on SQLite and PostgreSQL:

* a completed attempt stores its ISO week in its team's zone, as ``weeks.py`` computes it, on both
  sides of a local week boundary that is not the UTC one;
* upgrading a database at 0002 that already holds attempts backfills the weeks and roll-ups
  (0003, 0004) and the replies of each attempt, with roll-ups of counted attempts only (0005);
* a team's time-zone change recomputes the stored weeks;
* the leaderboard equals the same rules replayed over raw attempts and turns
  (``leaderboard_reference``) on randomised data: drills, warm-ups and clinic replies with
  0-4 replies, re-graded attempts, reviews, assignments (one cancelled), a rep moving teams,
  rows bulk-loaded behind the store's back.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, insert, select

from coach_engine.leaderboard import compute_leaderboard
from coach_engine.models import Scorecard, SkillScore, Turn
from coach_engine.points import load_rules
from coach_engine.scenarios import ScenarioBank
from coach_engine.store import SYSTEM, Store, User
from coach_engine.store.engine import alembic_config, make_engine
from coach_engine.store.schema import (
    AttemptRow,
    SkillScoreRow,
    TeamRow,
    TurnRow,
    UserRow,
    WeekRepRow,
    WeekScenarioRow,
    WeekSkillRow,
)
from coach_engine.store.weeks import iso_week, local_week_number, shift_week, week_number

from . import leaderboard_reference as reference
from .conftest import practise

LA = "America/Los_Angeles"
SCENARIOS = ("cfo-price-routing", "school-budget-tutoring", "restaurant-budget-inventory")


def card(scenario_id: str, overall: int, skills: dict[str, int] | None = None) -> Scorecard:
    skills = skills or {"explore": 3, "value": 4}
    return Scorecard(
        scenario_id=scenario_id,
        rubric="objection-handling",
        grader="test",
        overall=overall,
        skills=[SkillScore(id=k, name=k.title(), score=v) for k, v in skills.items()],
    )


def stored_weeks(store: Store) -> dict[int, int | None]:
    with store.session() as s:
        return {aid: wk for aid, wk in s.execute(select(AttemptRow.id, AttemptRow.week))}


def dump(board: Any) -> tuple[Any, ...]:
    return (
        board.week,
        [asdict(r) for r in board.rows],
        asdict(board.most_improved) if board.most_improved else None,
        [asdict(x) for x in board.skill_leaders],
    )


def assert_same_as_scan(store: Store, team: str, weeks: list[str]) -> None:
    for week in weeks:
        assert dump(compute_leaderboard(store, SYSTEM, team, week)) == dump(
            reference.compute_leaderboard(store, SYSTEM, team, week)
        ), week


def assert_rollups_exact(store: Store) -> None:
    """The roll-up tables equal the same aggregates over the source rows' counted attempts.

    Counted, recomputed here from ``turns``: a drill or warm-up with 2+ rep replies, a clinic with 1+.
    """
    rules = load_rules()
    a, k = AttemptRow, SkillScoreRow
    with store.session() as s:
        replies = dict(
            s.execute(
                select(TurnRow.attempt_id, func.count())
                .where(TurnRow.role == "rep")
                .group_by(TurnRow.attempt_id)
            ).all()
        )
        done = s.execute(
            select(a.id, a.team_id, a.week, a.user_id, a.mode, a.scenario_id, a.overall, a.replies).where(
                a.status == "completed", a.team_id.is_not(None)
            )
        ).all()
        assert all(r.week is not None for r in done), "a completed attempt without a stored week"
        assert all(r.replies == replies.get(r.id, 0) for r in done), "stored replies differ from the turns"
        counted = [r for r in done if rules.counts(r.mode, replies.get(r.id, 0))]
        reps: dict[tuple[int, int, int], tuple[int, int]] = {}
        scenarios: dict[tuple[int, int, int, str, str], int] = {}
        for r in counted:
            if r.mode == "drill":
                n, total = reps.get((r.team_id, r.week, r.user_id), (0, 0))
                reps[(r.team_id, r.week, r.user_id)] = (n + 1, total + (r.overall or 0))
            key = (r.team_id, r.week, r.user_id, r.mode, r.scenario_id)
            scenarios[key] = max(scenarios.get(key, 0), r.overall or 0)
        drill_ids = {r.id: r for r in counted if r.mode == "drill"}
        skills: dict[tuple[int, int, int, str], tuple[str, int, int]] = {}
        for aid, sk, name, score in s.execute(
            select(k.attempt_id, k.skill_id, k.name, func.coalesce(k.reviewed_score, k.score))
        ):
            if aid in drill_ids:
                r = drill_ids[aid]
                old_name, n, total = skills.get((r.team_id, r.week, r.user_id, sk), ("", 0, 0))
                skills[(r.team_id, r.week, r.user_id, sk)] = (max(old_name, name), n + 1, total + int(score))
        assert {
            (r.team_id, r.week, r.user_id): (r.drills, r.overall_sum) for r in s.scalars(select(WeekRepRow))
        } == reps
        assert {
            (r.team_id, r.week, r.user_id, r.mode, r.scenario_id): r.best
            for r in s.scalars(select(WeekScenarioRow))
        } == scenarios
        assert {
            (r.team_id, r.week, r.user_id, r.skill_id): (r.name, r.scored, r.score_sum)
            for r in s.scalars(select(WeekSkillRow))
        } == skills


def test_stored_week_is_the_local_week_across_a_boundary(store: Store, bank: ScenarioBank) -> None:
    rep = store.add_user(SYSTEM, "lou@west.test", "Lou", "rep", "West", timezone=LA)
    scenario = bank.get(SCENARIOS[0])
    sunday_night = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # Sun 29 Nov 23:30 in Los Angeles: W48
    monday_early = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)  # Mon 30 Nov 00:30 in Los Angeles: W49
    ids = [
        practise(store, rep, scenario, 70, when, started=when - timedelta(minutes=5))
        for when in (sunday_night, monday_early)
    ]
    turns = [Turn(role="buyer", text="Too much."), Turn(role="rep", text="Why?")] * 2
    imported = store.import_attempt(
        SYSTEM,
        rep,
        scenario,
        turns,
        card(scenario.id, 90),
        started_at=sunday_night,
        completed_at=sunday_night,
    )
    open_one = store.start_attempt(rep, scenario, at=monday_early)

    weeks = stored_weeks(store)
    assert iso_week(sunday_night, "UTC") == "2026-W49"  # the UTC week would be wrong
    assert weeks[ids[0]] == weeks[imported.id] == week_number("2026-W48") == 202648
    assert weeks[ids[1]] == week_number("2026-W49") == local_week_number(monday_early, LA)
    assert weeks[open_one.id] is None  # stamped on completion only
    assert_rollups_exact(store)
    board = compute_leaderboard(store, SYSTEM, "West", "2026-W48")
    assert (board.rows[0].drills, board.rows[0].average) == (2, 80.0)
    assert_same_as_scan(store, "West", ["2026-W48", "2026-W49"])


def test_time_zone_change_restamps_weeks(store: Store, bank: ScenarioBank) -> None:
    rep = store.add_user(SYSTEM, "tia@east.test", "Tia", "rep", "East", timezone="Asia/Tokyo")
    store.add_user(SYSTEM, "max@east.test", "Max", "manager", "East")
    manager = store.login("max@east.test")
    scenario = bank.get(SCENARIOS[1])
    # Sun 29 Nov 20:00 UTC: Monday 05:00 (W49) in Tokyo, Sunday 12:00 (W48) in Los Angeles.
    when = datetime(2026, 11, 29, 20, tzinfo=UTC)
    aid = practise(store, rep, scenario, 64, when)
    assert stored_weeks(store)[aid] == 202649

    store.ensure_team(manager, "East", LA)
    assert stored_weeks(store)[aid] == 202648 == local_week_number(when, LA)
    assert_rollups_exact(store)
    assert compute_leaderboard(store, SYSTEM, "East", "2026-W48").rows[0].drills == 1
    assert compute_leaderboard(store, SYSTEM, "East", "2026-W49").rows[0].drills == 0
    assert_same_as_scan(store, "East", ["2026-W48", "2026-W49"])


def _seed_0002(url: str) -> dict[str, int]:
    """A database at 0002 only, holding teams, reps, attempts and skill scores as 0002 wrote them."""
    engine = make_engine(url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    rng = random.Random(3)
    attempts = AttemptRow.__table__
    with engine.begin() as conn:
        t_west, t_utc = (
            conn.execute(
                insert(TeamRow).values(name=name, timezone=tz, created_at=now).returning(TeamRow.id)
            ).scalar_one()
            for name, tz in (("West", LA), ("Zulu", "UTC"))
        )
        users = {}
        for email, team_id in (("ann@w.test", t_west), ("bob@w.test", t_west), ("zed@z.test", t_utc)):
            users[email] = conn.execute(
                insert(UserRow)
                .values(email=email, name=email[:3].title(), role="rep", team_id=team_id, created_at=now)
                .returning(UserRow.id)
            ).scalar_one()
        n = 0
        for email, uid in users.items():
            team_id = t_utc if email.startswith("zed") else t_west
            for _ in range(60):
                n += 1
                # Spread over 10 weeks, many of them near local midnight on Sunday/Monday.
                when = now - timedelta(days=rng.randrange(0, 70), hours=rng.choice([0, 4, 7, 8, 9, 15]))
                status = rng.choice(["completed"] * 8 + ["in_progress", "abandoned"])
                overall = rng.randrange(30, 100)
                mode = rng.choice(["drill"] * 6 + ["warmup", "clinic"])
                conn.execute(
                    insert(attempts),
                    [
                        {
                            "id": n,
                            "user_id": uid,
                            "team_id": team_id,
                            "scenario_id": rng.choice(SCENARIOS),
                            "scenario_hash": "x",
                            "objection": "price",
                            "difficulty": "medium",
                            "mode": mode,
                            "voice": "offline",
                            "grader": "offline",
                            "status": status,
                            "outcome": "open",
                            "overall": overall if status == "completed" else None,
                            "started_at": when - timedelta(minutes=5),
                            "updated_at": when,
                            "completed_at": when if status == "completed" else None,
                        }
                    ],
                )
                replies = rng.randrange(0, 4)
                conn.execute(
                    insert(TurnRow),
                    [
                        {
                            "attempt_id": n,
                            "idx": i,
                            "role": "buyer" if i % 2 == 0 else "rep",
                            "text": "...",
                            "created_at": when,
                        }
                        for i in range(2 * replies + 1)
                    ],
                )
                if status == "completed":
                    conn.execute(
                        insert(SkillScoreRow),
                        [
                            {
                                "attempt_id": n,
                                "skill_id": sk,
                                "name": sk.title(),
                                "score": rng.randrange(1, 6),
                                "reviewed_score": rng.choice([None, None, rng.randrange(1, 6)]),
                            }
                            for sk in ("explore", "value")
                        ],
                    )
    engine.dispose()
    return users


def test_upgrade_from_0002_backfills_weeks_and_rollups(db_url: str) -> None:
    _seed_0002(db_url)
    store = Store.open(db_url)  # runs 0003, 0004 and 0005 over the existing rows
    try:
        store.clock = lambda: datetime(2026, 11, 26, 12, tzinfo=UTC)
        with store.session() as s:
            rows = s.execute(
                select(AttemptRow.status, AttemptRow.completed_at, AttemptRow.week, TeamRow.timezone).join(
                    TeamRow, TeamRow.id == AttemptRow.team_id
                )
            ).all()
        assert len(rows) == 180
        for status, completed_at, week, tz in rows:
            expected = local_week_number(completed_at, tz) if status == "completed" else None
            assert week == expected
        assert any(iso_week(c, tz) != iso_week(c, "UTC") for st, c, _, tz in rows if st == "completed"), (
            "the data should cross local week boundaries"
        )
        assert_rollups_exact(store)
        weeks = [shift_week("2026-W48", -i) for i in range(0, 11)]
        assert_same_as_scan(store, "West", weeks)
        assert_same_as_scan(store, "Zulu", weeks[:4])
    finally:
        store.close()


@pytest.mark.parametrize("seed", [11, 12])
def test_leaderboard_identical_to_the_scan(store: Store, bank: ScenarioBank, seed: int) -> None:
    rng = random.Random(seed)
    now = datetime(2026, 11, 26, 18, tzinfo=UTC)
    store.clock = lambda: now
    manager = store.add_user(SYSTEM, "mo@berlin.test", "Mo", "manager", "Berlin", timezone="Europe/Berlin")
    reps = [store.add_user(manager, f"r{i}@berlin.test", f"Rep {i % 4}", "rep", "Berlin") for i in range(9)]
    store.add_user(SYSTEM, "x@elsewhere.test", "Xena", "rep", "Elsewhere", timezone="Pacific/Auckland")
    store.clock = lambda: now - timedelta(days=25)  # assignments made before most of the drills
    store.create_assignment(manager, SCENARIOS[0], date(2026, 11, 27), team="Berlin", pass_mark=70)
    solo = store.create_assignment(
        manager, SCENARIOS[1], date(2026, 11, 5), user=reps[0].email, pass_mark=60, min_attempts=2
    )
    store.update_assignment(manager, solo.id, due=date(2026, 11, 12))  # extended: the new due date counts
    dropped = store.create_assignment(manager, SCENARIOS[2], date(2026, 11, 27), team="Berlin", pass_mark=20)
    store.cancel_assignment(manager, dropped.id)  # cancelled: earns nothing
    store.clock = lambda: now
    completed: list[tuple[User, int]] = []
    for _ in range(400):
        rep = rng.choice(reps)
        # Mostly the last 10 weeks; a quarter of the attempts within an hour of local midnight.
        when = now - timedelta(days=rng.randrange(0, 70), minutes=rng.randrange(0, 24 * 60))
        if rng.random() < 0.25:
            when = when.replace(hour=22 if rng.random() < 0.5 else 23, minute=rng.randrange(60))
        scenario = bank.get(rng.choice(SCENARIOS))
        mode = rng.choice(["drill"] * 8 + ["warmup", "clinic"])
        a = store.start_attempt(rep, scenario, mode=mode, at=when - timedelta(minutes=8))
        store.record_turn(rep, a.id, 0, "buyer", scenario.buyer.opening)
        for i in range(rng.choice([0, 1, 2, 2, 3, 3, 4])):  # a drill needs 2 replies to count
            store.record_turn(rep, a.id, 2 * i + 1, "rep", "What is behind that?")
            store.record_turn(rep, a.id, 2 * i + 2, "buyer", "Fair question.")
        roll = rng.random()
        if roll < 0.05:
            store.abandon_attempt(rep, a.id)
            continue
        if roll < 0.1:
            continue  # left in progress
        skills = {"explore": rng.randrange(1, 6), "value": rng.randrange(1, 6), "close": rng.randrange(1, 6)}
        store.complete_attempt(rep, a.id, card(scenario.id, rng.randrange(20, 100), skills), at=when)
        completed.append((rep, a.id))
    for rep, aid in rng.sample(completed, 15):  # re-graded later, possibly in another week
        first = store.get_attempt(SYSTEM, aid)
        assert first.completed_at is not None
        later = min(first.completed_at + timedelta(days=rng.choice([0, 3, 9])), now)
        store.complete_attempt(rep, aid, card(first.scenario_id, rng.randrange(20, 100)), at=later)
    for _, aid in rng.sample(completed, 20):
        store.add_review(manager, aid, {"explore": rng.randrange(1, 6)})
    # A rep moves teams: their old attempts stay with Berlin.
    store.ensure_team(SYSTEM, "Elsewhere")
    with store.session() as s:
        mover = s.get(UserRow, reps[8].id)
        assert mover is not None
        mover.team_id = s.scalar(select(TeamRow.id).where(TeamRow.name == "Elsewhere"))

    weeks = [shift_week(iso_week(now, "Europe/Berlin"), -i) for i in range(0, 11)]
    assert_rollups_exact(store)
    assert_same_as_scan(store, "Berlin", weeks)
    boards = [compute_leaderboard(store, SYSTEM, "Berlin", w) for w in weeks]
    # The comparison exercised every credit: streaks, assignments, improvement, clinic and warm-up
    # points, most improved, skill leaders.
    assert any(r.streak_points for b in boards for r in b.rows)
    assert any(r.assignment_points for b in boards for r in b.rows)
    assert any(r.improvement_points for b in boards for r in b.rows)
    assert any(r.practice_points for b in boards for r in b.rows)
    assert any(b.most_improved for b in boards) and any(b.skill_leaders for b in boards)

    # Rows bulk-loaded behind the store's back (no week): found and stamped on the next read.
    with store.session() as s:
        team_id = s.scalar(select(TeamRow.id).where(TeamRow.name == "Berlin"))
        s.execute(
            insert(AttemptRow),
            [
                {
                    "user_id": reps[i % 3].id,
                    "team_id": team_id,
                    "scenario_id": SCENARIOS[i % 3],
                    "scenario_hash": "x",
                    "objection": "price",
                    "difficulty": "medium",
                    "status": "completed",
                    "overall": 50 + i,
                    "started_at": now - timedelta(days=i, hours=2),
                    "updated_at": now - timedelta(days=i, hours=1),
                    "completed_at": now - timedelta(days=i, hours=1),
                }
                for i in range(12)
            ],
        )
        # Their turns too, for some: the store counts the replies when it stamps them.
        loaded = s.scalars(
            select(AttemptRow.id).where(AttemptRow.week.is_(None), AttemptRow.status == "completed")
        )
        s.execute(
            insert(TurnRow),
            [
                {
                    "attempt_id": aid,
                    "idx": i,
                    "role": "rep" if i % 2 else "buyer",
                    "text": "...",
                    "created_at": now,
                }
                for aid in list(loaded)[::2]
                for i in range(5)
            ],
        )
    assert_same_as_scan(store, "Berlin", weeks[:3])
    assert_rollups_exact(store)
