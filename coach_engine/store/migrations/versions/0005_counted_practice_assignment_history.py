"""Counted practice and assignment history: replies per attempt, roll-ups by mode, cancel and edit.

Issue 15 found the leaderboard and the assignments rewarding attempts that were
not practice: a one-reply clinic answer passed a full-drill assignment, and a
drill ended with no reply counted toward the streak. So this revision:

* stores on each completed attempt how many replies the rep made
  (``attempts.replies``, backfilled from ``turns``), which is what decides
  whether it counts (``coach_engine/points.yaml``: ``min_replies`` per mode);
* rebuilds the weekly roll-ups to hold counted attempts only: ``week_reps`` and
  ``week_skills`` over counted full drills, and ``week_scenarios`` keyed by mode
  too (drill, warm-up and clinic points differ), with an index for the rep's
  best on a scenario in earlier weeks (the improvement bonus);
* lets a manager cancel an assignment (``assignments.status``) and keeps
  every creation, change and cancellation in ``assignment_events`` (existing
  assignments get their ``created`` event).

The roll-ups are derived data, so they are recomputed here with the point
rules of the running code (``points.load_rules``), exactly as ``store.rollup``
would; tables are declared locally so this revision keeps working whatever the
models become.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from coach_engine.points import load_rules
from coach_engine.store.schema import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

assignments = sa.table(
    "assignments",
    sa.column("id", sa.Integer()),
    sa.column("scenario_id", sa.String()),
    sa.column("due", sa.Date()),
    sa.column("pass_mark", sa.Integer()),
    sa.column("min_attempts", sa.Integer()),
    sa.column("created_by", sa.Integer()),
    sa.column("created_at", UTCDateTime()),
)
assignment_events = sa.table(
    "assignment_events",
    sa.column("assignment_id", sa.Integer()),
    sa.column("actor_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("changes", sa.JSON()),
    sa.column("note", sa.Text()),
    sa.column("created_at", UTCDateTime()),
)


def _counted(alias: str, modes: tuple[str, ...]) -> str:
    """SQL: an attempt of one of ``modes`` with enough replies for its mode (``store.rollup.counted``)."""
    rules = load_rules()
    parts = [f"({alias}.mode = '{m}' AND {alias}.replies >= {rules.mode(m).min_replies})" for m in modes]
    return "(" + " OR ".join(parts) + ")"


def _rebuild_rollups(counted: bool) -> None:
    """Recompute the three roll-ups from the attempts (counted attempts only, or every one as 0004 did)."""
    done = "a.status = 'completed' AND a.team_id IS NOT NULL AND a.week IS NOT NULL"
    drills = f"{done} AND {_counted('a', ('drill',))}" if counted else done
    for table in ("week_reps", "week_scenarios", "week_skills"):
        op.execute(f"DELETE FROM {table}")
    op.execute(
        "INSERT INTO week_reps (team_id, week, user_id, drills, overall_sum) "
        "SELECT a.team_id, a.week, a.user_id, count(*), coalesce(sum(a.overall), 0) FROM attempts a "
        f"WHERE {drills} GROUP BY a.team_id, a.week, a.user_id"
    )
    if counted:
        op.execute(
            "INSERT INTO week_scenarios (team_id, week, user_id, mode, scenario_id, best) "
            "SELECT a.team_id, a.week, a.user_id, a.mode, a.scenario_id, max(a.overall) FROM attempts a "
            f"WHERE {done} AND {_counted('a', ('drill', 'warmup', 'clinic'))} "
            "GROUP BY a.team_id, a.week, a.user_id, a.mode, a.scenario_id"
        )
    else:
        op.execute(
            "INSERT INTO week_scenarios (team_id, week, user_id, scenario_id, best) "
            "SELECT a.team_id, a.week, a.user_id, a.scenario_id, max(a.overall) FROM attempts a "
            f"WHERE {done} GROUP BY a.team_id, a.week, a.user_id, a.scenario_id"
        )
    op.execute(
        "INSERT INTO week_skills (team_id, week, user_id, skill_id, name, scored, score_sum) "
        "SELECT a.team_id, a.week, a.user_id, k.skill_id, max(k.name), count(*), "
        "sum(coalesce(k.reviewed_score, k.score)) "
        f"FROM attempts a JOIN skill_scores k ON k.attempt_id = a.id WHERE {drills} "
        "GROUP BY a.team_id, a.week, a.user_id, k.skill_id"
    )


def _week_scenarios(with_mode: bool) -> None:
    mode = [sa.Column("mode", sa.String(length=16), nullable=False)] if with_mode else []
    key = ["team_id", "week", "user_id", *(["mode"] if with_mode else []), "scenario_id"]
    op.create_table(
        "week_scenarios",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        *mode,
        sa.Column("scenario_id", sa.String(length=120), nullable=False),
        sa.Column("best", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint(*key),
    )
    op.create_index("ix_week_scenarios_board", "week_scenarios", [*key, "best"], unique=False)
    if with_mode:
        op.create_index(
            "ix_week_scenarios_history",
            "week_scenarios",
            ["team_id", "user_id", "mode", "scenario_id", "week", "best"],
            unique=False,
        )


def upgrade() -> None:
    op.add_column("attempts", sa.Column("replies", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE attempts SET replies = (SELECT count(*) FROM turns "
        "WHERE turns.attempt_id = attempts.id AND turns.role = 'rep') WHERE status = 'completed'"
    )

    op.drop_index("ix_week_scenarios_board", table_name="week_scenarios")
    op.drop_table("week_scenarios")
    _week_scenarios(with_mode=True)
    _rebuild_rollups(counted=True)

    op.add_column(
        "assignments", sa.Column("status", sa.String(length=16), server_default="open", nullable=False)
    )
    op.create_table(
        "assignment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_assignment_events_assignment_id"), "assignment_events", ["assignment_id"], unique=False
    )
    # Existing assignments: their creation is the first line of their history.
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            assignments.c.id,
            assignments.c.scenario_id,
            assignments.c.due,
            assignments.c.pass_mark,
            assignments.c.min_attempts,
            assignments.c.created_by,
            assignments.c.created_at,
        )
    ).all()
    if rows:
        op.bulk_insert(
            assignment_events,
            [
                {
                    "assignment_id": aid,
                    "actor_id": created_by,
                    "action": "created",
                    "changes": {
                        "scenario_id": [None, scenario_id],
                        "due": [None, due.isoformat()],
                        "pass_mark": [None, pass_mark],
                        "min_attempts": [None, min_attempts],
                    },
                    "note": "",
                    "created_at": created_at,
                }
                for aid, scenario_id, due, pass_mark, min_attempts, created_by, created_at in rows
            ],
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_assignment_events_assignment_id"), table_name="assignment_events")
    op.drop_table("assignment_events")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("status")
    op.drop_index("ix_week_scenarios_history", table_name="week_scenarios")
    op.drop_index("ix_week_scenarios_board", table_name="week_scenarios")
    op.drop_table("week_scenarios")
    _week_scenarios(with_mode=False)
    _rebuild_rollups(counted=False)
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("replies")
