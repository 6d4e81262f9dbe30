"""Weekly leaderboard figures: a 1,000-rep team with 20 attempts a week for 12 weeks.

Why bulk-inserted rows rather than the engine: the leaderboard reads the
``attempts`` and ``skill_scores`` tables, and 240,000 graded attempts cannot be
produced by running drills inside a benchmark. So rows are written straight
into the real, migrated schema (``Store`` runs the Alembic migrations), then
each team's stored weeks and weekly roll-ups are built as the store keeps them
on every completion (``store.rollup.restamp_team``). The data has a realistic
spread: scores around 62 that improve over the weeks, several
scenarios per rep per week (best-per-scenario matters), five skill scores per
attempt, two team assignments, a few in-progress attempts, and a few drills
ended with too few replies to count. Timing is
``leaderboard.compute_leaderboard`` exactly as the app and CLI call it, for
this week and past weeks.

Teams of 100 and 300 reps share the database, so the chart shows how the cost
grows with team size and the 1,000-rep query runs against a database holding
other teams too. On PostgreSQL (``--database-url``) the bench creates its
teams under unique names and deletes everything it created afterwards.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from .core import BenchContext, Figure, describe_error, require

__all__ = ["run_leaderboard"]

WEEKS = 12
PER_WEEK = 20
SKILLS = (
    ("listen-acknowledge", "Listen and acknowledge"),
    ("explore", "Explore"),
    ("respond-value", "Respond with value"),
    ("confirm-advance", "Confirm and advance"),
    ("delivery", "Delivery"),
)


def _seed_team(
    store: Any, name: str, reps: int, scenarios: list[Any], rng: random.Random, now: datetime
) -> tuple[Any, int]:
    """A team of ``reps`` reps with WEEKS × PER_WEEK attempts each; returns (team, rows written)."""
    from sqlalchemy import insert, select

    from ..store import SYSTEM, rollup
    from ..store.schema import AssignmentRow, AttemptRow, SkillScoreRow, TeamRow, UserRow

    team = store.ensure_team(SYSTEM, name, "America/Chicago")
    tag = name.lower().replace(" ", "-")
    written = 0
    with store.session() as s:
        s.execute(
            insert(UserRow),
            [
                {
                    "email": f"mgr@{tag}.bench",
                    "name": "Bench Manager",
                    "role": "manager",
                    "team_id": team.id,
                    "created_at": now - timedelta(weeks=WEEKS + 1),
                }
            ],
        )
        s.execute(
            insert(UserRow),
            [
                {
                    "email": f"rep{i:04d}@{tag}.bench",
                    "name": f"Rep {i:04d}",
                    "role": "rep",
                    "team_id": team.id,
                    "created_at": now - timedelta(weeks=WEEKS + 1),
                }
                for i in range(reps)
            ],
        )
        uids = list(s.scalars(select(UserRow.id).where(UserRow.team_id == team.id, UserRow.role == "rep")))
        mgr = s.scalar(select(UserRow.id).where(UserRow.email == f"mgr@{tag}.bench"))
        for sc in scenarios[:2]:
            s.execute(
                insert(AssignmentRow),
                [
                    {
                        "scenario_id": sc.id,
                        "team_id": team.id,
                        "due": (now + timedelta(days=3)).date(),
                        "pass_mark": 70,
                        "min_attempts": 1,
                        "created_by": mgr,
                        "created_at": now - timedelta(days=10),
                    }
                ],
            )
        team_id = s.scalar(select(TeamRow.id).where(TeamRow.name == name))
    # Attempts in chunks so memory stays flat; ids are read back per chunk for the skill rows.
    chunk_users = max(1, 20_000 // (WEEKS * PER_WEEK))
    for lo in range(0, len(uids), chunk_users):
        rows = []
        for uid in uids[lo : lo + chunk_users]:
            skill = rng.gauss(58, 10)
            mine = rng.sample(scenarios, 6)
            for w in range(WEEKS):
                week_start = now - timedelta(weeks=WEEKS - 1 - w)
                for _ in range(PER_WEEK if rng.random() > 0.15 else rng.randrange(0, 4)):
                    sc = rng.choice(mine)
                    when = week_start - timedelta(minutes=rng.uniform(0, 6.9 * 24 * 60))
                    overall = max(0, min(100, int(rng.gauss(skill + w * 1.2, 12))))
                    status = "completed" if rng.random() > 0.02 else "in_progress"
                    # Rep replies, as complete_attempt stores them; a few drills ended too early to count.
                    replies = rng.randrange(0, 2) if rng.random() < 0.05 else rng.randrange(2, 8)
                    rows.append(
                        {
                            "user_id": uid,
                            "team_id": team_id,
                            "scenario_id": sc.id,
                            "scenario_hash": "bench",
                            "objection": sc.objection,
                            "difficulty": sc.difficulty,
                            "mode": "drill",
                            "voice": "scripted",
                            "grader": "rubric",
                            "status": status,
                            "outcome": "agreed" if overall > 70 else "open",
                            "overall": overall if status == "completed" else None,
                            "started_at": when - timedelta(minutes=6),
                            "updated_at": when,
                            "completed_at": when if status == "completed" else None,
                            "replies": replies if status == "completed" else None,
                        }
                    )
        with store.session() as s:
            ids = list(
                s.scalars(insert(AttemptRow).returning(AttemptRow.id, sort_by_parameter_order=True), rows)
            )
            skills = []
            for aid, row in zip(ids, rows, strict=True):
                if row["overall"] is None:
                    continue
                for sk_id, sk_name in SKILLS:
                    skills.append(
                        {
                            "attempt_id": aid,
                            "skill_id": sk_id,
                            "name": sk_name,
                            "score": max(1, min(5, round(row["overall"] / 20 + rng.uniform(-1, 1)))),
                            "reviewed_score": None,
                        }
                    )
            s.execute(insert(SkillScoreRow), skills)
            written += len(rows) + len(skills)
    with store.session() as s:  # what complete_attempt keeps up to date: local weeks and roll-ups
        rollup.restamp_team(s, team_id, team.timezone)
    return team, written


def _cleanup(store: Any, names: list[str]) -> None:
    from sqlalchemy import delete, select

    from ..store.rollup import ROLLUPS
    from ..store.schema import AssignmentRow, AttemptRow, SkillScoreRow, TeamRow, UserRow

    with store.session() as s:
        ids = list(s.scalars(select(TeamRow.id).where(TeamRow.name.in_(names))))
        if not ids:
            return
        for table in ROLLUPS:
            s.execute(delete(table).where(table.team_id.in_(ids)))
        attempts = select(AttemptRow.id).where(AttemptRow.team_id.in_(ids))
        s.execute(delete(SkillScoreRow).where(SkillScoreRow.attempt_id.in_(attempts)))
        s.execute(delete(AttemptRow).where(AttemptRow.team_id.in_(ids)))
        s.execute(delete(AssignmentRow).where(AssignmentRow.team_id.in_(ids)))
        s.execute(delete(UserRow).where(UserRow.team_id.in_(ids)))
        s.execute(delete(TeamRow).where(TeamRow.id.in_(ids)))


def _seeded(store: Any, name: str, reps: int) -> bool:
    """Whether the team called ``name`` is fully seeded (its reps and most of their attempts are there)."""
    from sqlalchemy import func, select

    from ..store.schema import AttemptRow, TeamRow, UserRow

    with store.session() as s:
        team_id = s.scalar(select(TeamRow.id).where(TeamRow.name == name))
        if team_id is None:
            return False
        n_reps = (
            s.scalar(
                select(func.count())
                .select_from(UserRow)
                .where(UserRow.team_id == team_id, UserRow.role == "rep")
            )
            or 0
        )
        n_attempts = (
            s.scalar(select(func.count()).select_from(AttemptRow).where(AttemptRow.team_id == team_id)) or 0
        )
    return n_reps == reps and n_attempts >= 0.8 * reps * WEEKS * PER_WEEK


def _measure(ctx: BenchContext, url: str, name: str, backend: str) -> Figure:
    lb = require("coach_engine.leaderboard", "compute_leaderboard", why="issue 5")
    store_mod = require("coach_engine.store", "Store", "SYSTEM", why="issue 5")
    from ..store.weeks import iso_week, shift_week

    sizes = (10, 40) if ctx.quick else (100, 300, 1_000)
    bank = ctx.cache["bank"]
    scenarios = [bank.get(i) for i in bank.ids()]
    store = store_mod.Store.open(url)
    cached = ctx.cache_dir is not None
    run = "cached" if cached else uuid.uuid4().hex[:6]
    names = [f"Bench {run} {n}" for n in sizes]
    rng = random.Random(1)
    now = store.clock() if callable(getattr(store, "clock", None)) else datetime.now(UTC)
    series: list[tuple[float, float]] = []
    samples: list[float] = []
    try:
        t0 = time.perf_counter()
        teams = {}
        rows = 0
        for n, team_name in zip(sizes, names, strict=True):
            if cached and _seeded(store, team_name, n):
                continue
            if cached:
                _cleanup(store, [team_name])  # a half-seeded team from an interrupted run
            teams[n], w = _seed_team(store, team_name, n, scenarios, rng, now)
            rows += w
        seed_s = time.perf_counter() - t0
        ctx.log(
            f"    {backend}: seeded {rows:,} rows ({', '.join(str(n) for n in sizes)} reps) "
            f"in {seed_s:.0f} s" + (" (kept in --cache-dir for the next run)" if cached else "")
        )
        this_week = iso_week(now, "America/Chicago")
        weeks = [this_week] + [shift_week(this_week, -i) for i in (1, 3, 6)]
        for n, team_name in zip(sizes, names, strict=True):
            laps = []
            reps = 0
            calls = [weeks[i % len(weeks)] for i in range(20 if not ctx.quick else 6)]
            lb.compute_leaderboard(store, store_mod.SYSTEM, team_name, this_week)  # warm the connection
            for week in ctx.capped(calls, full_s=60, quick_s=4, min_n=5):
                t1 = time.perf_counter()
                board = lb.compute_leaderboard(store, store_mod.SYSTEM, team_name, week)
                laps.append((time.perf_counter() - t1) * 1000.0)
                reps = max(reps, len(board.rows))
            series.append((float(n), statistics.median(laps)))
            if n == sizes[-1]:
                samples = laps
                if reps != n:
                    raise RuntimeError(f"the leaderboard returned {reps} rows for a team of {n} reps")
        fig = Figure(name, samples, size=sizes[-1], series=series, series_x="reps in the team")
        fig.note = (
            f"{sizes[-1]:,} reps × {PER_WEEK} attempts/week × {WEEKS} weeks (+ teams of "
            f"{', '.join(str(n) for n in sizes[:-1])}); this week and past weeks"
            + (f"; {rows:,} rows seeded in {seed_s:.0f} s" if rows else "; data reused from --cache-dir")
        )
        if ctx.quick:
            fig.note = f"QUICK: {sizes[-1]} reps, not 1,000; " + fig.note
        return fig
    finally:
        if backend == "postgresql" and not cached:
            try:
                _cleanup(store, names)
            except Exception as exc:
                ctx.log(f"    could not remove the bench teams from PostgreSQL: {describe_error(exc)}")
        store.close()


def run_leaderboard(ctx: BenchContext) -> dict[str, Figure]:
    out: dict[str, Figure] = {}
    try:
        db = ctx.store_dir("leaderboard") / "leaderboard.db"
        out["leaderboard_sqlite"] = _measure(ctx, f"sqlite:///{db}", "leaderboard_sqlite", "sqlite")
    except Exception as exc:
        out["leaderboard_sqlite"] = Figure("leaderboard_sqlite", error=describe_error(exc))
    if not ctx.database_url:
        out["leaderboard_postgres"] = Figure(
            "leaderboard_postgres",
            error="skipped: no PostgreSQL URL (pass --database-url postgresql+psycopg://...)",
        )
    elif not ctx.database_url.startswith("postgresql"):
        out["leaderboard_postgres"] = Figure(
            "leaderboard_postgres",
            error=f"skipped: --database-url is not PostgreSQL ({ctx.database_url.split(':')[0]})",
        )
    else:
        try:
            out["leaderboard_postgres"] = _measure(
                ctx, ctx.database_url, "leaderboard_postgres", "postgresql"
            )
        except Exception as exc:
            out["leaderboard_postgres"] = Figure("leaderboard_postgres", error=describe_error(exc))
    return out
